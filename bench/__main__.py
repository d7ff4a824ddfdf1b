"""Scale benchmark: `python -m bench [--sizes 1000,10000,100000] [--runs 50]`;
`python -m bench service …` runs the service benchmark instead (bench/service.py).

For each size N: generate a listing (bench/generate.py, cached in --workdir), then in child
processes (so peaks don't mix) parse it and load it into the embedded FalkorDB store and,
when NEO4J_URI is set, into Neo4j; then time queries against each store (p50/p95 over
--runs runs) and the same co-occurrence and similarity answers from an in-memory
scipy.sparse company x technology matrix (the speed limit), checking that they agree.
Writes bench/results/scale-<timestamp>.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from bench.generate import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Plain Cypher for the questions, as the speed reference of the query modules.
COOCCURRING = """
MATCH (t:Technology {id: $tech})<-[:USES]-(c:Company)-[:USES]->(o:Technology)
WHERE o.id <> $tech
RETURN o.id AS id, count(DISTINCT c) AS n ORDER BY n DESC, id LIMIT 10
"""
SIMILAR = """
MATCH (c:Company {id: $company})-[:USES]->(t:Technology)<-[:USES]-(o:Company)
WHERE o.id <> $company
RETURN o.id AS id, count(DISTINCT t) AS n ORDER BY n DESC, id LIMIT 10
"""
PATH = """
MATCH (a:Company {id: $a})
MATCH (b:Company {id: $b})
WITH a, b
MATCH p = allShortestPaths((a)-[:USES*..6]-(b))
RETURN length(p) AS hops LIMIT 1
"""


def machine() -> dict:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": os.getloadavg(),  # other work on the machine skews every number
    }


def machine_line(m: dict) -> str:
    """The machine as the tables state it, with the load average at the run's start."""
    return (f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}, load average at "
            f"start {', '.join(f'{x:.1f}' for x in m['loadavg_at_start'])}")


def child(*args: str, timeout: float = 3600) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.child", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if out.returncode:
        raise RuntimeError(f"bench.child {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def latency(fn, runs: int, params: list, budget_s: float = 60.0) -> dict:
    """p50/p95 over ``runs`` calls, cycling through ``params``; stops early (at 5 runs or more)
    once ``budget_s`` seconds are spent, and says so in ``runs``."""
    times = []
    began = time.perf_counter()
    for i in range(runs):
        if i >= 5 and time.perf_counter() - began > budget_s:
            break
        start = time.perf_counter()
        fn(params[i % len(params)])
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "runs": len(times),
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))],
    }


class Baseline:
    """The company x technology USES matrix built straight from the listing, in memory."""

    def __init__(self, path: Path):
        from domain.catalog import Catalog
        from loaders.companies import company_from_text
        from loaders.listing import ListingEpisode, read_listing
        from domain.slug import slugify

        catalog = Catalog.default()
        start = time.perf_counter()
        stacks: dict[str, set[str]] = {}
        for item in read_listing(path):
            if isinstance(item, ListingEpisode):
                company = company_from_text(item.title, item.description, lambda n: catalog.resolve(n) is not None)
                stacks.setdefault(slugify(company.name), set()).update(catalog.technology_for(t).slug for t in item.stack)
        self.companies = sorted(stacks)
        self.techs = sorted({t for s in stacks.values() for t in s})
        ci = {c: i for i, c in enumerate(self.companies)}
        self.ti = {t: i for i, t in enumerate(self.techs)}
        self.ci = ci
        rows = [ci[c] for c, s in stacks.items() for _ in s]
        cols = [self.ti[t] for s in stacks.values() for t in s]
        self.m = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(ci), len(self.ti)))
        self.mt = self.m.T.tocsr()
        self.build_s = time.perf_counter() - start
        self.company_ids = np.array(self.companies)
        self.tech_ids = np.array(self.techs)

    @staticmethod
    def _top(counts: np.ndarray, ids: np.ndarray, exclude: int, k: int = 10) -> list[tuple[str, int]]:
        counts = counts.copy()
        counts[exclude] = 0
        nz = np.flatnonzero(counts)
        if len(nz) > k:  # only the k largest counts and their ties need ordering by id
            nz = nz[counts[nz] >= np.partition(counts[nz], -k)[-k]]
        order = sorted(nz, key=lambda i: (-counts[i], ids[i]))[:k]
        return [(str(ids[i]), int(counts[i])) for i in order]

    def cooccurring_counts(self, tech: str) -> np.ndarray:
        users = self.mt[self.ti[tech]]  # 1 x companies
        return np.asarray((users @ self.m).todense()).ravel()

    def similar_counts(self, company: str) -> np.ndarray:
        row = self.m[self.ci[company]]
        return np.asarray((self.m @ row.T).todense()).ravel()

    def cooccurring(self, tech: str) -> list[tuple[str, int]]:
        return self._top(self.cooccurring_counts(tech), self.tech_ids, self.ti[tech])

    def similar(self, company: str) -> list[tuple[str, int]]:
        return self._top(self.similar_counts(company), self.company_ids, self.ci[company])


