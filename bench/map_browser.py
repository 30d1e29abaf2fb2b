"""Browser time from a filter change to markers painted, with 1,000 and 20,000 results.

Run: ``python -m bench.map_browser [--sizes 1000 20000] [--repeats 7]``

For each size, a synthetic directory of that many listings (bench/synthetic.py) is served by
the real app (``streamlit run app.py``) and driven by Debian's chromium. With no place chosen
the search covers the whole directory, so every listing is a result. The timed action is the
one a resident makes: the text filter goes from a word that matches nothing (no marker) to
empty (all listings); the clock stops when the map's iframe shows marker clusters and the
browser has painted a frame after them. It covers the rerun, the query, the folium HTML, its
transfer and Leaflet's clustering.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from bench.synthetic import make_directory
from courtcircuit.db import REPO_ROOT
from courtcircuit.schema import BUILD_INFO, LISTING_LINKS, SCHEMA_VERSION, SOURCES
from tests.browser import chromium_page, streamlit_app

CACHE = REPO_ROOT / "data" / "cache"
NOTHING = "zzzqqqaucun"

# True once one st_folium iframe's cluster layer holds `expected` markers (chunked loading done)
# and shows cluster icons. Synchronous: wait_for_function takes a returned Promise as truthy.
LOADED_JS = """(expected) => [...document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')]
    .some((iframe) => {
        const win = iframe.contentWindow, map = win && win.map;
        if (!map) return false;
        let held = 0;
        map.eachLayer((l) => { if (l.getLayers && l._featureGroup) held += l.getLayers().length; });
        return held >= expected && !!iframe.contentDocument.querySelector(".marker-cluster");
    })"""
# Then two animation frames in the page: the browser has painted what was loaded.
PAINT_JS = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


# True once the map shows no marker (the state before each timed change).
EMPTY_JS = """() => {
    const iframe = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    const doc = iframe && iframe.contentDocument;
    return !!doc && !!doc.querySelector('.leaflet-container')
        && doc.querySelectorAll('.marker-cluster, .leaflet-marker-icon').length === 0
        && document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]').length === 1;
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


def measure(n: int, repeats: int) -> list[float]:
    db = app_database(n)
    with duckdb.connect(str(db), read_only=True) as con:
        (active,) = con.execute("SELECT count(*) FROM listings WHERE status = 'active'").fetchone()
    home = Path(tempfile.mkdtemp(prefix="cc-bench-home-"))
    times = []
    with streamlit_app(db, home) as url, chromium_page(home) as page:
        page.set_default_timeout(180_000)
        page.goto(f"{url}/?texte={NOTHING}", wait_until="domcontentloaded")
        page.get_by_text("Aucun lieu ne correspond").wait_for()
        page.wait_for_function(EMPTY_JS, polling=50)
        box = page.get_by_label("Nom ou produit")
        for _ in range(repeats + 1):  # the first round warms caches and is dropped
            start = time.perf_counter()
            box.fill("")
            box.press("Enter")
            page.wait_for_function(LOADED_JS, arg=active, polling=20)
            page.evaluate(PAINT_JS)
            times.append(time.perf_counter() - start)
            box.fill(NOTHING)
            box.press("Enter")
            page.get_by_text("Aucun lieu ne correspond").wait_for()
            page.wait_for_function(EMPTY_JS, polling=50)
            page.wait_for_timeout(300)
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}")
    print(f"{'results':>8} | {'median s':>8} | {'p95 s':>6} | {'min s':>6} | runs")
    for n in args.sizes:
        times = sorted(measure(n, args.repeats))
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{n:>8} | {statistics.median(times):>8.2f} | {p95:>6.2f} | {times[0]:>6.2f} | {len(times)}")


if __name__ == "__main__":
    main()
