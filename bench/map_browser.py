"""Browser time from a filter change to every marker painted, with 1,000 and 20,000 results.

Run: ``python -m bench.map_browser [--sizes 1000 20000] [--repeats 7]``

For each size, a synthetic directory of that many listings (bench/synthetic.py) is served by
the real app (``streamlit run app.py``) and driven by Debian's chromium. With no place chosen
the search covers the whole directory, so every listing is a result. The timed action is the
one a resident makes: in the « Filtres » popover, the « Nom ou produit » box goes from a word
that matches nothing (no marker) to empty (all listings); the clock stops when the map's layer
holds every listing (``map._ccShown``, set by static/map/listings.js once the last chunk is in)
and the map's frame has painted twice since. It covers the rerun, the query, the folium HTML,
its transfer, the frame's reload and Leaflet's clustering. ``rerun s`` is when the server's
script run ended, for the split between server and browser.

Besides the real search page (``page``), the same change is timed on bench/map_app.py, the
search's map alone, drawn three ways on the same directory and in the same run:

* ``listings``: as the search page draws it today (matches(limit=20,000), listings_map: markers
  in markercluster, the frame rebuilt for every change);
* ``grid``: ui.search_map.search_map (the data layer swapped into the frame by st_folium's
  ``feature_group_to_add``; beyond courtcircuit.map_grid.DETAIL_MAX matches in view, counts
  per grid cell from DuckDB);
* ``grid20k``: the same with markers up to 20,000 matches (no counts at these sizes).

For these the clock stops when the map holds what the page says it must (« attendu N »: markers,
or count bubbles) and has painted twice since.

The last line is the table's figures as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from bench.serving import percentile
from bench.synthetic import make_directory
from courtcircuit.db import REPO_ROOT
from courtcircuit.schema import BUILD_INFO, LISTING_LINKS, SCHEMA_VERSION, SOURCES
from tests.browser import IDLE, chromium_page, free_port, streamlit_app

CACHE = REPO_ROOT / "data" / "cache"
NOTHING = "zzzqqqaucun"
FRAME = 'iframe[title="streamlit_folium.st_folium"]'

# True once the (only) map frame holds `expected` listings (or bubbles), every chunk in, and has
# painted twice since. Polled: wait_for_function takes a returned Promise as truthy at once.
# RESET_PAINT_JS clears the marks before each change (a rebuilt frame starts without them).
PAINTED = """
    const frames = document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]');
    if (frames.length !== 1) return false;
    const win = frames[0].contentWindow, map = win && win.map;
    if (!map || !(expected === undefined ? map._ccShown > 0 : map._ccShown === expected)) return false;
    if (win.__ccPainted) return true;
    if (!win.__ccPainting) {
        win.__ccPainting = true;
        win.requestAnimationFrame(() => win.requestAnimationFrame(() => { win.__ccPainted = true; }));
    }
    return false;
"""
# The search page holds min(results, MAX_MAP_POINTS) markers today, counts per area with
# ui.search_map.search_map: it is done when its layer is (static/map/listings.js sets _ccShown then).
SHOWN_JS = "() => { const expected = undefined;" + PAINTED + "}"
# The same, the expected count read from the page (bench/map_app.py writes « attendu N »).
SHOWN_AS_SAID_JS = (
    """() => {
    const said = document.body.innerText.match(/attendu (\\d+)/);
    if (!said || said[1] === "0") return false;
    const expected = Number(said[1]);
"""
    + PAINTED
    + "}"
)
RESET_PAINT_JS = """() => {
    for (const f of document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')) {
        if (f.contentWindow) { f.contentWindow.__ccPainted = false; f.contentWindow.__ccPainting = false; }
    }
}"""
# True once the map shows no marker (the state before each timed change).
EMPTY_JS = """() => {
    const frames = document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]');
    if (frames.length !== 1) return false;
    const doc = frames[0].contentDocument, map = frames[0].contentWindow.map;
    return !!doc && !!map && !!doc.querySelector('.leaflet-container') && !map._ccShown
        && doc.querySelectorAll('.marker-cluster, .leaflet-marker-icon').length === 0;
}"""
# Armed before a change: the time (performance.now() of the page) the script run ends.
ARM_RERUN_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__ccRunEnd = null; window.__ccRunSeen = false;
    if (window.__ccRunObserver) window.__ccRunObserver.disconnect();
    window.__ccRunObserver = new MutationObserver(() => {
        const state = app.getAttribute('data-test-script-state');
        if (state !== 'notRunning') window.__ccRunSeen = true;
        else if (window.__ccRunSeen && window.__ccRunEnd === null) window.__ccRunEnd = performance.now();
    });
    window.__ccRunObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    return performance.now();
}"""


def app_database(n: int, seed: int = 7) -> Path:
    """The synthetic directory plus the small tables the pages read besides listings."""
    base = CACHE / f"bench-n{n}-s{seed}.duckdb"
    make_directory(base, n, seed)
    target = CACHE / f"bench-app-n{n}-s{seed}.duckdb"
    shutil.copyfile(base, target)
    con = duckdb.connect(str(target))
    for table in (SOURCES, LISTING_LINKS, BUILD_INFO):
        con.execute(table.ddl())
    (count,) = con.execute("SELECT count(*) FROM listings").fetchone()
    con.execute("DELETE FROM build_info")
    con.execute("INSERT INTO build_info VALUES (now(), ?, ?)", [count, SCHEMA_VERSION])
    con.close()
    return target


def text_box(page):
    """« Nom ou produit », in the « Filtres » popover (opened if a rerun closed it)."""
    box = page.get_by_role("textbox", name="Nom ou produit")
    button = page.get_by_role("button", name=re.compile(r"^(tune\s*)?Filtres( \(\d+\))?"))
    page.locator(IDLE).wait_for()
    if not box.is_visible() and button.count():
        button.click()
    box.wait_for()
    return box