def query_bench(store, base: Baseline, runs: int, rng: random.Random) -> dict:
    """Latencies of the questions on one store, and whether its answers agree with the baseline."""
    results: dict = {}
    tech_users = np.asarray(base.m.sum(axis=0)).ravel()
    # Parameters: the most used technologies (the heaviest co-occurrence questions) and random companies.
    top_techs = [str(base.tech_ids[i]) for i in np.argsort(-tech_users, kind="stable")[:10]]
    companies = [base.companies[rng.randrange(len(base.companies))] for _ in range(20)]
    pairs = [(companies[i], companies[-1 - i]) for i in range(10)]

    def cypher_cooc(tech):
        return [(r["id"], r["n"]) for r in store.run(COOCCURRING, {"tech": tech})]

    def cypher_similar(company):
        return [(r["id"], r["n"]) for r in store.run(SIMILAR, {"company": company})]

    results["cooccurring_cypher"] = latency(cypher_cooc, runs, top_techs)
    results["similar_cypher"] = latency(cypher_similar, runs, companies)
    results["path_cypher"] = latency(lambda ab: store.run(PATH, {"a": ab[0], "b": ab[1]}), runs, pairs)
    results["stats_counts"] = latency(lambda _: store.counts(), runs, [None])
    results["baseline_cooccurring"] = latency(base.cooccurring, runs, top_techs)
    results["baseline_similar"] = latency(base.similar, runs, companies)

    agree = {
        "cooccurring_cypher": all(cypher_cooc(t) == base.cooccurring(t) for t in top_techs),
        "similar_cypher": all(cypher_similar(c) == base.similar(c) for c in companies),
    }
    # The query modules, when present (queries/cooccurring.py, similar.py, path.py).
    # The query modules, when present (queries/cooccurring.py, similar.py, path.py): timed, and
    # every `shared` count they return checked against the baseline's.
    def module(name, call, params, counts_of, index, shared_of):
        try:
            results[f"{name}_module"] = latency(call, min(runs, 50), params)
        except ImportError as error:
            results[f"{name}_module"] = {"missing": str(error)}
            return
        agree[f"{name}_module"] = all(
            int(counts_of(p)[index[ident]]) == shared for p in params[:3] for ident, shared in shared_of(call(p))
        )

    def cooccurring_module(tech):
        from queries.cooccurring import cooccurring

        return cooccurring(store, tech, limit=10)

    def similar_module(company):
        from queries.similar import similar

        return similar(store, company, limit=10)

    # A one-shot call (the CLI's) is one Cypher query; a long-lived process (the HTTP service) owns
    # a projection of every stack (queries/projection.py), read once: its read is timed apart.
    from queries.projection import StackProjection

    start = time.perf_counter()
    projection = StackProjection.read(store)
    results["similar_projection_read_ms"] = (time.perf_counter() - start) * 1000

    def similar_projection_module(company):
        from queries.similar import similar

        return similar(store, company, limit=10, projection=projection)

    module("cooccurring", cooccurring_module, top_techs, base.cooccurring_counts, base.ti,
           lambda rows: [(r.technology, r.shared) for r in rows])
    for name, call in (("similar", similar_module), ("similar_projection", similar_projection_module)):
        module(name, call, companies, base.similar_counts, base.ci, lambda rows: [(r.company, r.shared_count) for r in rows])
    try:
        from queries.path import path

        results["path_module"] = latency(lambda ab: path(store, ab[0], ab[1], limit=1), min(runs, 50), pairs)
    except ImportError as error:
        results["path_module"] = {"missing": str(error)}
    results["agree"] = agree
    for name in ("cooccurring", "similar"):
        base_p50 = results[f"baseline_{name}"]["p50_ms"]
        for variant in ("cypher", "module", "projection_module"):
            entry = results.get(f"{name}_{variant}", {})
            if "p50_ms" in entry:
                entry["ratio_to_baseline_p50"] = entry["p50_ms"] / base_p50 if base_p50 else None
    return results


