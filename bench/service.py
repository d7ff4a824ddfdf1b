"""Service benchmark: ``python -m bench service [--sizes 10000,100000] [--clients 1,8,32] [--seconds 10]``.

For each size N: a generated listing (bench/generate.py, cached in --workdir) loaded into a store
(bench/child.py, a process of its own); then, in this run, for every endpoint and number of
concurrent clients, the query called in-process (this process opens the store and holds a
StackProjection, as the service does) and the same question asked of the real service
(``stackgraph serve`` on a free loopback port, a subprocess) by that many threads, each with its
own keep-alive connection, for ``--seconds`` after a warm-up. Names are drawn from the store.
CPU per request is read for the client (this process), the service process and its database
process, so that a client that would be the bottleneck shows: the client is the standard
library's http.client, which spent 0.5 ms of CPU per request here where httpx spent 1.8-3 ms
(as much as half the service's own). Writes
bench/results/service-<timestamp>.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlencode

from bench.drive import drive
from bench.generate import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Endpoint:
    name: str
    samples: str  # which names it is asked about: "company", "technology", "pair" or "none"
    url: Callable[[Any], str]
    call: Callable[[Any, Any, Any], object]  # (store, projection, sample): the in-process question


# The in-process side of each endpoint: the call its route makes, with the route's defaults.
def _health(store, projection, _):
    episodes = store.run("MATCH (e:Episode) RETURN count(e) AS n")[0]["n"]
    return {"status": "ok", "backend": store.backend, "episodes": episodes}


def _stack(store, projection, company):
    from queries.company import company_profile

    return company_profile(store, company)


def _cooccurring(store, projection, technology):
    from queries.cooccurring import cooccurring

    return cooccurring(store, technology, limit=10)


def _similar(store, projection, company):
    from queries.similar import similar

    return similar(store, company, limit=10, projection=projection)


def _path(store, projection, pair):
    from queries.path import path

    return path(store, pair[0], pair[1], limit=100)


ENDPOINTS = [
    # The service's own cost over a query that is nearly free; and the client's, which must stay small.
    Endpoint("health", "none", lambda _: "/api/health", _health),
    Endpoint("stack", "company", lambda c: f"/api/companies/{quote(c, safe='')}", _stack),
    Endpoint("cooccurring", "technology", lambda t: f"/api/technologies/{quote(t, safe='')}/cooccurring?limit=10",
             _cooccurring),
    Endpoint("similar", "company", lambda c: f"/api/companies/{quote(c, safe='')}/similar?limit=10", _similar),
    Endpoint("path", "pair", lambda ab: "/api/path?" + urlencode({"from": ab[0], "to": ab[1]}), _path),
]


def as_json(value: Any) -> Any:
    """A query's answer as the service's JSON carries it (dataclasses as objects), floats to
    12 digits: a sum over a set (the cosine) differs in its last bit between processes, which order sets
    by different string hashes."""
    def rounded(item: Any) -> Any:
        if isinstance(item, float):
            return float(f"{item:.12g}")
        if isinstance(item, dict):
            return {key: rounded(v) for key, v in item.items()}
        return [rounded(v) for v in item] if isinstance(item, list) else item

    return rounded(json.loads(json.dumps(value, default=dataclasses.asdict)))


CHECKED = 3  # samples per endpoint whose answers are compared


def expected_answers(store, projection, samples: dict[str, list]) -> dict[str, list]:
    """The in-process answers to each endpoint's first samples, as JSON (the store is closed before the
    service opens it, so they are kept for :func:`agreement`)."""
    return {e.name: [as_json(e.call(store, projection, s)) for s in samples[e.samples][:CHECKED]] for e in ENDPOINTS}


def agreement(service: Service, samples: dict[str, list], expected: dict[str, list]) -> dict[str, bool]:
    """Whether the service answers each endpoint's first samples as the in-process calls did."""
    return {e.name: [as_json(json.loads(get(service.port, e.url(s))[1])) for s in samples[e.samples][:CHECKED]]
            == expected[e.name] for e in ENDPOINTS}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, url: str, connection: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    """GET ``url`` from 127.0.0.1:``port`` (on ``connection`` when given, kept alive): status and body."""
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", url)
    response = connection.getresponse()
    return response.status, response.read()


