"""The staff space's "À vérifier" list (no Streamlit): within a territory, the open listings not
verified for ``COURT_CIRCUIT_STALE_MONTHS`` months (12 by default) or never, oldest first; a
"Vérifié aujourd'hui" revision; the list as a CSV for a calling campaign; and, per commune, how
many listings were checked this year.

Every value reaches SQL as a ``?`` parameter; the SQL text is built from this module's constants.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from courtcircuit.export import neutralise, readable_phone
from courtcircuit.workspace import revisions
from courtcircuit.workspace.revisions import EditConflict, RevisionView
from courtcircuit.workspace.store import Store

ENV_VAR = "COURT_CIRCUIT_STALE_MONTHS"
DEFAULT_MONTHS = 12
LIMIT = 20_000  # listings listed (and downloaded) at most

# Everywhere (first parameter), or the commune or its département is listed (as staff_queries).
_IN_TERRITORY = """(
    ? OR commune_insee IN (SELECT unnest(?::VARCHAR[]))
    OR (CASE WHEN commune_insee LIKE '97%' OR commune_insee LIKE '98%' THEN left(commune_insee, 3)
        ELSE left(commune_insee, 2) END) IN (SELECT unnest(?::VARCHAR[]))
)"""
_STALE = f"""
SELECT id, name, kind, city, commune_insee, phone, email, last_verified FROM listings
WHERE status <> 'closed' AND (last_verified IS NULL OR last_verified < ?) AND {_IN_TERRITORY}
ORDER BY last_verified NULLS FIRST, name, id LIMIT ?
"""  # noqa: S608 - module constants only
_COUNTS = f"""
SELECT commune_insee, min(city) AS city, count(*) FILTER (WHERE last_verified >= ?) AS checked,
       count(*) AS total
FROM listings WHERE status <> 'closed' AND {_IN_TERRITORY}
GROUP BY commune_insee ORDER BY min(city), commune_insee
"""  # noqa: S608 - module constants only
CSV_HEADERS = ("nom", "commune", "telephone", "email", "derniere_verification")


def stale_months() -> int:
    """``COURT_CIRCUIT_STALE_MONTHS`` (a whole number of months, at least 1), else 12."""
    try:
        months = int(os.environ.get(ENV_VAR, "").strip() or DEFAULT_MONTHS)
    except ValueError:
        return DEFAULT_MONTHS
    return max(months, 1)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class StaleListing:
    id: str
    name: str
    kind: str
    city: str | None
    commune_insee: str | None
    phone: str | None
    email: str | None
    last_verified: date | None


@dataclass(frozen=True)
class CommuneCount:
    commune_insee: str | None
    city: str | None
    checked: int  # verified since 1 January
    total: int


def _territory_params(territory: tuple[str, ...] | None) -> list[Any]:
    codes = territory or ()
    return [territory is None, [c for c in codes if len(c) > 3], [c for c in codes if len(c) <= 3]]


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[tuple]:
    cur = con.cursor()
    try:
        return cur.execute(sql, params).fetchall()
    finally:
        cur.close()


def stale_listings(
    con: duckdb.DuckDBPyConnection,
    territory: tuple[str, ...] | None,
    today: date | None = None,
    months: int | None = None,
    limit: int = LIMIT,
) -> list[StaleListing]:
    """Open listings inside ``territory`` (INSEE codes; None: everywhere) last verified more than
    ``months`` ago or never, the never verified first, then the oldest."""
    cutoff = months_before(today or date.today(), months or stale_months())
    rows = _rows(con, _STALE, [cutoff, *_territory_params(territory), limit])
    return [StaleListing(*row) for row in rows]


def commune_counts(
    con: duckdb.DuckDBPyConnection, territory: tuple[str, ...] | None, today: date | None = None
) -> list[CommuneCount]:
    """Per commune of the territory: open listings verified since 1 January, and all of them."""
    since = date((today or date.today()).year, 1, 1)
    return [CommuneCount(*row) for row in _rows(con, _COUNTS, [since, *_territory_params(territory)])]


def mark_verified(
    store: Store, listing_id: str, author: str, previous: date | str | None, today: date | None = None
) -> RevisionView:
    """A revision of kind "verify" setting the listing's last verification to today (retried
    once on the listing's new head if someone saved in between: it changes no other field)."""
    day = (today or date.today()).isoformat()
    old = previous.isoformat() if isinstance(previous, date) else previous
    change = {"last_verified": (old, day)}
    try:
        return revisions.save(
            store, listing_id, revisions.head(store, listing_id), change, author, kind="verify"
        )
    except EditConflict:
        return revisions.save(
            store, listing_id, revisions.head(store, listing_id), change, author, kind="verify"
        )


def calling_csv(listings: list[StaleListing]) -> bytes:
    """UTF-8 CSV with BOM, ';' separated: name, commune, phone (04 73 …), e-mail, last
    verification (dd/mm/yyyy or "jamais"); text cells cannot run as spreadsheet formulas."""
    rows = [
        [
            item.name,
            item.city or "",
            readable_phone(item.phone) if item.phone else "",
            item.email or "",
            f"{item.last_verified:%d/%m/%Y}" if item.last_verified else "jamais",
        ]
        for item in listings
    ]
    frame = pd.DataFrame([[neutralise(v) for v in row] for row in rows], columns=list(CSV_HEADERS))
    buffer = io.StringIO()
    frame.to_csv(buffer, sep=";", index=False, lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
