"""The supplier queries over the synthetic directory: who can deliver to this store, who is near.

Run: ``python -m bench.suppliers [--n 1000000] [--centres 100] [--seed 7]``; it prints its table,
then the issue 12 target (page call vs baseline), then one JSON line with its figures.

Stores are drawn where people live (like the listings). Timed, per store: the reverse-radius
query ("deliver to me": the producer's own radius covers the store), the nearby query at
30/80/150 km, and the whole page's call: ``prospect_page`` (both lists' totals and order, one
page of rows each, the map's points, coverage), beside the former unpaged ``prospect`` (every
row of both lists with every column). The baseline, in the same run,
is the reverse-radius rule as a full scan: every delivering producer's haversine distance
compared with its radius, no bounding box. Both must find the same producers. The queries
take turns at each store, so that the load of a shared machine weighs on all of them alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from bench.search import default_db, with_row_groups
from bench.synthetic import make_directory, sample_points
from courtcircuit.db import connect
from courtcircuit.geo import haversine_sql
from courtcircuit.schema import DIRECTORY_ROW_GROUP_SIZE
from courtcircuit.supplier_index import SupplierIndex
from courtcircuit.supplier_pages import ProspectPage, prospect_page
from courtcircuit.suppliers import RADIUS_TOLERANCE_KM, Prospect, Store, SupplierFilters, prospect, suppliers

FULL_SCAN = (
    f"SELECT id FROM (SELECT id, delivery_radius_km, {haversine_sql()} AS d FROM listings "
    "WHERE status = 'active' AND kind = 'producteur' AND delivers AND delivery_radius_km IS NOT NULL) "
    "WHERE d <= delivery_radius_km + ?"
)


def timed(
    methods: dict[str, Callable[[Store], object]], stores: list[Store]
) -> dict[str, tuple[list[float], list]]:
    """Each method's time (ms) and result per store, the methods taking turns at each store: the
    machine is shared, and a load that changes during the run then weighs on all alike."""
    out: dict[str, tuple[list[float], list]] = {label: ([], []) for label in methods}
    for store in stores:
        for label, fn in methods.items():
            start = time.perf_counter()
            result = fn(store)
            out[label][0].append((time.perf_counter() - start) * 1000)
            out[label][1].append(result)
    return out


FIGURES: dict[str, dict[str, float]] = {}  # label -> median, p95: the JSON line printed last


def lists_of(result: Prospect) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ids of the unpaged page's two lists, in their order."""
    return tuple(result.deliverers["id"]), tuple(result.nearby["id"])


def kept_of(page: ProspectPage) -> tuple[tuple[str, ...], ...]:
    """What the checks compare of a page: both lists' ids, and the ids of the rows of each page."""
    return (
        page.deliverers.ids,
        page.nearby.ids,
        tuple(page.deliverers.rows["id"]),
        tuple(page.nearby.rows["id"]),
    )


