"""The staff space's read queries (no Streamlit): finding a listing to edit within a territory,
and the latest revisions of every listing for the admins' edit log.

Every value typed reaches SQL as a ``?`` parameter; the SQL text is assembled only from
constants of this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
from sqlalchemy import select

from courtcircuit.vocab import fold
from courtcircuit.workspace.models import Revision
from courtcircuit.workspace.revisions import RevisionView
from courtcircuit.workspace.store import Store

# The folds are the SQL twin of vocab.fold (as in courtcircuit/search.py). The first parameter
# says whether to search everywhere; otherwise the commune or its département must be listed.
_FIND = """
SELECT id, name, kind, city, commune_insee, status FROM listings
WHERE (
    trim(regexp_replace(strip_accents(replace(replace(lower(name), 'œ', 'oe'), 'æ', 'ae')), '[^a-z0-9]+', ' ', 'g'))
        LIKE ?
    OR trim(regexp_replace(strip_accents(replace(replace(lower(coalesce(city, '')), 'œ', 'oe'), 'æ', 'ae')),
        '[^a-z0-9]+', ' ', 'g')) LIKE ?
    OR coalesce(postcode, '') LIKE ? OR id = ?
) AND (
    ? OR commune_insee IN (SELECT unnest(?::VARCHAR[]))
    OR (CASE WHEN commune_insee LIKE '97%' OR commune_insee LIKE '98%' THEN left(commune_insee, 3)
        ELSE left(commune_insee, 2) END) IN (SELECT unnest(?::VARCHAR[]))
)
ORDER BY name, city, id LIMIT ?
"""


@dataclass(frozen=True)
class FoundListing:
    id: str
    name: str
    kind: str
    city: str | None
    commune_insee: str | None
    status: str

    def label(self) -> str:
        closed = " (fermée)" if self.status == "closed" else ""
        return f"{self.name} · {self.city or 'commune inconnue'}{closed}"


def find_listings(
    con: duckdb.DuckDBPyConnection, text: str, territory: tuple[str, ...] | None = None, limit: int = 50
) -> list[FoundListing]:
    """Listings whose name or commune contains ``text`` (accents and case ignored), or with that
    id or postcode; only inside ``territory`` (INSEE codes of départements and communes) unless
    it is None. Closed listings are found too: staff may reopen them."""
    folded = fold(text)
    if not folded:
        return []
    pattern = f"%{folded}%"
    codes = territory or ()
    params = [
        pattern, pattern, f"{text.strip()}%", text.strip(), territory is None,
        [c for c in codes if len(c) > 3], [c for c in codes if len(c) <= 3], limit,
    ]  # fmt: skip
    cur = con.cursor()
    try:
        rows = cur.execute(_FIND, params).fetchall()
    finally:
        cur.close()
    return [FoundListing(*row) for row in rows]


def recent_revisions(store: Store, limit: int = 200) -> list[RevisionView]:
    """The latest revisions of all listings, newest first: the admins' edit log."""
    with store.session() as s:
        rows = s.scalars(select(Revision).order_by(Revision.at.desc(), Revision.id.desc()).limit(limit))
        return [
            RevisionView(r.id, r.listing_id, r.number, r.author, r.at, r.kind,
                         {k: (v[0], v[1]) for k, v in r.changes.items()}, r.reason, r.reverts)
            for r in rows
        ]  # fmt: skip


def listing_communes(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, str | None]:
    """Listing id → its commune (INSEE), to tell which listings a member may change."""
    if not ids:
        return {}
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT id, commune_insee FROM listings WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]
        ).fetchall()
    finally:
        cur.close()
    return dict(rows)
