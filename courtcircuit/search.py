"""Where can I buy local food near here? The resident search, as plain queries (no Streamlit).

One call, :func:`search`, answers a search: the listings inside a circle that match the
filters, sorted by distance, and for each filter option how many listings it would give in
the same circle (the counts shown beside each option).

How the circle is found fast: the listings table is written in Hilbert order of the
positions, so DuckDB's per-row-group min/max of ``lat`` and ``lon`` skips most of the file
for a bounding-box predicate; the exact great-circle distance is then computed only for the
rows inside the box. ``bench/search.py`` measures this against a full scan and geopandas.

Filters combine as people expect from a shop catalogue: options of one filter are alternatives
(a market *or* an AMAP), different filters must all hold (a market *and* organic). The count
beside an option is computed with every *other* filter applied, so ticking it gives exactly
that many results.

Every user value reaches SQL as a ``?`` parameter; the SQL text is assembled only from
constants of this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

import duckdb
import opening_hours
import pandas as pd

from courtcircuit.geo import EARTH_RADIUS_KM, Area, haversine_sql
from courtcircuit.schema import RESULT_COLUMNS
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS, fold

__all__ = ["EARTH_RADIUS_KM", "Area"]  # re-exported: callers of search() build the Area here

PARIS = ZoneInfo("Europe/Paris")
RADIUS_MIN_KM, RADIUS_MAX_KM = 1.0, 100.0


# Facet name -> (listing column, is a list column, vocabulary).
FACETS = {
    "kind": ("kind", False, KINDS),
    "channel": ("channels", True, CHANNELS),
    "label": ("labels", True, LABELS),
    "product": ("products", True, PRODUCTS),
}


@dataclass(frozen=True)
class Filters:
    """What the resident is looking for. Empty tuples mean "any"."""

    kinds: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    text: str = ""
    open_now: bool = False
    day: int | None = None  # 0 = Monday … 6 = Sunday
    minute: int | None = None  # minutes after midnight

    def facet_values(self, facet: str) -> tuple[str, ...]:
        return {"kind": self.kinds, "channel": self.channels, "label": self.labels, "product": self.products}[
            facet
        ]

    def without(self, facet: str) -> Filters:
        return replace(self, **{{"kind": "kinds"}.get(facet, facet + "s"): ()})

    @property
    def is_empty(self) -> bool:
        return self == Filters()


@dataclass
class SearchResult:
    listings: pd.DataFrame  # RESULT_COLUMNS + distance_km, nearest first
    facets: dict[str, dict[str, int]]  # facet -> option code -> count with the other filters
    open_now_count: int  # how many would remain with "ouvert maintenant" ticked
    in_area: int  # listings in the circle before any filter
    when: datetime  # the "now" used for "ouvert maintenant"
    total: int = -1  # all matches; ``listings`` holds the nearest ``limit`` of them
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.total < 0:
            self.total = len(self.listings)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.listings)


def _distance_sql() -> str:
    # Haversine on the sphere; parameters: lat, lat, lon (radians are computed in SQL).
    return haversine_sql()


def _area_sql(area: Area | None) -> tuple[str, list[object]]:
    """SELECT of active listings in the circle (or all of them), with distance_km."""
    cols = ", ".join(RESULT_COLUMNS)
    if area is None:
        return f"SELECT {cols}, CAST(NULL AS DOUBLE) AS distance_km FROM listings WHERE status = 'active'", []
    south, north, west, east = area.bbox()
    sql = (
        f"SELECT * FROM (SELECT {cols}, {_distance_sql()} AS distance_km FROM listings "
        "WHERE status = 'active' AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?) "
        "WHERE distance_km <= ?"
    )
    return sql, [area.lat, area.lat, area.lon, south, north, west, east, area.radius_km]


def text_terms(text: str) -> tuple[str, list[str]]:
    """The folded text to look for in names and descriptions, and the product codes it names."""
    folded = fold(text)
    codes = []
    for term in PRODUCTS.terms:
        words = {fold(term.fr), fold(term.en), *(fold(s) for s in term.synonyms)}
        # "oeu" as typed, or "oeufs bio": a word's beginning, or a whole word inside the text.
        if any((len(folded) >= 3 and w.startswith(folded)) or (len(w) >= 4 and w in folded) for w in words):
            codes.append(term.code)
    return folded, codes


# SQL twin of vocab.fold: lower-case, no accents, "œ" -> "oe", runs of other characters -> one space.
_FOLD_SQL = (
    "trim(regexp_replace(strip_accents(replace(replace(lower({}), 'œ', 'oe'), 'æ', 'ae')), "
    "'[^a-z0-9]+', ' ', 'g'))"
)
_FOLDED_NAME = _FOLD_SQL.format("name")
_FOLDED_DESCRIPTION = _FOLD_SQL.format("coalesce(description, '')")


def _where(
    filters: Filters, open_exprs: list[str] | None, skip: str | None = None
) -> tuple[str, list[object]]:
    """The WHERE clause (over the in-area rows) for every filter except ``skip``."""
    parts: list[str] = []
    params: list[object] = []
    for facet, (column, is_list, _) in FACETS.items():
        values = filters.facet_values(facet)
        if facet == skip or not values:
            continue
        if is_list:
            parts.append(f"list_has_any({column}, ?::VARCHAR[])")
        else:
            parts.append(f"list_contains(?::VARCHAR[], {column})")
        params.append(list(values))
    if filters.text.strip():
        folded, codes = text_terms(filters.text)
        if folded:
            # Name and description folded as vocab.fold folds the text, so "Marché d'Ambert" finds itself.
            parts.append(
                f"(contains({_FOLDED_NAME}, ?) OR contains({_FOLDED_DESCRIPTION}, ?)"
                " OR list_has_any(products, ?::VARCHAR[]))"
            )
            params += [folded, folded, codes]
        else:  # only punctuation ("%", "_"): it names nothing, and must not match everything
            parts.append("FALSE")
    if filters.day is not None or filters.minute is not None:
        slot, slot_params = _slot_sql(filters.day, filters.minute)
        parts.append(f"id IN ({slot})")
        params += slot_params
    if open_exprs is not None and skip != "open_now":
        parts.append("list_contains(?::VARCHAR[], opening_hours)")
        params.append(open_exprs)
    return (" AND ".join(parts) or "TRUE"), params


def _slot_sql(day: int | None, minute: int | None) -> tuple[str, list[object]]:
    conds, params = [], []
    if day is not None:
        conds.append("weekday = ?")
        params.append(day)
    if minute is not None:
        conds.append("start_minute <= ? AND end_minute > ?")
        params += [minute, minute]
    return f"SELECT listing_id FROM opening_slots WHERE {' AND '.join(conds)}", params


def open_expressions(expressions: Sequence[str | None], when: datetime) -> list[str]:
    """The OSM opening_hours expressions that are open at ``when`` (local time).

    "Open now" depends on the expression, not on the listing: a directory repeats a few hundred
    distinct expressions, so each is evaluated once, whatever the number of listings.
    """
    naive = when.astimezone(PARIS).replace(tzinfo=None) if when.tzinfo else when
    found = []
    for expr in dict.fromkeys(expressions):
        if not expr:
            continue
        try:
            if opening_hours.OpeningHours(expr).is_open(naive):
                found.append(expr)
        # Validated at build time; an edge case must not break search. ParserError is no ValueError.
        except (ValueError, RuntimeError, opening_hours.ParserError):
            continue
    return found


def search(
    con: duckdb.DuckDBPyConnection,
    area: Area | None,
    filters: Filters = Filters(),
    *,
    now: datetime | None = None,
    limit: int = 20_000,
) -> SearchResult:
    """Listings in ``area`` (everywhere when None) matching ``filters``, nearest first, with facet counts.

    Everything is counted in DuckDB over the circle (a CTE each query repeats: the bounding box
    makes it a few milliseconds); only the nearest ``limit`` matches come back as rows.
    """
    when = now or datetime.now(PARIS)
    local = when.astimezone(PARIS) if when.tzinfo else when
    area_sql, area_params = _area_sql(area)
    with_area = f"WITH in_area AS ({area_sql}) "
    cur = con.cursor()
    try:

        def query(sql: str, params: list[object]) -> duckdb.DuckDBPyConnection:
            return cur.execute(with_area + sql, [*area_params, *params])

        exprs = [e for (e,) in query("SELECT DISTINCT opening_hours FROM in_area", []).fetchall()]
        open_exprs = open_expressions(exprs, local)
        active_open = open_exprs if filters.open_now else None

        where, params = _where(filters, active_open)
        (total,) = query(f"SELECT count(*) FROM in_area WHERE {where}", params).fetchone()
        listings = query(
            f"SELECT * FROM in_area WHERE {where} ORDER BY distance_km NULLS LAST, name, id LIMIT ?",
            [*params, limit],
        ).df()
        (in_area,) = query("SELECT count(*) FROM in_area", []).fetchone()

        facets: dict[str, dict[str, int]] = {}
        for facet, (column, is_list, vocab) in FACETS.items():
            where_f, params_f = _where(filters, active_open, skip=facet)
            value = f"unnest({column})" if is_list else column
            counts = dict(
                query(
                    f"SELECT v, count(*) FROM (SELECT {value} AS v FROM in_area WHERE {where_f}) GROUP BY v",
                    params_f,
                ).fetchall()
            )
            facets[facet] = {code: int(counts.get(code, 0)) for code in vocab.codes()}
        where_o, params_o = _where(filters, open_exprs)
        (open_count,) = query(f"SELECT count(*) FROM in_area WHERE {where_o}", params_o).fetchone()
    finally:
        cur.close()
    return SearchResult(listings, facets, int(open_count), int(in_area), local, total=int(total))


def widen_hints(result: SearchResult, area: Area | None, filters: Filters) -> list[str]:
    """What to change when nothing matches, in plain French."""
    if result.total:
        return []
    hints = []
    if area is not None and area.radius_km < RADIUS_MAX_KM:
        hints.append(f"élargir le rayon (actuellement {area.radius_km:g} km)")
    active = [f for f in FACETS if filters.facet_values(f)]
    labels = {
        "kind": "le type de lieu",
        "channel": "le mode de vente",
        "label": "le label",
        "product": "le produit",
    }
    hints += [f"retirer le filtre sur {labels[f]}" for f in active]
    if filters.text.strip():
        hints.append("effacer la recherche par texte")
    if filters.open_now:
        hints.append("décocher « ouvert maintenant »")
    if filters.day is not None or filters.minute is not None:
        hints.append("retirer le jour ou l'heure")
    return hints