def set_text(page, text: str) -> tuple[float, float]:
    """Type ``text`` in the filter and press Enter: (page clock at the change, perf_counter)."""
    box = text_box(page)
    box.fill(text)
    page.evaluate(RESET_PAINT_JS)
    start_page = page.evaluate(ARM_RERUN_JS)
    start = time.perf_counter()
    box.press("Enter")
    return start_page, start


def measure(n: int, repeats: int) -> tuple[list[float], list[float]]:
    """Seconds from the change to every marker painted, and to the end of the script run."""
    db = app_database(n)
    home = Path(tempfile.mkdtemp(prefix="cc-bench-home-"))
    painted, reruns = [], []
    with streamlit_app(db, home) as url, chromium_page(home) as page:
        page.set_default_timeout(180_000)
        page.goto(f"{url}/?texte={NOTHING}", wait_until="domcontentloaded")
        page.get_by_text("Aucun lieu ne correspond").wait_for()
        page.wait_for_function(EMPTY_JS, polling=50)
        for _ in range(repeats + 1):  # the first round warms caches and is dropped
            start_page, start = set_text(page, "")
            page.wait_for_function(SHOWN_JS, polling=10)
            painted.append(time.perf_counter() - start)
            page.locator(IDLE).wait_for()
            page.wait_for_function("() => window.__ccRunEnd !== null", polling=10)
            reruns.append((page.evaluate("() => window.__ccRunEnd") - start_page) / 1000)
            set_text(page, NOTHING)
            page.get_by_text("Aucun lieu ne correspond").wait_for()
            page.wait_for_function(EMPTY_JS, polling=50)
            page.locator(IDLE).wait_for()
    return painted[1:], reruns[1:]


@contextmanager
def map_app(db: Path, home: Path) -> Iterator[str]:
    """bench/map_app.py served by ``streamlit run`` on a free port; yields its URL once healthy."""
    port = free_port()
    # Streamlit serves static/ from next to the script it runs: a copy of the script beside a link
    # to the repository's static/ (nothing written in the repository).
    folder = home / "app"
    folder.mkdir()
    shutil.copyfile(REPO_ROOT / "bench" / "map_app.py", folder / "map_app.py")
    (folder / "static").symlink_to(REPO_ROOT / "static")
    env = {**os.environ, "COURT_CIRCUIT_DB": str(db), "HOME": str(home), "PYTHONPATH": str(REPO_ROOT)}
    with (home / "map_app.log").open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(folder / "map_app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"bench/map_app.py did not start: see {home / 'map_app.log'}")
                time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def measure_app(n: int, mode: str, repeats: int) -> tuple[list[float], list[float]]:
    """As :func:`measure`, on bench/map_app.py drawn by ``mode`` (listings, grid, grid20k)."""
    db = app_database(n)
    home = Path(tempfile.mkdtemp(prefix="cc-bench-home-"))
    query = {"listings": "mode=listings", "grid": "mode=grid", "grid20k": "mode=grid&detail=20000"}[mode]
    painted, reruns = [], []
    with map_app(db, home) as url, chromium_page(home) as page:
        page.set_default_timeout(180_000)
        start = time.perf_counter()
        page.goto(f"{url}/?{query}", wait_until="domcontentloaded")
        page.wait_for_function(SHOWN_AS_SAID_JS, polling=10)
        opened = time.perf_counter() - start  # a first visit: the server's first run included
        for _ in range(repeats + 1):  # the first round warms caches and is dropped
            set_text(page, NOTHING)
            page.get_by_text("attendu 0").wait_for()
            page.wait_for_function(EMPTY_JS, polling=50)
            page.locator(IDLE).wait_for()
            start_page, start = set_text(page, "")
            page.wait_for_function(SHOWN_AS_SAID_JS, polling=10)
            painted.append(time.perf_counter() - start)
            page.locator(IDLE).wait_for()
            page.wait_for_function("() => window.__ccRunEnd !== null", polling=10)
            reruns.append((page.evaluate("() => window.__ccRunEnd") - start_page) / 1000)
    print(f"# {mode}, {n} listings: first visit to the map painted in {opened:.2f} s", flush=True)
    return painted[1:], reruns[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--ways", nargs="+", default=["page", "listings", "grid", "grid20k"],
        choices=["page", "listings", "grid", "grid20k"], help="what to time (see the module's doc)",
    )  # fmt: skip
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, "
          f"load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")  # fmt: skip
    print(
        f"{'way':>8} | {'results':>8} | {'median s':>8} | {'p95 s':>6} | {'min s':>6} | {'rerun s':>7} | runs"
    )
    figures: dict[str, dict[str, dict]] = {}
    for way in args.ways:
        for n in args.sizes:
            painted, reruns = measure(n, args.repeats) if way == "page" else measure_app(n, way, args.repeats)
            f = figures.setdefault(way, {})[str(n)] = {
                "median_s": round(statistics.median(painted), 3),
                "p95_s": round(percentile(painted, 0.95), 3),
                "min_s": round(min(painted), 3),
                "rerun_median_s": round(statistics.median(reruns), 3),
                "runs": len(painted),
                "load": round(os.getloadavg()[0], 1),
            }
            print(f"{way:>8} | {n:>8} | {f['median_s']:>8.2f} | {f['p95_s']:>6.2f} | {f['min_s']:>6.2f} | "
                  f"{f['rerun_median_s']:>7.2f} | {f['runs']}", flush=True)  # fmt: skip
    print(
        json.dumps(
            {"bench": "map_browser", "load": [round(x, 1) for x in os.getloadavg()], "figures": figures}
        )
    )


if __name__ == "__main__":
    main()
