"""The supplier page in a browser, on a national directory: a buyer opens a store's link, then
narrows it to one product.

Run: ``python -m bench.suppliers_browser [--n 1000000] [--stores 6]``

The synthetic directory (bench/synthetic.py, with the tables the pages read: bench.map_browser's
``app_database``) is served by the real app (``streamlit run app.py``) and driven by Debian's
chromium. For each store, in turn:

* **open**: a fresh tab goes to ``/fournisseurs?mlieu=…&mlat=…&mlon=…``, as a shared link or a
  bookmark does; the clock stops when the tabs show their counts (« Livrent mon établissement
  (N) »), the app is idle and the map's frame holds its markers and has painted twice;
* **filter**: « Produits » gets « Légumes »; the clock starts at the option's click and stops
  when the URL says so, the run has ended and the map is painted again (``run``: when the
  server's script run ended, for the split between server and browser).

The first store's open includes the server's first run on the file (the producers' index,
courtcircuit.supplier_index, is read then): it is reported apart and left out of the medians.
bench/suppliers.py times the page's call alone; this is what a buyer waits for. The last line
is the figures as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.map_browser import ARM_RERUN_JS, RESET_PAINT_JS, app_database
from bench.serving import percentile
from tests.browser import IDLE, chromium_page, rerun, streamlit_app

# Towns of several régions, with the label the page writes for them (mlieu).
STORES = [
    ("Lyon (69001)", 45.76766, 4.83431),
    ("Rennes (35000)", 48.11197, -1.68186),
    ("Toulouse (31000)", 43.60446, 1.44424),
    ("Lille (59000)", 50.63718, 3.06353),
    ("Clermont-Ferrand (63000)", 45.77722, 3.08700),
    ("Strasbourg (67000)", 48.58189, 7.75103),
    ("Bordeaux (33000)", 44.83779, -0.57918),
    ("Dijon (21000)", 47.32164, 5.04148),
]
PRODUCT, PRODUCT_CODE = "Légumes", "legumes"
# The supplier map's frame holds its markers (map._ccShown, set by static/map/listings.js once
# the last chunk is in), or is drawn when the lists are empty, and has painted twice since.
MAP_PAINTED_JS = """(markers) => {
    const frames = document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]');
    if (frames.length !== 1) return false;
    const win = frames[0].contentWindow, map = win && win.map;
    if (!map || (markers ? !(map._ccShown > 0) : !win.document.querySelector('.leaflet-container'))) return false;
    if (win.__ccPainted) return true;
    if (!win.__ccPainting) {
        win.__ccPainting = true;
        win.requestAnimationFrame(() => win.requestAnimationFrame(() => { win.__ccPainted = true; }));
    }
    return false;
}"""


def painted(page) -> None:
    """Wait for the map of the lists the tabs announce (markers unless both are empty)."""
    page.locator(IDLE).wait_for()
    counts = re.findall(r"\((\d+)\)", " ".join(page.get_by_role("tab").all_inner_texts()))
    page.wait_for_function(MAP_PAINTED_JS, arg=any(int(n) for n in counts), polling=10)


def choose_product(page) -> tuple[float, float]:
    """« Produits » in the sidebar gets PRODUCT (typed, then its option clicked): (the page's
    clock at the click, perf_counter then). The clock starts at the click, not the typing."""
    widget = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text="Produits"
    )
    field = widget.locator("input")
    field.click()
    field.fill(PRODUCT)
    option = page.get_by_role("option", name=PRODUCT, exact=True)
    option.wait_for()
    start_page, start = page.evaluate(ARM_RERUN_JS), time.perf_counter()
    rerun(page, option.click)
    return start_page, start


def measure(n: int, stores: int) -> tuple[float, list[float], list[float], list[float]]:
    """Seconds to open each store's link and to filter it: (the first open, the other opens, the
    filters, when each filter's script run ended)."""
    db = app_database(n)
    home = Path(tempfile.mkdtemp(prefix="cc-bench-suppliers-"))
    opens, filters, runs = [], [], []
    with streamlit_app(db, home) as url, chromium_page(home) as page:
        page.set_default_timeout(180_000)
        for label, lat, lon in STORES[:stores]:
            link = f"{url}/fournisseurs?{urlencode({'mlieu': label, 'mlat': lat, 'mlon': lon})}"
            start = time.perf_counter()
            page.goto(link, wait_until="domcontentloaded")
            page.get_by_role("tab", name="Livrent mon établissement (").wait_for()
            painted(page)
            opens.append(time.perf_counter() - start)
            page.evaluate(RESET_PAINT_JS)
            start_page, start = choose_product(page)
            page.wait_for_url(f"**produit={PRODUCT_CODE}**")
            painted(page)
            filters.append(time.perf_counter() - start)
            page.wait_for_function("() => window.__ccRunEnd !== null", polling=10)
            runs.append((page.evaluate("() => window.__ccRunEnd") - start_page) / 1000)
            print(f"# {label}: opened in {opens[-1]:.2f} s, filtered in {filters[-1]:.2f} s "
                  f"(its run ended at {runs[-1]:.2f} s)", flush=True)  # fmt: skip
    return opens[0], opens[1:], filters, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--stores", type=int, default=6, choices=range(2, len(STORES) + 1))
    args = parser.parse_args()
    before = os.getloadavg()[0]
    first, opens, filters, runs = measure(args.n, args.stores)
    figures = {
        "first_open_s": round(first, 3),
        "open_median_s": round(statistics.median(opens), 3),
        "open_p95_s": round(percentile(opens, 0.95), 3),
        "filter_median_s": round(statistics.median(filters), 3),
        "filter_p95_s": round(percentile(filters, 0.95), 3),
        "filter_run_median_s": round(statistics.median(runs), 3),
    }
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}; "
          f"{args.n:,} listings; load {before:.1f} → {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"first open (the server's first run on the file) {figures['first_open_s']:.2f} s")
    print(f"open a store's link: median {figures['open_median_s']:.2f} s, p95 {figures['open_p95_s']:.2f} s "
          f"({len(opens)} stores)")  # fmt: skip
    print(f"filter by product:   median {figures['filter_median_s']:.2f} s, p95 {figures['filter_p95_s']:.2f} s "
          f"({len(filters)} stores); the server's run ended at {figures['filter_run_median_s']:.2f} s")  # fmt: skip
    print(
        json.dumps(
            {"bench": "suppliers_browser", "n": args.n, "load": [before, os.getloadavg()[0]], **figures}
        )
    )


if __name__ == "__main__":
    main()
