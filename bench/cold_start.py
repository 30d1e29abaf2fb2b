"""Cold start: from `streamlit run app.py` to the first map painted in chromium.

Run: ``python -m bench.cold_start [--db demo synthetic:1000000 …] [--runs 3]``

For each directory and run, a headless chromium is started first (a visitor's browser is
already open), then the clock starts with ``streamlit run`` (a new process: imports, the first
file opened, the first script run). Two times are taken: the server answers its health check,
and the home page (no place chosen: the whole directory, up to the map's 20,000 points) shows
its map with markers (clusters, icons or canvas paths in st_folium's iframe) and the browser
has painted two frames after them. The server's memory (RSS) once the map is shown is read from
/proc. Printed: the median of the runs per directory, with the load average; then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from bench.serving import APP_ENV, directory, file_mb, load_average, memory_kb, with_children
from tests.browser import chromium_page, streamlit_process

# True once st_folium's iframe holds a Leaflet map with something drawn on it.
PAINTED_JS = """() => [...document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')]
    .some((iframe) => {
        const doc = iframe.contentDocument;
        return !!doc && !!doc.querySelector('.leaflet-container') && !!doc.querySelector(
            '.marker-cluster, .leaflet-marker-icon, path.leaflet-interactive, canvas.leaflet-zoom-animated');
    })"""
PAINT_JS = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"
TIMEOUT_MS = 300_000


def cold_start(db: Path, workdir: Path) -> dict:
    env = {**APP_ENV, "COURT_CIRCUIT_WORKSPACE": f"sqlite:///{workdir / 'workspace.sqlite3'}"}
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    load = load_average()
    with chromium_page(home) as page:
        page.set_default_timeout(TIMEOUT_MS)
        start = time.perf_counter()
        with streamlit_process(db, home, env=env, log=workdir / "app.log") as (url, proc):
            healthy = time.perf_counter() - start
            page.goto(url + "/", wait_until="domcontentloaded")
            page.wait_for_function(PAINTED_JS, polling=50)
            page.evaluate(PAINT_JS)
            painted = time.perf_counter() - start
            rss = sum(memory_kb(pid) for pid in with_children([proc.pid]))
    return {
        "healthy_s": round(healthy, 2),
        "map_s": round(painted, 2),
        "rss_mb": round(rss / 1024),
        "load": load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="+", default=["demo", "synthetic:1000000"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="cc-bench-cold-"))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}; logs in {workdir}"
    )
    print(
        f"{'directory':>20} | {'MB':>5} | {'healthy s':>9} | {'map s':>6} | {'max map s':>9} | RSS MB | load"
    )
    results = []
    for spec in args.db:
        db = directory(spec, workdir)
        runs = [cold_start(db, workdir) for _ in range(args.runs)]
        row = {
            "directory": spec,
            "file_mb": round(file_mb(db)),
            "healthy_median_s": statistics.median(r["healthy_s"] for r in runs),
            "map_median_s": statistics.median(r["map_s"] for r in runs),
            "map_max_s": max(r["map_s"] for r in runs),
            "rss_mb": max(r["rss_mb"] for r in runs),
            "load": [r["load"] for r in runs],
        }
        results.append(row)
        print(f"{spec:>20} | {row['file_mb']:>5} | {row['healthy_median_s']:>9} | {row['map_median_s']:>6} | "
              f"{row['map_max_s']:>9} | {row['rss_mb']:>6} | {', '.join(f'{x:.0f}' for x in row['load'])}")  # fmt: skip
    print(json.dumps({"bench": "cold_start", "cpus": os.cpu_count(), "runs": args.runs, "results": results}))


if __name__ == "__main__":
    main()
