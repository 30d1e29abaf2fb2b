"""How fast is the resident search on a national directory, and what does the Hilbert-ordered bbox buy?

    python -m bench.search [--n 1000000] [--centres 100] [--seed 7] [--db PATH]
                           [--search-centres 40] [--geopandas-centres N]
    python -m bench.search --quick        # 20,000 listings, 20 centres: a smoke test (< 30 s)

Builds (or reuses) a synthetic directory with bench.synthetic, draws centres where people live
(like the listings: communes weighted by population), and times, per centre:

* ``search()`` end to end, without filters and with one typical filter;
* the bbox + haversine SQL alone (search's own area query, ids only);
* baseline A: the same SQL without the bbox predicate (a full scan computing every distance);
* baseline B: geopandas, ``distance(point) <= r`` on all points in Lambert-93 (EPSG:2154).

Radii cycle through 5, 10, 30 and 50 km (the "mix"); a second pass puts every centre at 10 km.
Then it checks that every method finds the same listings. search() is timed on the first 40
centres only by default: at 10^6 listings a dense centre takes seconds (see SEARCH_CENTRES).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from bench.search_geo import BOUNDARY_TOLERANCE, GeoBaseline, GeoCheck, check_geopandas
from bench.synthetic import make_directory, sample_points
from courtcircuit.db import REPO_ROOT, connect, copy_database
from courtcircuit.map_grid import Box, map_view, zoom_to_fit
from courtcircuit.schema import CARD_COLUMNS, DIRECTORY_ROW_GROUP_SIZE
from courtcircuit.search import MAP_COLUMNS, PARIS, Area, Filters, SearchIndex, _area_sql, matches, search
from ui.map_style import FIT_MAX_ZOOM
from ui.search_map import MAP_WIDTH_PX

MIX_RADII_KM = (5.0, 10.0, 30.0, 50.0)
WARMUP = 3  # queries per method before timing, at their own centres
# A Saturday mid-morning, when markets and farm shops are open: "open now" has work to do.
NOW = datetime(2026, 10, 17, 10, 30, tzinfo=PARIS)
TYPICAL = Filters(channels=("marche",), labels=("ab",))
BBOX_PREDICATE = " AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"
# search() used to take ~25 s around Paris at 50 km (pandas frames of the whole circle, "open now"
# per listing); since it counts in SQL and evaluates each opening-hours expression once, all centres fit.
SEARCH_CENTRES = 100
EVERY_ROW = 10**7  # search(limit=…) that returns every match, for the id comparison
PAGE_ROWS, MAP_POINTS = 20, 20_000  # pages/recherche.py: PAGE_SIZE, MAX_LISTED


def default_db(n: int, seed: int) -> Path:
    return REPO_ROOT / "data" / "cache" / f"bench-n{n}-s{seed}.duckdb"  # data/cache/ is git-ignored


def with_row_groups(db: Path, rows: int) -> Path:
    """A copy of ``db`` cut into row groups of ``rows`` rows, as the published file is
    (courtcircuit.schema.DIRECTORY_ROW_GROUP_SIZE), made once beside it and remade when older."""
    target = db.with_name(f"{db.stem}-rg{rows}{db.suffix}")
    if not target.exists() or target.stat().st_mtime < db.stat().st_mtime:
        tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        copy_database(db, tmp, row_group_size=rows)
        os.replace(tmp, target)
    return target


# ---------------------------------------------------------------------------- the methods timed


def area_ids_sql(area: Area, bbox: bool = True) -> tuple[str, list[object]]:
    """search()'s own area query (courtcircuit.search._area_sql, private but the thing measured), ids only.

    Without ``bbox``, the same query minus the bounding-box predicate: baseline A, a full scan.
    """
    sql, params = _area_sql(area)
    if not bbox:
        if BBOX_PREDICATE not in sql:
            raise RuntimeError("courtcircuit.search._area_sql changed: update bench.search.BBOX_PREDICATE")
        sql, params = sql.replace(BBOX_PREDICATE, ""), params[:3] + params[7:]
    return f"SELECT id FROM ({sql})", params  # noqa: S608 - search's constant SQL


@dataclass
class Method:
    label: str
    run: Callable[[Area], np.ndarray]  # the ids found
    centres: int  # how many centres it is timed on (the first ones of each pass)
    times: dict[str, list[float]] = field(default_factory=dict)  # pass -> seconds per query
    found: dict[str, list[np.ndarray]] = field(default_factory=dict)  # pass -> ids per query


def time_interleaved(methods: list[Method], name: str, areas: list[Area], warmup: list[Area]) -> None:
    """Time every method at each centre in turn (centre by centre, not method by method): the
    machine is shared, and a load that changes during the run then weighs on every method alike,
    so the ratios between them hold even when the absolute times do not."""
    for method in methods:
        for area in warmup:
            method.run(area)
        method.times[name], method.found[name] = [], []
    for i, area in enumerate(areas):
        for method in methods:
            if i >= method.centres:
                continue
            start = time.perf_counter()
            ids = method.run(area)
            method.times[name].append(time.perf_counter() - start)
            method.found[name].append(ids)


# ---------------------------------------------------------------------------- report


def machine_info(con: duckdb.DuckDBPyConnection) -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    import geopandas
    import shapely

    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    return [
        f"machine   {os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}",
        f"software  Python {platform.python_version()}, DuckDB {duckdb.__version__} ({threads} threads), "
        f"numpy {np.__version__}, pandas {pd.__version__}, geopandas {geopandas.__version__}, "
        f"shapely {shapely.__version__}",
    ]


def ms(seconds: list[float], q: float) -> float:
    return float(np.percentile(np.array(seconds) * 1000.0, q))


def fmt(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def ratio(m: Method, base: Method, run: str) -> float:
    """Median over median, on the centres both were timed on (centres are drawn independently)."""
    k = min(m.centres, base.centres)
    return ms(m.times[run][:k], 50) / ms(base.times[run][:k], 50)


def table(methods: list[Method], reference: Method, sql: Method) -> list[str]:
    header = (
        f"{'method':<40} {'centres':>7}  {'mix med':>8} {'mix p95':>8}  {'10km med':>8} {'10km p95':>8}"
        f"  {'÷search mix':>11} {'÷search 10km':>12}  {'÷SQL mix':>8} {'÷SQL 10km':>9}"
    )
    lines = [header, "-" * len(header)]
    for m in methods:
        cells = [f"{m.label:<40} {m.centres:>7}"]
        cells.append(" ".join(f"{fmt(ms(m.times['mix'], q)):>8}" for q in (50, 95)))
        cells.append(" ".join(f"{fmt(ms(m.times['10km'], q)):>8}" for q in (50, 95)))
        ratios = []
        for base, widths in ((reference, (11, 12)), (sql, (8, 9))):
            for run, width in zip(("mix", "10km"), widths, strict=True):
                ratios.append(f"{ratio(m, base, run):>{width - 1}.2f}x")
        cells.append(" ".join(ratios[:2]))
        cells.append(" ".join(ratios[2:]))
        lines.append("  ".join(cells))
    return lines


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="listings in the synthetic directory")
    parser.add_argument("--centres", type=int, default=100, help="search centres per pass")
    parser.add_argument("--seed", type=int, default=7, help="seed of the directory and of the centres")
    parser.add_argument(
        "--db", type=Path, help="database file (default data/cache/bench-n<N>-s<SEED>.duckdb)"
    )
    parser.add_argument(
        "--geopandas-centres", type=int, default=None, help="centres for the geopandas baseline (default all)"
    )
    parser.add_argument(
        "--search-centres",
        type=int,
        default=SEARCH_CENTRES,
        help=f"centres for the two search() rows (default {SEARCH_CENTRES}; each can take seconds)",
    )
    parser.add_argument("--quick", action="store_true", help="smoke test: 20,000 listings, 20 centres")
    parser.add_argument(
        "--row-group-size",
        type=int,
        default=DIRECTORY_ROW_GROUP_SIZE,
        help=f"rows per row group of the file searched (default {DIRECTORY_ROW_GROUP_SIZE}, as published; "
        "0: the generated file as it is)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.centres = 20_000, 20
    db = args.db or default_db(args.n, args.seed)
    started, load_before = time.perf_counter(), os.getloadavg()[0]

    info = make_directory(db, args.n, args.seed)
    if args.row_group_size:
        db = with_row_groups(db, args.row_group_size)
    con = connect(db, read_only=True)
    lines = ["Court-Circuit resident search benchmark", *machine_info(con)]
    how = "reused cached file, built" if info.reused else "built now"
    lines.append(
        f"database  {db} ({db.stat().st_size / 1e6:,.0f} MB): {args.n:,} listings, seed {args.seed}, {how} in {info.seconds:.1f} s"
    )
    active = con.execute("SELECT id, lat, lon FROM listings WHERE status = 'active'").df()
    groups = con.execute(
        "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('listings')"
    ).fetchone()[0]
    lines.append(
        f"          {len(active):,} active; {groups:,} row group(s), rows in Hilbert order (etl.publish.HILBERT)"
    )

    rng = np.random.default_rng(args.seed + 1)  # the directory used `seed`; centres get their own stream
    _, lat, lon = sample_points(rng, args.centres + WARMUP)
    centres = list(zip(lat[WARMUP:].tolist(), lon[WARMUP:].tolist(), strict=True))
    warmup = [Area(la, lo, 10.0) for la, lo in zip(lat[:WARMUP].tolist(), lon[:WARMUP].tolist(), strict=True)]
    passes = {
        "mix": [Area(la, lo, MIX_RADII_KM[i % len(MIX_RADII_KM)]) for i, (la, lo) in enumerate(centres)],
        "10km": [Area(la, lo, 10.0) for la, lo in centres],
    }

    def sql_ids(bbox: bool) -> Callable[[Area], np.ndarray]:
        def run(area: Area) -> np.ndarray:
            return con.execute(*area_ids_sql(area, bbox)).fetchnumpy()["id"]

        return run

    def search_ids(filters: Filters, limit: int = EVERY_ROW) -> Callable[[Area], np.ndarray]:
        return lambda area: search(con, area, filters, now=NOW, limit=limit).listings["id"].to_numpy()

    # The page's call (pages/recherche.py): the file's index, kept by the server, and the card columns.
    index_started = time.perf_counter()
    index = SearchIndex.load(con.cursor())
    index_seconds = time.perf_counter() - index_started
    index_mb = index.nbytes / 1e6
    cards_started = time.perf_counter()  # read at the first search around a place, then kept
    cards_mb = index.cards(con.cursor()).nbytes / 1e6
    cards_seconds = time.perf_counter() - cards_started

    def page_ids(area: Area) -> np.ndarray:
        found = search(con, area, Filters(), now=NOW, limit=PAGE_ROWS, index=index, columns=CARD_COLUMNS)
        return found.listings["id"].to_numpy()

    def map_ids(area: Area) -> np.ndarray:
        # The page's map (ui.search_map, first view of a place): the circle's box at the zoom that
        # fits it, markers when it holds at most DETAIL_MAX matches, else counts per cell.
        (south, west), (north, east) = area.bounds()
        box = Box(south, west, north, east)
        zoom = zoom_to_fit(box, MAP_WIDTH_PX, 540, max_zoom=FIT_MAX_ZOOM)
        view = map_view(con, area, Filters(), box, zoom, index=index)
        return view.points["id"].to_numpy()

    def download_ids(area: Area) -> np.ndarray:
        # The page's downloads: the nearest MAP_POINTS matches (pages/recherche.py, on a click).
        result = search(con, area, Filters(), now=NOW, limit=PAGE_ROWS, index=index, columns=CARD_COLUMNS)
        return matches(con, area, Filters(), result, columns=MAP_COLUMNS, limit=MAP_POINTS)["id"].to_numpy()

    geo = GeoBaseline(active["id"].to_numpy(), active["lat"].to_numpy(), active["lon"].to_numpy())
    geo_centres = min(args.geopandas_centres or args.centres, args.centres)
    search_centres = min(args.search_centres, args.centres)
    methods = [
        Method("search(), no filter, every row", search_ids(Filters()), search_centres),
        Method("search(), channels=marche + labels=ab", search_ids(TYPICAL), search_centres),
        Method("search() as the page: index, 20 cards", page_ids, search_centres),
        Method("search(): SQL counts + 20 full rows", search_ids(Filters(), PAGE_ROWS), search_centres),
        Method("page's map: map_view (index), first view", map_ids, search_centres),
        Method("download: search() + matches() 20,000", download_ids, search_centres),
        Method("bbox + haversine SQL alone (ids)", sql_ids(bbox=True), args.centres),
        Method("A: full-scan haversine SQL (ids)", sql_ids(bbox=False), args.centres),
        Method("B: geopandas L93 distance <= r (ids)", geo.query, geo_centres),
    ]
    for name, areas in passes.items():
        print(f"timing every method at each centre in turn [{name}] …", file=sys.stderr, flush=True)
        time_interleaved(methods, name, areas, warmup)

    plain, _, page, _, _, _, bbox_sql, full, geo_m = methods
    mix_found = [len(ids) for ids in full.found["mix"]]
    ten_found = [len(ids) for ids in full.found["10km"]]
    lines += [
        f"centres   {args.centres} drawn like the listings (communes weighted by population, ~2 km around the "
        f"town hall); warm-up {WARMUP} queries per method; the methods take turns at each centre (the "
        "load of a shared machine weighs on all alike)",
        f"radii     mix: cycling {', '.join(f'{r:g}' for r in MIX_RADII_KM)} km; 10km: every centre at 10 km",
        f"found     listings per circle, no filter: mix median {np.median(mix_found):,.0f} "
        f"(max {max(mix_found):,}), 10km median {np.median(ten_found):,.0f} (max {max(ten_found):,})",
        f"now       {NOW:%A %Y-%m-%d %H:%M} Europe/Paris (for 'open now' counts); typical filter: "
        "Filters(channels=('marche',), labels=('ab',))",
        f"index     the page's SearchIndex (courtcircuit.search_index), loaded once outside the timing as the "
        f"server does per file: {index_seconds:.2f} s, {index_mb:.0f} MB; its result cards "
        f"(courtcircuit.search_cards), read at the first search around a place: {cards_seconds:.2f} s, "
        f"{cards_mb:.0f} MB",
        "geopandas GeoSeries of the active points projected to Lambert-93 (EPSG:2154) once, outside the "
        f"timing ({geo.setup_seconds:.1f} s); per query the centre is projected and distance() <= r computed",
    ]
    if search_centres < args.centres:
        lines.append(
            f"search()  timed on the first {search_centres} of the {args.centres} centres only, to keep the run "
            "to a few minutes (dense centres take seconds each); --search-centres N to change"
        )
    if geo_centres < args.centres:
        lines.append(f"geopandas timed on the first {geo_centres} centres only (too slow for all)")
    lines += [
        "",
        "Latency per query in ms (median, p95). ÷ = this method's median / the reference's median, both over",
        "the centres the two were timed on (the first min(n1, n2) centres).",
        "",
    ]
    lines += table(methods, plain, bbox_sql)

    # ------------------------------------------------------------------------ correctness
    where = active.set_index("id")
    lines += ["", "Correctness (same centres, same radii):"]
    differing: dict[str, dict[str, int]] = {}
    for run in passes:
        truth = full.found[run]
        sets = [set(ids.tolist()) for ids in truth]
        # zip stops at the shorter list: a method timed on fewer centres has the first ones.
        bad_search = sum(set(ids.tolist()) != s for ids, s in zip(plain.found[run], sets, strict=False))
        bad_sql = sum(set(ids.tolist()) != s for ids, s in zip(bbox_sql.found[run], sets, strict=False))
        # The page's 20 rows are the first 20 of the whole answer, in its order.
        bad_page = sum(
            list(p) != list(w[:PAGE_ROWS]) for p, w in zip(page.found[run], plain.found[run], strict=False)
        )
        differing[run] = {"search": bad_search, "bbox_sql": bad_sql, "page_rows": bad_page}
        check = GeoCheck()
        check_geopandas(geo_m.found[run], truth, passes[run], where, check)
        lines += [
            f"  {run:<5} ids differing from the full scan: search() {bad_search}/{len(plain.found[run])} centres, "
            f"bbox SQL {bad_sql}/{len(bbox_sql.found[run])} centres; page rows not the first {PAGE_ROWS}: "
            f"{bad_page}/{len(page.found[run])}",
            f"        geopandas: {check.disagreements} boundary disagreements in {check.queries_with}/{check.queries} "
            f"centres, all within {check.max_edge_m:.0f} m ({check.max_edge_share * 100:.2f} % of r) of the "
            f"circle; {check.beyond_tolerance} farther than {BOUNDARY_TOLERANCE * 100:.1f} % of r",
        ]
    lines.append(
        "  (Lambert-93 is conformal, not equidistant: its scale differs from 1 by -0.1 % to +0.3 % over mainland\n"
        "  France, and distances on the ellipsoid differ from haversine's sphere: together -0.13 % to +0.55 %.\n"
        "  Points that close to the circle, up to ~275 m at 50 km, can fall on either side.)"
    )
    lines.append(
        f"\ntotal {time.perf_counter() - started:.0f} s; 1-minute load average {load_before:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end (other processes on the machine skew timings when near the CPU count)"
    )
    con.close()
    lines += targets(page, geo_m)
    print("\n".join(lines))
    figures = {
        "bench": "search", "n": args.n, "centres": args.centres, "load_start": load_before,
        "load_end": os.getloadavg()[0],
        "ms": {m.label: {run: {"median": ms(m.times[run], 50), "p95": ms(m.times[run], 95)} for run in passes}
               for m in methods},
        "page_vs_geopandas_median": {run: ratio(page, geo_m, run) for run in passes},
        "index": {"seconds": index_seconds, "mb": index_mb},
        "cards": {"seconds": cards_seconds, "mb": cards_mb},
        "differing_centres": differing,
    }  # fmt: skip
    print(json.dumps(figures))
    return 0


def targets(page: Method, geo: Method) -> list[str]:
    """Issue 12's target for the page's search: median <= 0.2 x geopandas's, p95 <= geopandas's."""
    lines = [
        "",
        "Target (issue 12): the page's search, median <= 0.2 x geopandas median, p95 <= geopandas p95:",
    ]
    for run in page.times:
        k = min(page.centres, geo.centres)
        med, p95 = ratio(page, geo, run), ms(page.times[run][:k], 95) / ms(geo.times[run][:k], 95)
        met = "met" if med <= 0.2 and p95 <= 1.0 else "NOT met"
        lines.append(f"  {run:<5} median {med:.2f}x, p95 {p95:.2f}x of geopandas's: {met}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
