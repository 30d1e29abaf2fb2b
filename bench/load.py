"""Many residents at once: K chromium sessions searching for a while, against one app process and
then against N processes behind HAProxy (deploy/haproxy.cfg), on loopback only.

Run: ``python -m bench.load [--db demo|synthetic:N|PATH] [--processes 1 2] [--sessions 20]
[--seconds 120]``; ``--short`` (4 sessions, 20 s) checks the pipeline. Needs `make browser-deps`
and, for more than one process, `make proxy-deps`.

Each session is a browser context of its own (a new visitor with its own cookies: the proxy's
cookie keeps it on one process) in one headless chromium (Playwright async). It opens the search
around Ambert, then clicks the radius buttons again and again until the time is up
(tests/browser_sessions.py, as the load test does). The time to results runs from the click (or
the page load) to the result's heading with the app idle again. As in the load test, the map's
iframe page is not loaded: the server builds every map, chromium does not paint them. Each app
process is warmed by one search first (a deployed server is warm).

Printed: searches, searches per second, p50/p95 time to results, errors (exception boxes and
searches over the timeout), the server processes' peak RSS (summed, sampled from /proc), the CPU
time per search of the servers and of chromium (a figure a busy machine inflates less than the
times: 2 free cores serve at most about 2 / server CPU per search) and the load average; then
one JSON line. The machine is shared: read the figures with the load.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench.serving import (
    APP_ENV,
    PeakMemory,
    cpu_seconds,
    directory,
    file_mb,
    haproxy,
    load_average,
    percentile,
    sessions_args,
    sessions_cli,
    with_children,
)
from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_process
from tests.browser_sessions import RADII, new_session, search

TIMEOUT_MS = 60_000  # one search slower than this is an error


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)  # s, every search that showed its result
    first: list[float] = field(default_factory=list)  # s, the first search of each session (page load)
    errors: list[str] = field(default_factory=list)
    servers: dict[str, int] = field(default_factory=dict)  # proxy cookie value -> sessions
    client_cpu_s: float = 0.0  # chromium and Playwright's driver, during the timed part


async def _visitor(browser, base: str, index: int, deadline: float, tally: Tally) -> None:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    context = await new_session(browser, TIMEOUT_MS)
    try:
        page = await context.new_page()
        whole, n = False, 0
        while n == 0 or time.monotonic() < deadline:  # at least one search
            radius = RADII[(index + n) % len(RADII)]
            n += 1
            start = time.perf_counter()
            loading = not whole
            try:
                whole = await search(page, base, radius, whole, tally.errors)
            except PlaywrightTimeout:
                tally.errors.append(
                    f"session {index}, {radius} km: no result after {TIMEOUT_MS / 1000:.0f} s"
                )
                whole = False
                continue
            if whole:
                (tally.first if loading and n == 1 else tally.times).append(time.perf_counter() - start)
        cookie = next((c["value"] for c in await context.cookies() if c["name"] == "CCSERVER"), "direct")
        tally.servers[cookie] = tally.servers.get(cookie, 0) + 1
    finally:
        await context.close()


def _client() -> list[int]:
    """This process's descendants: Playwright's driver and chromium (the servers are started
    by this process too: callers subtract them)."""
    return [pid for pid in with_children([os.getpid()]) if pid != os.getpid()]


async def _drive(base: str, sessions: int, seconds: float, warm: list[str], servers: list[int]):
    """(tally, elapsed s, server CPU s) of K sessions until the time is up."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for url in warm:  # one search on each process, straight to it, before the clock
                await _visitor(browser, url, 0, 0, Tally())
            servers = with_children(servers)
            client = [pid for pid in _client() if pid not in servers]
            cpu = cpu_seconds(servers), cpu_seconds(client)
            start = time.monotonic()
            tally = Tally()
            deadline = start + seconds
            await asyncio.gather(*(_visitor(browser, base, i, deadline, tally) for i in range(sessions)))
            elapsed = time.monotonic() - start
            client = [pid for pid in _client() if pid not in servers]
            tally.client_cpu_s = cpu_seconds(client) - cpu[1]
            return tally, elapsed, cpu_seconds(servers) - cpu[0]
        finally:
            await browser.close()


