"""The directory side of "même lieu que…" (no Streamlit): a listing's source records, the
listings near it whose name matches what staff type, and which listing each source record
belongs to now. The decisions themselves live in ``courtcircuit.workspace.decisions``.

Every value typed reaches SQL as a ``?`` parameter; the SQL text is built from constants.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb

from courtcircuit.geo import haversine_sql
from courtcircuit.vocab import fold

SourceKey = tuple[str, str]
NEAR_KM = 5.0
_FOLDED_NAME = (
    "trim(regexp_replace(strip_accents(replace(replace(lower(name), 'œ', 'oe'), 'æ', 'ae')), "
    "'[^a-z0-9]+', ' ', 'g'))"
)
_NEARBY = (
    "SELECT id, name, city, commune_insee, " + haversine_sql() + " AS km FROM listings "  # noqa: S608 - constants
    "WHERE id <> ? AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? AND " + _FOLDED_NAME + " LIKE ? "
    "ORDER BY km, name, id LIMIT ?"
)


@dataclass(frozen=True)
class Nearby:
    id: str
    name: str
    city: str | None
    commune_insee: str | None
    km: float

    def label(self) -> str:
        distance = f"{self.km:.1f}".replace(".", ",")
        return f"{self.name} · {self.city or 'commune inconnue'} · {distance} km"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[tuple]:
    cur = con.cursor()
    try:
        return cur.execute(sql, params).fetchall()
    finally:
        cur.close()


def members(con: duckdb.DuckDBPyConnection, listing_id: str) -> list[SourceKey]:
    """The (source, ref) records merged into the listing (none for a listing staff created)."""
    sql = "SELECT source, source_ref FROM listing_sources WHERE listing_id = ? ORDER BY precedence, source, source_ref"
    return [(s, r) for s, r in _rows(con, sql, [listing_id])]


def owners(con: duckdb.DuckDBPyConnection, keys: list[SourceKey]) -> dict[SourceKey, tuple[str, str]]:
    """(source, ref) → (listing id, listing name) in the directory now."""
    if not keys:
        return {}
    sql = (
        "SELECT s.source, s.source_ref, l.id, l.name FROM listing_sources s JOIN listings l ON l.id = s.listing_id "
        "WHERE list_contains(?, s.source || chr(31) || s.source_ref)"
    )
    rows = _rows(con, sql, [[f"{s}\x1f{r}" for s, r in keys]])
    return {(s, r): (i, n) for s, r, i, n in rows}


def nearby(
    con: duckdb.DuckDBPyConnection, listing_id: str, text: str = "", km: float = NEAR_KM, limit: int = 30
) -> list[Nearby]:
    """Other listings within ``km`` of this one whose name contains ``text`` (accents and case
    ignored; every one when empty), nearest first."""
    here = _rows(con, "SELECT lat, lon FROM listings WHERE id = ?", [listing_id])
    if not here or here[0][0] is None:
        return []
    lat, lon = here[0]
    dlat = km / 111.0
    dlon = km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
    params = [
        lat,
        lat,
        lon,
        listing_id,
        lat - dlat,
        lat + dlat,
        lon - dlon,
        lon + dlon,
        f"%{fold(text)}%",
        limit,
    ]
    return [Nearby(*row) for row in _rows(con, _NEARBY, params) if row[4] <= km]
