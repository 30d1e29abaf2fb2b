"""What the serving benchmarks (bench/load.py, bench/cold_start.py) share: the directory file to
serve, the app processes' memory from /proc, HAProxy from deploy/haproxy.cfg, the machine's load."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from courtcircuit.db import REPO_ROOT
from tests.browser import free_port

PROXY_CONFIG = REPO_ROOT / "deploy" / "haproxy.cfg"
# The environment of every app process: a workspace of its own, and no file watcher (a working
# tree edited meanwhile must not reload modules under the server; production code does not change).
APP_ENV = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0 to 1) of ``values`` by nearest rank; NaN when there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def load_average() -> float:
    """The 1-minute load average: the machine is shared, so every figure is printed with it."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def directory(spec: str, workdir: Path) -> Path:
    """The directory file to serve: ``demo`` (the embedded demo sources, built afresh with
    ``python -m etl build``), ``synthetic:N`` (bench/synthetic.py, N listings, with the small
    tables the pages read: bench.map_browser.app_database), or a path."""
    if spec == "demo":
        db = workdir / "demo.duckdb"
        subprocess.run(
            [sys.executable, "-m", "etl", "build", "--db", str(db)],
            cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        return db
    if spec.startswith("synthetic:"):
        from bench.map_browser import app_database

        source = app_database(int(spec.split(":", 1)[1]))
        db = workdir / source.name  # a copy of our own: another benchmark may rewrite the cached one
        shutil.copyfile(source, db)
        return db
    return Path(spec).resolve()


def memory_kb(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory (VmRSS) or its peak (VmHWM), in kB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (/proc/PID/stat), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def with_children(pids: list[int]) -> list[int]:
    """The processes and all their descendants (from /proc/*/stat)."""
    parent: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(stat.parent.name)] = int(fields[1])
    found, todo = set(pids), list(pids)
    while todo:
        pid = todo.pop()
        for child, ppid in parent.items():
            if ppid == pid and child not in found:
                found.add(child)
                todo.append(child)
    return sorted(found)


class PeakMemory(threading.Thread):
    """Samples the summed RSS of the server processes (and their children) every 0.2 s; ``peak``
    is the highest sum seen, ``hwm`` the sum of each process's own peak (VmHWM) at the end."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak_kb = 0
        self.hwm_kb = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            pids = with_children(self.pids)
            self.peak_kb = max(self.peak_kb, sum(memory_kb(pid) for pid in pids))
            self.hwm_kb = max(self.hwm_kb, sum(memory_kb(pid, "VmHWM") for pid in pids))
            self._halt.wait(0.2)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def proxy_config(text: str, port: int, upstreams: list[int]) -> str:
    """deploy/haproxy.cfg with its bind port and one server line per upstream port."""
    text = re.sub(r"bind 127\.0\.0\.1:\d+", f"bind 127.0.0.1:{port}", text)
    lines = text.splitlines()
    servers = [i for i, line in enumerate(lines) if line.strip().startswith("server ")]
    indent = lines[servers[0]][: len(lines[servers[0]]) - len(lines[servers[0]].lstrip())]
    new = [f"{indent}server app{n} 127.0.0.1:{p} check cookie app{n}" for n, p in enumerate(upstreams, 1)]
    return "\n".join(lines[: servers[0]] + new + lines[servers[-1] + 1 :]) + "\n"


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} is not healthy after {timeout:.0f} s")
        time.sleep(0.2)


@contextmanager
def haproxy(upstreams: list[int]) -> Iterator[tuple[str, subprocess.Popen]]:
    """HAProxy (Debian's, `make proxy-deps`) in front of app processes on these loopback ports;
    yields its URL, once it answers the health check through to an app, and its process."""
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(binary).exists():
        raise SystemExit("haproxy is missing: run `make proxy-deps`")
    port = free_port()
    config = Path(tempfile.mkdtemp(prefix="cc-haproxy-")) / "haproxy.cfg"
    config.write_text(proxy_config(PROXY_CONFIG.read_text(), port, upstreams))
    proc = subprocess.Popen(
        [binary, "-f", str(config), "-db"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(config.parent, ignore_errors=True)


def file_mb(path: Path) -> float:
    return os.path.getsize(path) / 1e6


def sessions_cli(description: str) -> argparse.ArgumentParser:
    """The options every many-sessions benchmark takes (bench.load, bench.protocol_load); read
    them with :func:`sessions_args`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", default="demo", help="demo, synthetic:N or a directory file")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--short", action="store_true", help="4 sessions for 20 s: the pipeline works")
    return parser


def sessions_args(parser: argparse.ArgumentParser) -> argparse.Namespace:
    args = parser.parse_args()
    if args.short:
        args.sessions, args.seconds = 4, 20
    return args
