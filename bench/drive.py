"""Closed-loop load: ``clients`` threads, each calling as fast as its last call returns, for a bounded time.

Every call is timed; only those that start after the warm-up and end before the deadline count.
The same driver times the HTTP service (each thread with its own keep-alive connection) and the
in-process query calls, so the two sides differ in nothing but what is called.

>>> cell = drive(lambda thread: (lambda sample: None), ["a", "b"], clients=2, seconds=0.2, warmup=0.05)
>>> cell["clients"], cell["errors"], cell["requests"] > 0
(2, 0, True)
"""

from __future__ import annotations

import os
import random
import resource
import threading
import time
from typing import Any, Callable, Sequence

# A caller for one thread: made in that thread (so it may own a connection), then called per sample.
Caller = Callable[[Any], object]
MakeCaller = Callable[[int], Caller]


def percentile(sorted_ms: Sequence[float], q: float) -> float | None:
    """The nearest-rank ``q`` percentile of ``sorted_ms`` (``None`` when empty).

    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5), percentile([1.0, 2.0, 3.0, 4.0], 0.99)
    (2.0, 4.0)
    """
    if not sorted_ms:
        return None
    rank = max(1, -(-len(sorted_ms) * q // 1))  # ceil(n q), at least 1
    return sorted_ms[int(rank) - 1]


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def drive(make_caller: MakeCaller, samples: Sequence[Any], *, clients: int, seconds: float, warmup: float,
          seed: int = 1, cpu: Callable[[], dict[str, float]] | None = None) -> dict[str, Any]:
    """Run ``clients`` threads over ``samples`` (each thread its own seeded random order) for
    ``warmup + seconds``; requests/s, p50/p99 ms, errors (the first one's text), and CPU ms per
    counted call: this process's ("driver") and those ``cpu`` reads (CPU seconds by process), over
    the measured time."""
    began = time.perf_counter()
    measure_from = began + warmup
    deadline = measure_from + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[list[str]] = [[] for _ in range(clients)]
    ready = threading.Barrier(clients + 1)

    def work(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        try:
            call = make_caller(index)
        except BaseException as error:  # the barrier must not wait for a thread that failed to start
            errors[index].append(f"{type(error).__name__}: {error}")
            ready.wait()
            return
        ready.wait()
        mine, failed = latencies[index], errors[index]
        while (start := time.perf_counter()) < deadline:
            try:
                call(samples[rng.randrange(len(samples))])
                ok = True
            except Exception as error:
                ok = False
                if start >= measure_from and len(failed) < 5:
                    failed.append(f"{type(error).__name__}: {error}")
            end = time.perf_counter()
            if start >= measure_from and end <= deadline and ok:
                mine.append((end - start) * 1000)
            elif not ok and start >= measure_from:
                failed.append("")  # counted; only the first few keep their text

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    load = os.getloadavg()[0]
    while (now := time.perf_counter()) < measure_from:
        time.sleep(min(0.01, measure_from - now))
    def cpu_now() -> dict[str, float]:
        return {"driver": _cpu_seconds(), **(cpu() if cpu else {})}

    cpu_before, wall_before = cpu_now(), time.perf_counter()
    for thread in threads:
        thread.join()
    cpu_after = cpu_now()
    wall = time.perf_counter() - wall_before
    spent = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
    times = sorted(t for mine in latencies for t in mine)
    failures = [text for mine in errors for text in mine]
    return {
        "clients": clients,
        "seconds": seconds,
        "requests": len(times),
        "requests_per_s": len(times) / seconds,
        "p50_ms": percentile(times, 0.50),
        "p99_ms": percentile(times, 0.99),
        "mean_ms": sum(times) / len(times) if times else None,
        "errors": len(failures),
        "first_error": next((text for text in failures if text), None),
        "cpu_ms_per_call": {name: s * 1000 / len(times) for name, s in spent.items()} if times else None,
        "cpu_share": {name: s / wall for name, s in spent.items()},  # of one core
        "loadavg_1m_at_start": load,
    }
