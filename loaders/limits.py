"""Bounds on what a listing may hold, so that a small file cannot make a load's work unbounded.

A listing beyond them is refused in the load's check pass, before anything is written, with the
file and line; none of them comes near a real listing.
"""

# The most technologies one episode's stack may list (``stackgraph load --max-technologies``).
# The co-occurrence index counts every pair of a company's stack: n technologies are n²/2 pairs,
# and one episode listing 4,000 tags (a 40 KB file) took two minutes and 1.2 GB. Real stacks
# list 5 to 40.
MOST_TECHNOLOGIES = 200

# The longest text that becomes (part of) a node's key: a title, a stack tag, a URL, a library,
# the podcast's name or author, a guest's name. Neo4j refuses to index a key of more than 8 KB,
# in the middle of a load.
LONGEST_KEY_BYTES = 2000