def tree_cpu(root: int) -> dict[str, float]:
    """CPU seconds (user + system) of process ``root`` ("service") and of its descendants ("db")."""
    spent = {"service": 0.0, "db": 0.0}
    pending = [(root, "service")]
    while pending:
        pid, role = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            spent[role] += (int(fields[11]) + int(fields[12])) / TICKS
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending += [(int(child), "db") for child in (task / "children").read_text().split()]
        except (OSError, IndexError):
            continue  # gone meanwhile
    return spent


def descendants_cpu() -> dict[str, float]:
    """This process's children's CPU seconds, as "db": the embedded store's redis-server in-process."""
    return {"db": tree_cpu(os.getpid())["db"]}


class Service:
    """``stackgraph serve`` over a store, as a subprocess on a free loopback port; stopped by SIGTERM."""

    def __init__(self, store_options: list[str], log: Path, startup_timeout: float = 900):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.command = [sys.executable, "-m", "stackgraph", *store_options, "serve", "--port", str(self.port)]
        self.log, self.startup_timeout = log, startup_timeout
        self.process: subprocess.Popen | None = None
        self.startup_s: float | None = None
        self.stop_s: float | None = None
        self.exit_code: int | None = None

    def __enter__(self) -> Service:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        began = time.perf_counter()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=log)
        try:
            self._wait_until_healthy(began)
        except BaseException:
            self.__exit__()
            raise
        self.startup_s = time.perf_counter() - began
        return self

    def _wait_until_healthy(self, began: float) -> None:
        assert self.process is not None
        while time.perf_counter() - began < self.startup_timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"stackgraph serve exited with {self.process.returncode}:\n"
                                   f"{self.log.read_text(errors='replace')[-3000:]}")
            try:
                if get(self.port, "/api/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"stackgraph serve not healthy after {self.startup_timeout:.0f} s")

    def cpu(self) -> dict[str, float]:
        assert self.process is not None
        return tree_cpu(self.process.pid)

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        began = time.perf_counter()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.exit_code = self.process.wait()
        self.stop_s = time.perf_counter() - began


def draw_samples(store, rng: random.Random, count: int = 200) -> dict[str, list]:
    """Names to ask about, drawn from the store: companies, technologies some company uses, company pairs."""
    companies = sorted(row["id"] for row in store.run("MATCH (c:Company) RETURN c.id AS id"))
    technologies = sorted(row["id"] for row in store.run(
        "MATCH (t:Technology)<-[:USES]-(:Company) RETURN DISTINCT t.id AS id"))
    chosen = rng.sample(companies, min(count, len(companies)))
    return {
        "company": chosen,
        "technology": rng.sample(technologies, min(count, len(technologies))),
        "pair": [(chosen[i], chosen[-1 - i]) for i in range(len(chosen) // 2)],
        "none": [None],
    }


def in_process(store, projection, samples: dict[str, list], args) -> dict[str, dict]:
    """Every endpoint's question called in this process, at each number of concurrent callers."""
    cells: dict[str, dict] = {}
    for endpoint in ENDPOINTS:
        cells[endpoint.name] = {}
        for clients in args.clients:
            def caller(_thread: int, e: Endpoint = endpoint) -> Callable[[Any], object]:
                return lambda sample: e.call(store, projection, sample)

            cell = drive(caller, samples[endpoint.samples], clients=clients, seconds=args.seconds, warmup=args.warmup,
                         seed=args.seed, cpu=descendants_cpu)
            cells[endpoint.name][str(clients)] = cell
            print(f"  in-process {endpoint.name} x{clients}: {_brief(cell)}", file=sys.stderr)
    return cells


def over_http(service: Service, samples: dict[str, list], args) -> dict[str, dict]:
    """Every endpoint asked of the service over HTTP, at each number of concurrent clients."""
    cells: dict[str, dict] = {}
    for endpoint in ENDPOINTS:
        cells[endpoint.name] = {}
        for clients in args.clients:
            def caller(_thread: int, e: Endpoint = endpoint) -> Callable[[Any], object]:
                connection = http.client.HTTPConnection("127.0.0.1", service.port, timeout=60)

                def call(sample: Any) -> None:
                    status, body = get(service.port, e.url(sample), connection)
                    if status != 200:
                        raise RuntimeError(f"{status} {e.url(sample)}: {body[:200]!r}")

                return call

            cell = drive(caller, samples[endpoint.samples], clients=clients, seconds=args.seconds,
                         warmup=args.warmup, seed=args.seed, cpu=service.cpu)
            cells[endpoint.name][str(clients)] = cell
            print(f"  service {endpoint.name} x{clients}: {_brief(cell)}", file=sys.stderr)
    return cells


def _brief(cell: dict) -> str:
    if not cell["requests"]:
        return f"no request counted; {cell['errors']} errors: {cell['first_error']}"
    text = f"{cell['requests_per_s']:.0f}/s p50 {cell['p50_ms']:.2f} p99 {cell['p99_ms']:.2f} ms (load {cell['loadavg_1m_at_start']:.1f})"
    return text + (f"; {cell['errors']} errors: {cell['first_error']}" if cell["errors"] else "")


def store_options(backend: str, store_dir: Path) -> list[str]:
    return ["--backend", backend] + (["--store", str(store_dir)] if backend == "falkordb" else [])


def measure_size(size: int, backend: str, args, report: dict) -> dict:
    from domain import open_store
    from queries.projection import StackProjection

    workdir = Path(args.workdir)
    listing = workdir / f"listing-{size}-seed{args.seed}.txt"
    if not listing.exists():
        generate(listing, size, args.seed)
    store_dir = workdir / f"service-store-{size}-seed{args.seed}"
    marker = store_dir / "bench-loaded.json"
    entry: dict[str, Any] = {"backend": backend}
    if backend == "falkordb" and args.reuse_store and marker.exists():
        entry["load"] = {**json.loads(marker.read_text()), "reused": str(store_dir)}
    else:
        from bench.__main__ import child

        shutil.rmtree(store_dir, ignore_errors=True)
        entry["load"] = child("load", backend, str(store_dir) if backend == "falkordb" else "-", str(listing),
                              str(args.batch))
        if backend == "falkordb":
            marker.write_text(json.dumps(entry["load"]) + "\n")
    print(f"[{size} {backend}] loaded: {entry['load']['counts']}", file=sys.stderr)

    store = open_store(backend, path=store_dir if backend == "falkordb" else None)
    try:
        began = time.perf_counter()
        projection = StackProjection.read(store)
        entry["projection_read_s"] = time.perf_counter() - began
        samples = draw_samples(store, random.Random(args.seed))
        entry["samples"] = {kind: len(names) for kind, names in samples.items()}
        expected = expected_answers(store, projection, samples)
        entry["in_process"] = in_process(store, projection, samples, args)
    finally:
        store.close()

    log = Path(args.out) / f"service-{size}-{backend}.log"
    with Service(store_options(backend, store_dir), log) as service:
        entry["service_startup_s"] = service.startup_s
        print(f"[{size} {backend}] service up in {service.startup_s:.1f} s on {service.base_url}", file=sys.stderr)
        entry["agree"] = agreement(service, samples, expected)
        entry["service"] = over_http(service, samples, args)
    entry["service_stop_s"], entry["service_exit_code"] = service.stop_s, service.exit_code
    log.unlink(missing_ok=True)  # kept only when the service failed
    return entry


TARGET_SIZE, TARGET_CLIENTS = "100000", "8"
TARGET_P50_MS, TARGET_P99_MS, TARGET_ADDED_P50_MS = 10.0, 50.0, 2.0


def targets(entry: dict) -> list[str]:
    """The issue's targets at 100k, met or missed: p50 and p99 at 8 clients for stack, cooccurring and similar,
    and what the service adds at p50 over the in-process call (with one client, where nothing queues)."""
    lines = []
    for name in ("stack", "cooccurring", "similar"):
        http, one = entry["service"][name][TARGET_CLIENTS], entry["service"][name]["1"]
        added = one["p50_ms"] - entry["in_process"][name]["1"]["p50_ms"]
        checks = [(f"p50 {http['p50_ms']:.1f} ms", http["p50_ms"] <= TARGET_P50_MS),
                  (f"p99 {http['p99_ms']:.1f} ms", http["p99_ms"] <= TARGET_P99_MS),
                  (f"adds {added:.1f} ms at p50 (1 client)", added <= TARGET_ADDED_P50_MS)]
        lines.append(f"- {name}: " + "; ".join(f"{text} {'met' if ok else 'MISSED'}" for text, ok in checks))
    return lines


def table(report: dict) -> str:
    from bench.__main__ import machine_line

    lines = [
        f"{machine_line(report['machine'])}; {report['seconds']:.0f} s per cell after a "
        f"{report['warmup']:.0f} s warm-up; run {report['started']}.",
        "",
        "| N | backend | endpoint | clients | service req/s | service p50 / p99 ms | in-process req/s "
        "| in-process p50 / p99 ms | service adds at p50 ms (x in-process) | CPU ms per request: client / service / database | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def ms(value):
        return "n/a" if value is None else f"{value:.1f}" if value >= 10 else f"{value:.2f}"

    for size, backends in report["sizes"].items():
        for backend, entry in backends.items():
            for endpoint, by_clients in entry.get("service", {}).items():
                for clients, http in by_clients.items():
                    local = entry["in_process"][endpoint][clients]
                    both = http["p50_ms"] is not None and local["p50_ms"] is not None
                    added = f"{ms(http['p50_ms'] - local['p50_ms'])} (x{http['p50_ms'] / local['p50_ms']:.2f})" if both else "n/a"
                    cpu = http["cpu_ms_per_call"] or {}
                    errors = f" ({http['errors']} errors)" if http["errors"] else ""
                    lines.append(
                        f"| {int(size):,} | {backend} | {endpoint} | {clients} | {http['requests_per_s']:.0f}{errors} "
                        f"| {ms(http['p50_ms'])} / {ms(http['p99_ms'])} | {local['requests_per_s']:.0f} "
                        f"| {ms(local['p50_ms'])} / {ms(local['p99_ms'])} | {added} "
                        f"| {' / '.join(ms(cpu.get(k)) for k in ('driver', 'service', 'db'))} "
                        f"| {http['loadavg_1m_at_start']:.1f} |"
                    )
    lines.append("")
    for size, backends in report["sizes"].items():
        for backend, entry in backends.items():
            agree = entry.get("agree", {})
            lines.append(
                f"- {int(size):,} {backend}: the service was up {entry['service_startup_s']:.1f} s after it started "
                f"(the in-process projection read took {entry['projection_read_s']:.1f} s); SIGTERM stopped it in "
                f"{entry['service_stop_s']:.1f} s, exit code {entry['service_exit_code']}; its answers equal the "
                f"in-process ones: {'yes' if agree and all(agree.values()) else agree}."
            )
    for backend, entry in report["sizes"].get(TARGET_SIZE, {}).items():
        if "service" in entry:
            lines += ["", f"Targets at 100k, {backend}, {TARGET_CLIENTS} clients (p50 <= {TARGET_P50_MS:.0f} ms, p99 <= "
                      f"{TARGET_P99_MS:.0f} ms, adds <= {TARGET_ADDED_P50_MS:.0f} ms):", *targets(entry)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from bench.__main__ import machine

    parser = argparse.ArgumentParser(prog="python -m bench service", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--clients", default="1,8,32", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per cell")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds per cell before measuring")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=200, help="episodes per write batch of the load")
    parser.add_argument("--workdir", default=os.environ.get("BENCH_WORKDIR", "/tmp/stackgraph-bench"))
    parser.add_argument("--out", default=str(HERE / "results"))
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument("--neo4j-max", type=int, default=10**9, help="largest N to load into Neo4j")
    parser.add_argument("--reuse-store", action="store_true",
                        help="reuse the FalkorDB store an earlier run of this benchmark loaded in --workdir")
    args = parser.parse_args(argv)
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    backends = ["falkordb"] + (["neo4j"] if os.environ.get("NEO4J_URI") and not args.no_neo4j else [])
    report: dict[str, Any] = {
        "benchmark": "service",
        "machine": machine(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seed": args.seed,
        "seconds": args.seconds,
        "warmup": args.warmup,
        "clients": args.clients,
        "client": "http.client, one thread and one keep-alive connection per client",
        "neo4j": os.environ.get("NEO4J_URI") or "not measured: NEO4J_URI not set",
        "sizes": {},
    }
    target = Path(args.out) / f"service-{time.strftime('%Y%m%d-%H%M%S')}.json"
    for size in args.sizes:
        report["sizes"][str(size)] = {}
        for backend in backends:
            if backend == "neo4j" and size > args.neo4j_max:
                continue
            report["sizes"][str(size)][backend] = measure_size(size, backend, args, report)
            target.write_text(json.dumps(report, indent=2) + "\n")  # after each, so a cut-short run keeps its cells
    print(table(report))
    print(f"\nresults: {target}", file=sys.stderr)
