"""Where can I buy local food near here? The resident search, as plain queries (no Streamlit).

One call, :func:`search`, answers a search: for each filter option how many listings it would
give in the circle (the counts shown beside each option), how many are open now, how many match,
and the rows the page shows (the nearest ``limit`` matches from ``offset``). :func:`matches`
gives other rows of the same answer (the map's points, the downloads) when the page needs them.

How the circle is found fast: the listings table is written in Hilbert order of the
positions, so DuckDB's per-row-group min/max of ``lat`` and ``lon`` skips most of the file for
a bounding-box predicate; the exact great-circle distance is then computed only for the rows
inside the box. ``bench/search.py`` measures this against a full scan and geopandas.

The counts take one pass over the circle (courtcircuit.search_counts: a few integers per
listing, counted in numpy; each distinct opening-hours expression evaluated once). The page's
rows then come from a circle no wider than the farthest of them.

The filters and their SQL are in courtcircuit.search_filters. Every user value reaches SQL as
a ``?`` parameter; the SQL text is assembled only from constants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd

from courtcircuit.geo import EARTH_RADIUS_KM, Area
from courtcircuit.messages import Message
from courtcircuit.schema import FACET_BITS, RESULT_COLUMNS
from courtcircuit.search_cards import SearchCards, as_frame
from courtcircuit.search_counts import PARIS, Counts, area_sql, count_circle, open_expressions
from courtcircuit.search_filters import FACETS, Condition, Filters, both, filter_sql, text_terms
from courtcircuit.search_index import SearchIndex

# Re-exported: callers of search() build the Area and the Filters here; the benchmark times the
# circle query alone (_area_sql); the listing page evaluates hours as search does.
__all__ = [
    "EARTH_RADIUS_KM", "FACETS", "PARIS", "Area", "Filters", "SearchIndex", "open_expressions", "text_terms"
]  # fmt: skip
_area_sql = area_sql

RADIUS_MIN_KM, RADIUS_MAX_KM = 1.0, 100.0
# What a map marker needs (ui.mapview), and the commune for the département outlines.
MAP_COLUMNS = (*RESULT_COLUMNS[:3], "commune_insee", "lat", "lon")
ANY = Filters()  # no filter (a module-level default: Filters is frozen)


@dataclass
class SearchResult:
    listings: pd.DataFrame  # the columns asked + distance_km: matches from ``offset``, nearest first
    facets: dict[str, dict[str, int]]  # facet -> option code -> count with the other filters
    open_now_count: int  # how many would remain with "ouvert maintenant" ticked
    in_area: int  # listings in the circle before any filter
    when: datetime  # the "now" used for "ouvert maintenant"
    total: int = -1  # all matches; ``listings`` holds ``limit`` of them from ``offset``
    notes: list[str] = field(default_factory=list)
    offset: int = 0  # rank of the first row of ``listings`` among the matches
    open_hours: tuple[str, ...] = ()  # the opening-hours expressions open at ``when`` (for matches())

    def __post_init__(self) -> None:
        if self.total < 0:
            self.total = self.offset + len(self.listings)

    @property
    def truncated(self) -> bool:
        """Some matches are not in ``listings`` (beyond its last row)."""
        return self.total > self.offset + len(self.listings)


# The columns the filters read, besides those a caller wants back.
_FILTER_COLUMNS = (
    "id", "name", "description", "products", "opening_hours", *(bits for bits, *_ in FACET_BITS.values())
)  # fmt: skip
# search() reads the nearest offset + limit matches from a circle only as wide as the farthest
# of them, whose distance the counting pass gives; beyond this many, from the whole circle.
NEAREST_MAX = 20_000


def _rows(
    cur: duckdb.DuckDBPyConnection,
    area: Area | None,
    conditions: dict[str, Condition],
    open_hours: Sequence[str] | None,
    columns: Sequence[str],
    limit: int,
    offset: int,
    box: tuple[float, float, float, float] | None = None,
) -> pd.DataFrame:
    """The matches ranked ``offset`` to ``offset + limit``: nearest first, then by name and id.
    ``box`` (south, north, west, east): a box known to hold every match ranked before
    ``offset + limit`` (the index gives it): DuckDB then reads fewer row groups.

    With a SQL LIMIT of 50 rows or fewer, DuckDB would fetch the other columns by a row-id join
    that reads the whole table (its "late materialisation": 18 ms at 10^6 listings, for 20
    rows); it is turned off on this cursor, and the top rows are taken inside the circle."""
    # The filters read columns the caller may not want back (the facet bits, the description…).
    read = [*columns, *_FILTER_COLUMNS, *(("lat", "lon") if box is not None else ())]
    area_sql, area_params = _area_sql(area, list(dict.fromkeys(read)))
    kept = list(conditions.values())
    if open_hours is not None:
        kept.append(("list_contains(?::VARCHAR[], opening_hours)", [list(open_hours)]))
    if box is not None:
        kept.append(("lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?", list(box)))
    where, params = both(*kept)
    sql = (
        f"SELECT {', '.join(columns)}, distance_km FROM ({area_sql}) WHERE {where} "
        "ORDER BY distance_km NULLS LAST, name, id LIMIT ? OFFSET ?"
    )
    cur.execute("SET late_materialization_max_rows = 0")
    return as_frame(cur.execute(sql, [*area_params, *params, limit, offset]).to_arrow_table())


def search(
    con: duckdb.DuckDBPyConnection,
    area: Area | None,
    filters: Filters = ANY,
    *,
    now: datetime | None = None,
    limit: int = 20_000,
    offset: int = 0,
    index: SearchIndex | None = None,
    columns: Sequence[str] = RESULT_COLUMNS,
) -> SearchResult:
    """Listings in ``area`` (everywhere when None) matching ``filters``, nearest first, with facet counts.

    The counts, in one pass over the circle, then the ``limit`` rows from rank ``offset`` (the
    page's list shows 20: only those become a data frame), read from a circle no wider than the
    farthest of them: ``columns`` of them and distance_km.

    ``index``: the directory's SearchIndex (what a server keeps per file); the counts then come
    from memory, unless a text or day/hour filter needs SQL, and so do the rows of a page of
    cards around a place (``columns`` among CARD_COLUMNS). The answer is the same either way.
    """
    when = now or datetime.now(PARIS)
    local = when.astimezone(PARIS) if when.tzinfo else when
    conditions = filter_sql(filters)
    wanted = offset + limit
    nearest = wanted if area is not None and 0 < wanted <= NEAREST_MAX else 0
    cur = con.cursor()
    try:
        if index is not None and index.answers(filters):
            counts = index.count(cur, area, filters, when=local, nearest=nearest)
        else:
            counts = count_circle(
                cur, area, conditions, open_now=filters.open_now, when=local, nearest=nearest
            )
        listings = None
        if index is not None and area is not None and SearchCards.shows(columns):
            listings = index.cards_page(cur, area, counts, columns, limit, offset)
        if listings is None:
            listings = _rows(cur, _rows_area(area, counts), conditions,
                             counts.open_hours if filters.open_now else None,
                             columns, limit, offset, counts.nearest_box)  # fmt: skip
    finally:
        cur.close()
    return SearchResult(
        listings,
        counts.facets,
        counts.open_now,
        counts.in_area,
        local,
        total=counts.total,
        offset=offset,
        open_hours=tuple(counts.open_hours),
    )


def _rows_area(area: Area | None, counts: Counts) -> Area | None:
    """The circle the page's rows are read from: no wider than the farthest of them."""
    if area is None or counts.farthest is None:
        return area
    # The wanted rows all lie within the wanted-th smallest distance (ties included); a radius a
    # little larger only adds rows that sort after them. A little larger also covers the last
    # bit of rounding between numpy's distances (the index) and SQL's.
    reach = max(counts.farthest * (1 + 1e-9), 1e-6)
    return Area(area.lat, area.lon, min(area.radius_km, reach))


def matches(
    con: duckdb.DuckDBPyConnection,
    area: Area | None,
    filters: Filters,
    result: SearchResult,
    *,
    columns: Sequence[str] = RESULT_COLUMNS,
    limit: int = 20_000,
    offset: int = 0,
) -> pd.DataFrame:
    """More rows of ``result`` (the search of ``area`` and ``filters``), in its order and with
    its "open now": ``columns`` and distance_km, ranks ``offset`` to ``offset + limit``."""
    open_hours = result.open_hours if filters.open_now else None
    cur = con.cursor()
    try:
        return _rows(cur, area, filter_sql(filters), open_hours, columns, limit, offset)
    finally:
        cur.close()


def widen_hints(result: SearchResult, area: Area | None, filters: Filters) -> list[str]:
    """What to change when nothing matches, in plain French (Messages: the interface translates
    them)."""
    if result.total:
        return []
    hints: list[str] = []
    if area is not None and area.radius_km < RADIUS_MAX_KM:
        hints.append(Message("élargir le rayon (actuellement {km} km)", km=format(area.radius_km, "g")))
    remove = {
        "kind": Message("retirer le filtre sur le type de lieu"),
        "channel": Message("retirer le filtre sur le mode de vente"),
        "label": Message("retirer le filtre sur le label"),
        "product": Message("retirer le filtre sur le produit"),
    }
    hints += [remove[f] for f in FACETS if filters.facet_values(f)]
    if filters.text.strip():
        hints.append(Message("effacer la recherche par texte"))
    if filters.open_now:
        hints.append(Message("décocher « ouvert maintenant »"))
    if filters.day is not None or filters.minute is not None:
        hints.append(Message("retirer le jour ou l'heure"))
    return hints
