"""One measured step in its own process, so that each step's peak memory (ru_maxrss) is its own.

    python -m bench.child parse FILE
    python -m bench.child load falkordb STORE_DIR FILE [BATCH]
    python -m bench.child load neo4j - FILE [BATCH]

Prints one JSON object on stdout. ``--profile OUT.html`` runs the step under pyinstrument.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _maxrss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a
    child forked from a big parent (the bench, holding the baseline matrix) would report the
    parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def parse(path: str) -> dict:
    from loaders.listing import ListingEpisode, read_listing

    start = time.perf_counter()
    episodes = sum(1 for item in read_listing(path) if isinstance(item, ListingEpisode))
    seconds = time.perf_counter() - start
    size = Path(path).stat().st_size
    return {"episodes": episodes, "bytes": size, "seconds": seconds, "mb_per_s": size / 1e6 / seconds}


def load(backend: str, store_dir: str, path: str, batch: int) -> dict:
    from domain import open_store
    from loaders.pipeline import load_listings

    store = open_store(backend, path=None if backend == "neo4j" else store_dir)
    try:
        store.clear()
        start = time.perf_counter()
        report = load_listings([path], store, batch_episodes=batch)
        seconds = time.perf_counter() - start
        counts = store.counts()
    finally:
        store.close()
    return {
        "episodes": report.episodes,
        "seconds": seconds,
        "episodes_per_s": report.episodes / seconds,
        "counts": counts,
    }


def main(argv: list[str]) -> None:
    profile = None
    if "--profile" in argv:
        index = argv.index("--profile")
        profile = argv[index + 1]
        del argv[index : index + 2]
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    if argv[0] == "parse":
        result = parse(argv[1])
    elif argv[0] == "load":
        result = load(argv[1], argv[2], argv[3], int(argv[4]) if len(argv) > 4 else 200)
    else:
        raise SystemExit(f"unknown step {argv[0]!r}")
    if profiler:
        profiler.stop()
        Path(profile).write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    result["peak_rss_mb"] = _maxrss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