def row(label: str, ms: list[float], base: float | None = None) -> str:
    med, p95 = statistics.median(ms), float(np.percentile(ms, 95))
    FIGURES[label] = {"median": med, "p95": p95}
    ratio = f"{med / base:>7.2f}x" if base else f"{'':>8}"
    return f"{label:<44} {med:>9.1f} {p95:>9.1f} {ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--centres", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--row-group-size",
        type=int,
        default=DIRECTORY_ROW_GROUP_SIZE,
        help="rows per row group of the file queried (default as published; 0: the generated file)",
    )
    args = parser.parse_args()
    db = default_db(args.n, args.seed)
    make_directory(db, args.n, args.seed)
    if args.row_group_size:
        db = with_row_groups(db, args.row_group_size)
    con = connect(db, read_only=True)
    (producers, deliverers, max_radius) = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE delivers), max(delivery_radius_km) FROM listings "
        "WHERE kind = 'producteur' AND status = 'active'"
    ).fetchone()
    rng = np.random.default_rng(args.seed + 2)
    _, lat, lon = sample_points(rng, args.centres + 3)
    stores = [Store(float(a), float(b)) for a, b in zip(lat, lon, strict=True)]
    warm, stores = stores[:3], stores[3:]
    # The page's call (pages/fournisseurs.py) takes the file's index, which the server keeps.
    index_started = time.perf_counter()
    index = SupplierIndex.load(con.cursor())
    index_seconds = time.perf_counter() - index_started
    for store in warm:
        suppliers(con, store)
        prospect_page(con, store, SupplierFilters(), 30)
        prospect_page(con, store, SupplierFilters(), 30, index=index)
        con.execute(FULL_SCAN, [store.lat, store.lat, store.lon, RADIUS_TOLERANCE_KM]).fetchall()

    print("Court-Circuit supplier queries benchmark")
    load_start = os.getloadavg()[0]
    print(f"machine   {os.cpu_count()} CPU; load average {load_start:.1f}")
    print(
        f"database  {db.name}: {args.n:,} listings, {producers:,} active producers, {deliverers:,} delivering, "
        f"largest delivery radius {max_radius:g} km"
    )
    print(f"stores    {len(stores)} drawn where people live (seed {args.seed + 2})")
    print(
        f"index     the page's SupplierIndex, loaded once outside the timing as the server does: {index_seconds:.2f} s, {index.nbytes / 1e6:.0f} MB"
    )
    print()
    print(f"{'query (ms)':<44} {'median':>9} {'p95':>9} {'÷ base':>8}")
    eggs = SupplierFilters(products=("oeufs",), labels=("ab",))

    def deliverer_ids(frame: pd.DataFrame) -> set[str]:
        return set(frame["id"])

    # What each method keeps of its answer is small (ids, sizes): 30 answers of 150 km are not.
    methods: dict[str, Callable[[Store], object]] = {
        "base": lambda s: {
            r[0] for r in con.execute(FULL_SCAN, [s.lat, s.lat, s.lon, RADIUS_TOLERANCE_KM]).fetchall()
        },
        "deliver": lambda s: deliverer_ids(suppliers(con, s)),
        **{f"near{km}": (lambda s, km=km: len(suppliers(con, s, within_km=km))) for km in (30, 80, 150)},
        "eggs": lambda s: len(suppliers(con, s, eggs)),
        "whole": lambda s: lists_of(prospect(con, s, SupplierFilters(), 30)),
        "sql page": lambda s: kept_of(prospect_page(con, s, SupplierFilters(), 30)),
        "page": lambda s: kept_of(prospect_page(con, s, SupplierFilters(), 30, index=index)),
    }
    runs = timed(methods, stores)
    base_ms, base_ids = runs["base"]
    base = statistics.median(base_ms)
    deliver_ms, found = runs["deliver"]
    print(row("deliver to me (bbox of the largest radius)", deliver_ms, base))
    for km in (30, 80, 150):
        near_ms, sizes = runs[f"near{km}"]
        print(row(f"producers within {km} km (median {statistics.median(sizes):,.0f})", near_ms, base))
    print(row("deliver to me, eggs + AB", runs["eggs"][0], base))
    whole_ms, wholes = runs["whole"]
    print(row("unpaged: prospect(…, 30 km), every row", whole_ms, base))
    print(row("prospect_page(…, 30 km), scan in SQL", runs["sql page"][0], base))
    page_ms, pages = runs["page"]
    print(row("whole page call: prospect_page(…, 30 km, index)", page_ms, base))
    print(row("baseline: full-scan reverse radius (ids)", base_ms))
    wrong = sum(f != b for f, b in zip(found, base_ids, strict=True))
    # The paged lists: the same producers as the full scan, in the order of the unpaged ones.
    wrong_pages = sum(set(p[0]) != b for p, b in zip(pages, base_ids, strict=True))
    wrong_index = sum(p != q for p, q in zip(pages, runs["sql page"][1], strict=True))  # with and without
    wrong_order = sum(p[:2] != w or p[2] != w[0][: len(p[2])] for p, w in zip(pages, wholes, strict=True))
    sizes = [len(f) for f in found]
    print()
    print(
        f"correctness: deliver-to-me ids differ from the full scan at {wrong}/{len(stores)} stores; "
        f"producers who can deliver per store: median {statistics.median(sizes):,.0f}, max {max(sizes):,}"
    )
    print(
        f"             prospect_page's deliverers differ from the full scan at {wrong_pages}/{len(stores)} stores; "
        f"its lists or first page differ from prospect's at {wrong_order}/{len(stores)}; "
        f"from the SQL scan's page at {wrong_index}/{len(stores)}"
    )
    page_med, page_p95 = statistics.median(page_ms), float(np.percentile(page_ms, 95))
    base_p95 = float(np.percentile(base_ms, 95))
    met = page_med <= base and page_p95 <= 2 * base_p95
    print(
        f"target (issue 12): whole page call median {page_med / base:.2f}x the baseline's (<= 1), "
        f"p95 {page_p95 / base_p95:.2f}x its p95 (<= 2): {'met' if met else 'NOT met'}"
    )
    load_end = os.getloadavg()[0]
    print(f"load average at the end {load_end:.1f}")
    summary = {"bench": "suppliers", "n": args.n, "stores": len(stores), "load_start": load_start}
    summary |= {"load_end": load_end, "ms": FIGURES, "wrong_ids": wrong, "wrong_page_ids": wrong_pages}
    summary |= {"wrong_page_order": wrong_order, "wrong_index_page": wrong_index, "target_met": met}
    summary |= {"index_seconds": index_seconds, "index_mb": index.nbytes / 1e6}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
