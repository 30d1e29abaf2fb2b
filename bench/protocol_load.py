"""Many residents at once, without browsers: K sessions speaking Streamlit's own websocket protocol
to one app process, or to N processes behind HAProxy (deploy/haproxy.cfg), on loopback only.

Run: ``python -m bench.protocol_load [--db demo|synthetic:N|PATH] [--processes 1 2] [--sessions 20]
[--seconds 120] [--profile]``; ``--short`` (4 sessions, 20 s) checks the pipeline. More than one
process needs `make proxy-deps`; no browser is needed.

Why: bench/load.py drives chromium, which costs several times the server's CPU per search on the
same 2 cores, so its figures measure chromium. Here each session is what the browser's
websocket does, and nothing else (no page, no static files, no map painting):
- it opens ``ws://HOST/_stcore/stream`` with the subprotocol ``streamlit`` (the server reads
  Sec-WebSocket-Protocol as « streamlit, XSRF token, session to resume »: neither is needed);
- every search is a BackMsg ``rerun_script`` whose ClientState carries the URL's query string
  (a search around Ambert, radius after radius: tests/browser_sessions.py), the page's URL path
  as ``page_name`` ("" is the search page, the default one of app.py's st.navigation) and, once
  a run's Navigation message has named the pages, that page's ``page_script_hash``, as the
  frontend sends them. The query string differs from what the last run wrote back
  (page_info_changed), so the page reads the search from it (ui/search_form.sync_from_url),
  as after a shared link or the back button: one search, map and list, per rerun;
- it reads the ForwardMsgs (new_session, deltas, navigation…) until ``script_finished``.
  A search counts when the run finished successfully with the result's heading (a Heading delta
  with « à moins de R km »); an exception delta, page_not_found, a compile error, a missing
  heading, a closed connection or no end within 60 s is an error (the session then reconnects).
The time to results runs from sending the BackMsg to ``script_finished``. Each app process is
warmed by one search first (a deployed server is warm); sessions search back to back.

Printed: searches, searches per second, p50/p95 time to results, errors, the servers' CPU seconds
per search and this driver's, the servers' peak RSS and the load average before and after; then
one JSON line. ``--profile`` records the servers with py-spy (raw, 50 Hz) during the timed part
and prints our code's functions by inclusive samples. The machine is shared: read it all with
the load.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import subprocess
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException
from websockets.typing import Subprotocol

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
from courtcircuit.db import REPO_ROOT
from tests.browser import streamlit_process
from tests.browser_sessions import AMBERT, RADII

TIMEOUT_S = 60.0  # one search slower than this is an error
SEARCH_PAGE = ""  # the search page's URL path: the default page of app.py's st.navigation
PY_SPY = REPO_ROOT / ".venv" / "bin" / "py-spy"
OUR_CODE = ("app.py", "ui/", "pages/", "courtcircuit/")  # py-spy's short file names of our frames


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)  # s, every search that showed its result
    errors: list[str] = field(default_factory=list)
    servers: Counter = field(default_factory=Counter)  # proxy cookie value -> connections


def rerun_script(query: str, page_name: str, page_script_hash: str) -> bytes:
    """The BackMsg the frontend sends for a run of the page at this URL."""
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query
    state.page_name = page_name
    state.page_script_hash = page_script_hash
    info = state.context_info
    info.timezone, info.timezone_offset, info.locale = "Europe/Paris", -60, "fr-FR"
    info.url = f"http://127.0.0.1/{page_name}?{query}"
    return msg.SerializeToString()


async def one_search(ws, radius: int, page: str, hashes: dict[str, str]) -> list[str]:
    """Ask for a search within ``radius`` km and read the run to its end; what went wrong (none
    when the result's heading came and the run finished). ``hashes`` (URL path -> page script
    hash) is filled from the Navigation messages and used as the frontend does."""
    await ws.send(rerun_script(f"{AMBERT}&rayon={radius}", page, hashes.get(page, "")))
    wanted, found, problems = f"à moins de {radius} km", False, []
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            what = element.WhichOneof("type")
            if what == "heading" and wanted in element.heading.body:
                found = True
            elif what == "exception":
                problems.append(f"exception {element.exception.type}: {element.exception.message[:200]}")
        elif kind == "navigation":
            hashes.update({p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages})
        elif kind == "page_not_found":
            problems.append(f"page not found: {page!r}")
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # st.rerun(): the next run follows
                continue
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                problems.append("compile error")
            break
    if not found:
        problems.append(f"no « {wanted} » heading")
    return problems


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://", 1) + "/_stcore/stream"


async def _session(base: str, index: int, deadline: float, tally: Tally, page: str) -> None:
    """One visitor: a websocket, searches back to back until the deadline (at least one); a new
    websocket after an error that may have left the old one mid-run."""
    n = 0
    while n == 0 or time.monotonic() < deadline:
        try:
            async with connect(
                ws_url(base), subprotocols=[Subprotocol("streamlit")], max_size=None, open_timeout=TIMEOUT_S
            ) as ws:
                cookie = ws.response.headers.get("Set-Cookie", "")
                tally.servers[cookie.split(";")[0].partition("=")[2] or "direct"] += 1
                hashes: dict[str, str] = {}
                while n == 0 or time.monotonic() < deadline:
                    radius = RADII[(index + n) % len(RADII)]
                    n += 1
                    start = time.perf_counter()
                    try:
                        problems = await asyncio.wait_for(one_search(ws, radius, page, hashes), TIMEOUT_S)
                    except TimeoutError:
                        tally.errors.append(f"session {index}, {radius} km: no end after {TIMEOUT_S:.0f} s")
                        break  # the run may still be going: a new websocket
                    if problems:
                        tally.errors.append(f"session {index}, {radius} km: {'; '.join(problems)}")
                    else:
                        tally.times.append(time.perf_counter() - start)
        except (OSError, WebSocketException) as e:  # refused, closed, timed out opening…
            tally.errors.append(f"session {index}: {type(e).__name__}: {e}")
            n = max(n, 1)
            await asyncio.sleep(1)


async def _drive(base: str, sessions: int, seconds: float, page: str) -> tuple[Tally, float]:
    tally = Tally()
    start = time.monotonic()
    await asyncio.gather(*(_session(base, i, start + seconds, tally, page) for i in range(sessions)))
    return tally, time.monotonic() - start


def drive(base: str, sessions: int, seconds: float, page: str = SEARCH_PAGE) -> tuple[Tally, float]:
    """K sessions searching at ``base`` (http://host:port) for this long: (tally, elapsed s)."""
    return asyncio.run(_drive(base, sessions, seconds, page))


def profiler(pid: int, seconds: float, out: Path) -> subprocess.Popen:
    """py-spy recording a server for the timed part (raw collapsed stacks, by function)."""
    return subprocess.Popen(
        [str(PY_SPY), "record", "-p", str(pid), "-f", "raw", "-F", "-g", "-r", "50", "--nonblocking",
         "-d", str(round(seconds)), "-o", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def top_costs(raw: str, n: int = 15) -> tuple[int, list[tuple[int, str]]]:
    """From py-spy's raw output: (all samples, our code's functions by inclusive samples)."""
    total, inclusive = 0, Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        total += int(count)
        ours = {f for f in stack.split(";") if "(" in f and f.rsplit("(", 1)[1].startswith(OUR_CODE)}
        for frame in ours:
            inclusive[frame] += int(count)
    return total, [(k, frame) for frame, k in inclusive.most_common(n)]


def run(
    db: Path, processes: int, sessions: int, seconds: float, workdir: Path, profile: bool = False
) -> dict:
    env = {**APP_ENV, "COURT_CIRCUIT_WORKSPACE": f"sqlite:///{workdir / 'workspace.sqlite3'}"}
    home = workdir / "home"
    home.mkdir(exist_ok=True)
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
        for url, _ in apps:  # one search on each process, straight to it, before the clock
            if (warm := drive(url, 1, 0)[0]).errors:
                raise RuntimeError(f"{url}: {warm.errors[0]}")
        pids = with_children([proc.pid for _, proc in apps])
        memory = PeakMemory(pids)
        memory.start()
        spies = [profiler(pid, seconds, workdir / f"profile-{pid}.txt") for pid in pids] if profile else []
        load_before, cpu, driver = load_average(), cpu_seconds(pids), time.process_time()
        tally, elapsed = drive(base, sessions, seconds)
        server_cpu, driver_cpu = cpu_seconds(pids) - cpu, time.process_time() - driver
        load_after = load_average()
        memory.stop()
        for spy in spies:
            spy.wait(timeout=60)
    done = len(tally.times)
    result = {
        "processes": processes,
        "sessions": sessions,
        "seconds": round(elapsed, 1),
        "searches": done,
        "searches_per_s": round(done / elapsed, 2),
        "p50_s": round(percentile(tally.times, 0.5), 2),
        "p95_s": round(percentile(tally.times, 0.95), 2),
        "errors": len(tally.errors),
        "error_samples": tally.errors[:3],
        # What 2 free cores could serve is about 2 / server CPU per search.
        "server_cpu_per_search_s": round(server_cpu / done, 3) if done else None,
        # CPU the servers got (cores): on a shared machine, searches/s ≈ this / CPU per search.
        "server_cores": round(server_cpu / elapsed, 2),
        "driver_cpu_per_search_s": round(driver_cpu / done, 3) if done else None,
        "peak_rss_mb": round(memory.peak_kb / 1024),
        "sum_hwm_mb": round(memory.hwm_kb / 1024),
        "connections_per_server": dict(tally.servers),
        "load_before": load_before,
        "load_after": load_after,
    }
    if profile:
        raw = "\n".join(p.read_text() for p in workdir.glob("profile-*.txt"))
        total, top = top_costs(raw)
        result["profile"] = {"samples": total, "ours_inclusive": top, "files": str(workdir)}
    return result


def main() -> None:
    parser = sessions_cli(__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="py-spy on the servers during the run")
    args = sessions_args(parser)
    workdir = Path(tempfile.mkdtemp(prefix="cc-bench-protocol-"))
    db = directory(args.db, workdir)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}; "
          f"directory {args.db} ({file_mb(db):.0f} MB); logs in {workdir}")  # fmt: skip
    print(
        "procs | sessions | searches | per s | p50 s | p95 s | errors | server CPU s/search | peak RSS MB | load"
    )
    results = []
    for processes in args.processes:
        r = run(db, processes, args.sessions, args.seconds, workdir, args.profile)
        results.append(r)
        print(f"{r['processes']:>5} | {r['sessions']:>8} | {r['searches']:>8} | {r['searches_per_s']:>5} | "
              f"{r['p50_s']:>5} | {r['p95_s']:>5} | {r['errors']:>6} | {r['server_cpu_per_search_s']!s:>19} | "
              f"{r['peak_rss_mb']:>11} | {r['load_before']:.0f}→{r['load_after']:.0f}")  # fmt: skip
        for sample in r["error_samples"]:
            print(f"      error: {sample[:200]}")
        print(f"      connections per server: {r['connections_per_server']}; servers used "
              f"{r['server_cores']} cores; driver CPU s per search: {r['driver_cpu_per_search_s']}")  # fmt: skip
        if "profile" in r:
            print(f"      py-spy, {r['profile']['samples']} samples; our code by inclusive samples:")
            for k, frame in r["profile"]["ours_inclusive"]:
                print(f"      {k:>7} {100 * k / max(1, r['profile']['samples']):5.1f} %  {frame}")
    print(
        json.dumps(
            {"bench": "protocol_load", "directory": args.db, "cpus": os.cpu_count(), "results": results}
        )
    )


if __name__ == "__main__":
    main()
