"""Data quality at a glance (no Streamlit): per source, within a territory, how complete the
listings are (phone, hours, labels, products, an exact position), how many were not verified
for a year, and the rows each source had rejected with their reasons.

A listing counts for every source that feeds it (``listing_sources``), so a source's column says
what its listings look like in the directory, merged values included. Territory filters are the
staff territory's INSEE codes (départements or communes), the same rule as the "À vérifier" list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from courtcircuit.staff_verify import months_before, stale_months

# field label → SQL condition saying the listing has it (constants only).
COMPLETENESS: dict[str, str] = {
    "Téléphone": "l.phone IS NOT NULL",
    "E-mail ou site web": "l.email IS NOT NULL OR l.website IS NOT NULL",
    "Horaires": "l.opening_hours IS NOT NULL",
    "Labels": "len(coalesce(l.labels, [])) > 0",
    "Produits": "l.kind <> 'producteur' OR len(coalesce(l.products, [])) > 0",
    "Position exacte": "l.geo_precision = 'exact'",
    "Vérifiée depuis un an": "l.last_verified >= ?",
}
_IN_TERRITORY = (
    "(? OR l.commune_insee IN (SELECT unnest(?::VARCHAR[])) OR (CASE WHEN l.commune_insee LIKE '97%' "
    "OR l.commune_insee LIKE '98%' THEN left(l.commune_insee, 3) ELSE left(l.commune_insee, 2) END) "
    "IN (SELECT unnest(?::VARCHAR[])))"
)


@dataclass(frozen=True)
class QualityReport:
    completeness: pd.DataFrame  # source, listings, then one % column per COMPLETENESS label
    rejected: pd.DataFrame  # source, reason, rows (the source's rejected rows by reason)
    rejected_rows: pd.DataFrame  # source, record_ref, field, value, reason (first rows)


def _territory(codes: tuple[str, ...] | None) -> list[object]:
    return [codes is None, list(codes or ()), list(codes or ())]


def quality(
    con: duckdb.DuckDBPyConnection,
    territory: tuple[str, ...] | None,
    today: date | None = None,
    sample: int = 500,
) -> QualityReport:
    """The quality tables of the listings inside ``territory`` (None: everywhere)."""
    since = months_before(today or date.today(), stale_months())
    shares = ", ".join(
        f'round(100.0 * count(*) FILTER (WHERE {condition}) / count(*), 1) AS "{label}"'
        for label, condition in COMPLETENESS.items()
    )
    cur = con.cursor()
    try:
        completeness = cur.execute(
            f"SELECT coalesce(src.label, s.source) AS source, count(*) AS listings, {shares} "  # noqa: S608
            "FROM listings l JOIN (SELECT DISTINCT listing_id, source FROM listing_sources) s ON s.listing_id = l.id "
            "LEFT JOIN sources src ON src.name = s.source "
            f"WHERE l.status <> 'closed' AND {_IN_TERRITORY} GROUP BY 1 ORDER BY listings DESC, source",
            [since, *_territory(territory)],
        ).df()
        # Rejected rows have no listing, so no commune: they are shown per source, for every
        # source that has listings in the territory (or all of them).
        sources = (
            "(SELECT DISTINCT s.source FROM listing_sources s JOIN listings l ON l.id = s.listing_id WHERE "
        )
        sources += _IN_TERRITORY + ")"
        rejected = cur.execute(
            "SELECT coalesce(src.label, r.source) AS source, r.reason, count(*) AS rows FROM rejected r "  # noqa: S608
            f"LEFT JOIN sources src ON src.name = r.source WHERE r.source IN {sources} "
            "GROUP BY 1, 2 ORDER BY rows DESC, source, reason",
            _territory(territory),
        ).df()
        rows = cur.execute(
            "SELECT coalesce(src.label, r.source) AS source, r.record_ref, r.field, r.value, r.reason "  # noqa: S608
            f"FROM rejected r LEFT JOIN sources src ON src.name = r.source WHERE r.source IN {sources} "
            "ORDER BY source, r.record_ref LIMIT ?",
            [*_territory(territory), sample],
        ).df()
    finally:
        cur.close()
    return QualityReport(completeness, rejected, rows)


def missing(
    con: duckdb.DuckDBPyConnection, territory: tuple[str, ...] | None, label: str, limit: int = 500
) -> pd.DataFrame:
    """The open listings of the territory lacking ``label`` (a COMPLETENESS key): id, name, kind,
    city, last_verified, the least recently verified first."""
    condition = COMPLETENESS[label]  # KeyError for anything else: never text from outside
    params: list[object] = [months_before(date.today(), stale_months())] if "?" in condition else []
    cur = con.cursor()
    try:
        return cur.execute(
            "SELECT l.id, l.name, l.kind, l.city, l.last_verified FROM listings l "  # noqa: S608
            f"WHERE l.status <> 'closed' AND NOT coalesce({condition}, false) AND {_IN_TERRITORY} "
            "ORDER BY l.last_verified NULLS FIRST, l.name, l.id LIMIT ?",
            [*params, *_territory(territory), limit],
        ).df()
    finally:
        cur.close()
