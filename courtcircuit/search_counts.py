"""The resident search's counts, in one pass over the circle (no Streamlit).

Beside each filter option the page shows how many listings ticking it would give (every other
filter applied), and how many are open now. One query reads, for each listing in the circle,
a few integers: its facet bits (courtcircuit.schema.FACET_BITS), its distance, one boolean per
active filter, and its opening-hours expression (as a dictionary code); numpy then counts. The
former way, a SQL aggregate per facet over lists, cost eight passes over the circle
(bench/search.py measures both sides).

"Open now" depends on the expression, not on the listing: a directory repeats a few hundred
distinct expressions, so each is parsed once per process and evaluated once per search.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import opening_hours
import pyarrow as pa
import pyarrow.compute as pc

from courtcircuit.geo import Area, haversine_sql
from courtcircuit.schema import FACET_BITS, RESULT_COLUMNS
from courtcircuit.search_filters import TRUE, Condition

PARIS = ZoneInfo("Europe/Paris")


def area_sql(area: Area | None, columns: Sequence[str] = RESULT_COLUMNS) -> tuple[str, list[object]]:
    """SELECT of active listings in the circle (or all of them): ``columns`` and distance_km.

    The listings table is in Hilbert order of the positions, so DuckDB's per-row-group min/max
    of lat and lon skip most of the file for the bounding box; the exact great-circle distance
    is computed only for the rows inside it."""
    cols = ", ".join(columns)  # schema names: the SQL holds no user value
    if area is None:
        return f"SELECT {cols}, CAST(NULL AS DOUBLE) AS distance_km FROM listings WHERE status = 'active'", []  # noqa: S608
    south, north, west, east = area.bbox()
    sql = (
        f"SELECT * FROM (SELECT {cols}, {haversine_sql()} AS distance_km FROM listings "  # noqa: S608
        "WHERE status = 'active' AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?) "
        "WHERE distance_km <= ?"
    )
    return sql, [area.lat, area.lat, area.lon, south, north, west, east, area.radius_km]


@functools.lru_cache(maxsize=8192)  # a directory repeats a few hundred distinct expressions
def _parsed(expr: str) -> opening_hours.OpeningHours | None:
    try:
        return opening_hours.OpeningHours(expr)
    # Validated at build time; an edge case must not break search. ParserError is no ValueError.
    except (ValueError, RuntimeError, opening_hours.ParserError):
        return None


def open_expressions(expressions: Iterable[str | None], when: datetime) -> list[str]:
    """The OSM opening_hours expressions that are open at ``when`` (local time)."""
    naive = when.astimezone(PARIS).replace(tzinfo=None) if when.tzinfo else when
    found = []
    for expr in dict.fromkeys(expressions):
        parsed = _parsed(expr) if expr else None
        if parsed is None:
            continue
        try:
            if parsed.is_open(naive):
                found.append(expr)
        except (ValueError, RuntimeError):
            continue
    return found


@dataclass
class Counts:
    facets: dict[str, dict[str, int]]  # facet -> option code -> count with the other filters
    in_area: int  # listings in the circle
    total: int  # listings passing every filter
    open_now: int  # listings passing every filter but "open now", and open now
    open_hours: list[str]  # the expressions of the circle open at the search's time
    farthest: float | None  # distance of the ``nearest``-th match (None: not asked, or no area)
    # (south, north, west, east) of the matches within ``farthest`` (a little more), when the
    # positions were given: the page's rows lie in it.
    nearest_box: tuple[float, float, float, float] | None = None
    # The same matches (those within ``farthest``, ties and rounding included), as the rows the
    # caller gave: every row the page lists is among them.
    nearest_rows: np.ndarray | None = None


def bit_counts(bits: np.ndarray, width: int) -> np.ndarray:
    """How many of ``bits`` (non-negative integers below 2**width) have each of their ``width``
    low bits set."""
    # A listing's bits take few distinct values: count each value once (np.bincount), then
    # spread the counts of the values that occur over their bits.
    per_value = np.bincount(np.asarray(bits, dtype=np.int64), minlength=1)
    values = np.flatnonzero(per_value)
    if len(values) > 4096:  # many distinct values (not a directory's): one bit row per listing
        as_bytes = np.asarray(bits).astype("<u4").view(np.uint8).reshape(-1, 4)
        return np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :width].sum(axis=0)
    has = (values[:, None] >> np.arange(width)) & 1
    return per_value[values] @ has


def _flag(table: pa.Table, name: str) -> np.ndarray:
    # A filter that SQL answers NULL for a row (a NULL column) does not hold, as in a WHERE.
    return pc.fill_null(table.column(name), False).to_numpy(zero_copy_only=False).astype(bool)


def count_circle(
    cur: duckdb.DuckDBPyConnection,
    area: Area | None,
    conditions: dict[str, Condition],
    *,
    open_now: bool,
    when: datetime,
    nearest: int = 0,
) -> Counts:
    """Count the circle of ``area`` (everywhere when None) under ``conditions`` (from
    courtcircuit.search_filters.filter_sql), "open now" at ``when`` applied when ``open_now``.

    ``nearest``: also give the distance of the nearest-th match, so that the rows can be read
    from a circle that small."""
    active = {name: cond for name, cond in conditions.items() if cond != TRUE}
    flags = "".join(f", {sql} AS f_{name}" for name, (sql, _) in active.items())
    wanted = ("opening_hours", "distance_km", *(bits for bits, *_ in FACET_BITS.values()))
    # The text and slot filters also read the name, description, products and id.
    read = (*wanted[:1], *wanted[2:], *(("id", "name", "description", "products") if active else ()))
    circle, circle_params = area_sql(area, read)
    table = cur.execute(
        f"SELECT {', '.join(wanted)}{flags} FROM ({circle})",  # noqa: S608 - constants; values are parameters
        [p for _, params in active.values() for p in params] + circle_params,
    ).to_arrow_table()

    # Each distinct expression evaluated once; rows get theirs through the dictionary code.
    hours = pc.dictionary_encode(table.column("opening_hours")).combine_chunks()
    expressions = hours.dictionary.to_pylist()
    codes = pc.fill_null(hours.indices, len(expressions)).to_numpy(zero_copy_only=False)
    return tally(
        {
            facet: table.column(bits).to_numpy(zero_copy_only=False)
            for facet, (bits, *_) in FACET_BITS.items()
        },
        codes,
        expressions,
        table.column("distance_km").to_numpy(zero_copy_only=False) if area is not None else None,
        {name: _flag(table, f"f_{name}") for name in active},
        open_now=open_now,
        when=when,
        nearest=nearest,
    )


def tally(
    bits: dict[str, np.ndarray],
    codes: np.ndarray,
    expressions: Sequence[str],
    distances: np.ndarray | None,
    passing: dict[str, np.ndarray],
    *,
    open_now: bool,
    when: datetime,
    nearest: int = 0,
    positions: tuple[np.ndarray, np.ndarray] | None = None,
    rows: np.ndarray | None = None,
) -> Counts:
    """The counts of a circle's listings, given per listing: its facet bits (facet -> array),
    its opening-hours expression as a code into ``expressions`` (``len(expressions)``: none),
    its distance (None: no area) and whether it passes each active filter (name -> array).
    ``positions`` (lat, lon per listing): also give the box of the ``nearest`` matches;
    ``rows`` (an identifier per listing): also give theirs.

    Only the expressions that occur among ``codes`` are evaluated at ``when``."""
    occurring = np.flatnonzero(np.bincount(codes, minlength=len(expressions) + 1)[: len(expressions)])
    open_hours = open_expressions([expressions[code] for code in occurring], when)
    opened = set(open_hours)
    # A directory may hold thousands of expressions, a circle a few dozen: only those are looked at.
    is_open = np.zeros(len(expressions) + 1, dtype=bool)  # last: no hours
    is_open[[code for code in occurring.tolist() if expressions[code] in opened]] = True
    open_rows = is_open[codes]
    everything = np.ones(len(codes), dtype=bool)

    def all_but(skip: str | None) -> np.ndarray:
        kept = everything.copy()
        for name, rows in passing.items():
            if name != skip:
                kept &= rows
        return kept

    counted = open_rows if open_now else everything
    matching = all_but(None)
    facets = {}
    for facet, (_, _, _, vocab) in FACET_BITS.items():
        found = bit_counts(bits[facet][all_but(facet) & counted], len(vocab.codes()))
        facets[facet] = {code: int(n) for code, n in zip(vocab.codes(), found, strict=True)}
    farthest, box, nearest_rows = None, None, None
    if nearest and distances is not None:
        near = distances[matching & counted]
        farthest = float(np.partition(near, nearest - 1)[nearest - 1] if len(near) > nearest else
                         near.max(initial=0.0))  # fmt: skip
        # Within rounding of the farthest too: distances compared with SQL's to the last bits.
        within = matching & counted & (distances <= farthest * (1 + 1e-9))
        if positions is not None and within.any():
            lat, lon = positions[0][within], positions[1][within]
            box = (float(lat.min()), float(lat.max()), float(lon.min()), float(lon.max()))
        if rows is not None:
            nearest_rows = rows[within]
    return Counts(
        facets,
        in_area=len(codes),
        total=int((matching & counted).sum()),
        open_now=int((matching & open_rows).sum()),
        open_hours=open_hours,
        farthest=farthest,
        nearest_box=box,
        nearest_rows=nearest_rows,
    )