def run(args) -> dict:
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    backends = ["falkordb"] + (["neo4j"] if os.environ.get("NEO4J_URI") and not args.no_neo4j else [])
    report: dict = {
        "machine": machine(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seed": args.seed,
        "batch_episodes": args.batch,
        "backends": backends,
        "neo4j": os.environ.get("NEO4J_URI") or "not measured: NEO4J_URI not set (start tests/neo4j_server/neo4j-test-server)",
        "sizes": {},
    }
    for size in args.sizes:
        path = workdir / f"listing-{size}-seed{args.seed}.txt"
        if not path.exists():
            start = time.perf_counter()
            generate(path, size, args.seed)
            print(f"generated {path} in {time.perf_counter() - start:.1f}s", file=sys.stderr)
        entry: dict = {"file_mb": path.stat().st_size / 1e6}
        entry["parse"] = child("parse", str(path))
        print(f"[{size}] parse {entry['parse']['mb_per_s']:.1f} MB/s, peak {entry['parse']['peak_rss_mb']:.0f} MB", file=sys.stderr)
        if args.parse_only:
            report["sizes"][str(size)] = entry
            continue
        base = Baseline(path)
        entry["baseline_build_s"] = base.build_s
        entry["companies"], entry["technologies"] = len(base.companies), len(base.techs)
        for backend in backends:
            if backend == "neo4j" and size > args.neo4j_max:
                entry[backend] = {"skipped": f"size above --neo4j-max {args.neo4j_max}"}
                continue
            store_dir = workdir / f"store-{size}-{os.getpid()}"  # one per run: concurrent runs don't wait on each other's lock
            load = child("load", backend, str(store_dir) if backend == "falkordb" else "-", str(path), str(args.batch))
            print(f"[{size}] {backend} load {load['episodes_per_s']:.0f} episodes/s, peak {load['peak_rss_mb']:.0f} MB", file=sys.stderr)
            from domain import open_store

            store = open_store(backend, path=store_dir if backend == "falkordb" else None)
            try:
                queries = query_bench(store, base, args.runs, random.Random(args.seed))
            finally:
                store.close()
                shutil.rmtree(store_dir, ignore_errors=True)
            entry[backend] = {"load": load, "queries": queries}
        report["sizes"][str(size)] = entry
        if args.target:  # after each size, so a long run that is cut short keeps what it measured
            args.target.write_text(json.dumps(report, indent=2) + "\n")
    return report


def table(report: dict) -> str:
    lines = [
        f"{machine_line(report['machine'])}; seed {report['seed']}, batch {report['batch_episodes']} "
        f"episodes; run {report['started']}.",
        "",
        "| N | backend | file MB | parse MB/s | load episodes/s | load peak RSS MB | cooccurring p50/p95 ms (x baseline) "
        "| similar p50/p95 ms (x baseline): one-shot; with a projection (its read ms) | path p50/p95 ms | stats p50/p95 ms | plain Cypher cooccurring / similar p50 ms | agree |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, entry in report["sizes"].items():
        if not any("load" in entry.get(backend, {}) for backend in ("falkordb", "neo4j")):
            lines.append(f"| {int(size):,} | (parse only) | {entry['file_mb']:.1f} | {entry['parse']['mb_per_s']:.1f} "
                         f"(peak {entry['parse']['peak_rss_mb']:.0f} MB) | | | | | | | | |")
        for backend in ("falkordb", "neo4j"):
            data = entry.get(backend)
            if not data or "load" not in data:
                continue
            q = data["queries"]

            def pp(name, ratio=False):
                e = q.get(name, {})
                if "p50_ms" not in e:
                    return "n/a"
                text = f"{e['p50_ms']:.1f} / {e['p95_ms']:.1f}"
                if ratio and e.get("ratio_to_baseline_p50"):
                    text += f" (x{e['ratio_to_baseline_p50']:.0f})"
                return text

            read = q.get("similar_projection_read_ms")
            similar = f"{pp('similar_module', True)}; {pp('similar_projection_module', True)}" + (
                f" (read {read:.0f})" if read is not None else "")
            plain = " / ".join(f"{q[k]['p50_ms']:.0f}" for k in ("cooccurring_cypher", "similar_cypher"))
            load = f"{data['load']['episodes_per_s']:.0f}"
            lines.append(
                f"| {int(size):,} | {backend} | {entry['file_mb']:.1f} | {entry['parse']['mb_per_s']:.1f} "
                f"| {load} | {data['load']['peak_rss_mb']:.0f} "
                f"| {pp('cooccurring_module', True)} | {similar} | {pp('path_module')} | {pp('stats_counts')} "
                f"| {plain} | {'yes' if all(q['agree'].values()) else q['agree']} |"
            )
        base = entry.get("falkordb", {}).get("queries") or entry.get("neo4j", {}).get("queries")
        if base:
            lines.append(
                f"| {int(size):,} | scipy baseline | | | | | {base['baseline_cooccurring']['p50_ms']:.2f} / "
                f"{base['baseline_cooccurring']['p95_ms']:.2f} | {base['baseline_similar']['p50_ms']:.2f} / "
                f"{base['baseline_similar']['p95_ms']:.2f} | | | | |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["service"]:
        from bench.service import main as service

        return service(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=200, help="episodes per write batch (load_listings default)")
    parser.add_argument("--workdir", default=os.environ.get("BENCH_WORKDIR", "/tmp/stackgraph-bench"))
    parser.add_argument("--out", default=str(HERE / "results"))
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument("--parse-only", action="store_true", help="generate and parse only (no stores, no queries)")
    parser.add_argument("--neo4j-max", type=int, default=10**9, help="largest N to load into Neo4j")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    target = args.target = out / f"scale-{time.strftime('%Y%m%d-%H%M%S')}.json"
    report = run(args)
    target.write_text(json.dumps(report, indent=2) + "\n")
    print(table(report))
    print(f"\nresults: {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