def run(db: Path, processes: int, sessions: int, seconds: float, workdir: Path) -> dict:
    env = {**APP_ENV, "COURT_CIRCUIT_WORKSPACE": f"sqlite:///{workdir / 'workspace.sqlite3'}"}
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    os.environ["HOME"] = str(home)  # chromium writes its profile under $HOME
    with ExitStack() as stack:
        apps = [
            stack.enter_context(streamlit_process(db, home, env=env, log=workdir / f"app{n}.log"))
            for n in range(processes)
        ]
        if processes == 1:
            base = apps[0][0]
        else:
            ports = [int(url.rsplit(":", 1)[1]) for url, _ in apps]
            base, _proxy = stack.enter_context(haproxy(ports))
        memory = PeakMemory([proc.pid for _, proc in apps])
        memory.start()
        load_before = load_average()
        pids = [proc.pid for _, proc in apps]
        tally, elapsed, server_cpu = asyncio.run(
            _drive(base, sessions, seconds, [url for url, _ in apps], pids)
        )
        memory.stop()
    every = tally.times + tally.first
    return {
        "processes": processes,
        "sessions": sessions,
        "seconds": round(elapsed, 1),
        "searches": len(every),
        "searches_per_s": round(len(every) / elapsed, 2),
        "p50_s": round(percentile(every, 0.5), 2),
        "p95_s": round(percentile(every, 0.95), 2),
        "p95_clicks_s": round(percentile(tally.times, 0.95), 2),
        "first_load_median_s": round(statistics.median(tally.first), 2) if tally.first else None,
        "errors": len(tally.errors),
        "error_samples": tally.errors[:3],
        # CPU seconds per search: what 2 free cores could serve is about 2 / server_cpu_per_search.
        "server_cpu_per_search_s": round(server_cpu / len(every), 3) if every else None,
        "client_cpu_per_search_s": round(tally.client_cpu_s / len(every), 3) if every else None,
        "peak_rss_mb": round(memory.peak_kb / 1024),
        "sum_hwm_mb": round(memory.hwm_kb / 1024),
        "sessions_per_server": tally.servers,
        "load_before": load_before,
        "load_after": load_average(),
    }


def main() -> None:
    parser = sessions_cli(__doc__.splitlines()[0])
    args = sessions_args(parser)
    workdir = Path(tempfile.mkdtemp(prefix="cc-bench-load-"))
    db = directory(args.db, workdir)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}; "
          f"directory {args.db} ({file_mb(db):.0f} MB); logs in {workdir}")  # fmt: skip
    print("procs | sessions | searches | per s | p50 s | p95 s | p95 clicks s | errors | peak RSS MB | load")
    results = []
    for processes in args.processes:
        r = run(db, processes, args.sessions, args.seconds, workdir)
        results.append(r)
        print(f"{r['processes']:>5} | {r['sessions']:>8} | {r['searches']:>8} | {r['searches_per_s']:>5} | "
              f"{r['p50_s']:>5} | {r['p95_s']:>5} | {r['p95_clicks_s']:>12} | {r['errors']:>6} | "
              f"{r['peak_rss_mb']:>11} | {r['load_before']:.0f}→{r['load_after']:.0f}")  # fmt: skip
        for sample in r["error_samples"]:
            print(f"      error: {sample[:200]}")
        print(f"      sessions per server: {r['sessions_per_server']}; CPU s per search: server "
              f"{r['server_cpu_per_search_s']}, chromium {r['client_cpu_per_search_s']}")  # fmt: skip
    print(json.dumps({"bench": "load", "directory": args.db, "cpus": os.cpu_count(), "results": results}))


if __name__ == "__main__":
    main()
