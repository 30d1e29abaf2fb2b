"""Everything known about one listing, and the places it is linked to (no Streamlit)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode

import duckdb

from courtcircuit.schema import LISTINGS
from courtcircuit.vocab import KINDS

# The schema's columns: not geom nor the facet bits, which are derived from them.
_ONE_LISTING = f"SELECT {', '.join(LISTINGS.names())} FROM listings WHERE id = ?"  # noqa: S608 - schema names


@dataclass(frozen=True)
class SourceRef:
    name: str
    label: str
    ref: str | None
    date: date | None
    licence: str | None
    demo: bool


@dataclass(frozen=True)
class LinkedListing:
    id: str
    name: str
    kind: str
    city: str | None
    days: str | None  # when the producer is there, as the source wrote it


@dataclass(frozen=True)
class ListingDetail:
    fields: dict[str, object]  # every column of the listings table but geom
    sources: list[SourceRef]
    sells_at: list[LinkedListing]  # for a producer: markets, AMAPs, shops where it sells
    sellers: list[LinkedListing]  # for a market, shop or AMAP: producers who sell there

    def __getitem__(self, column: str) -> object:
        return self.fields[column]

    @property
    def id(self) -> str:
        return str(self.fields["id"])

    @property
    def name(self) -> str:
        return str(self.fields["name"])

    @property
    def kind_label(self) -> str:
        kind = str(self.fields["kind"])
        return KINDS.label(kind) if kind in KINDS else kind

    @property
    def provenance(self) -> dict[str, dict[str, str]]:
        raw = self.fields.get("field_provenance")
        return json.loads(raw) if isinstance(raw, str) else dict(raw or {})

    def address(self) -> str:
        parts = [
            self.fields.get("street"),
            " ".join(p for p in (self.fields.get("postcode"), self.fields.get("city")) if p),
        ]
        return ", ".join(str(p) for p in parts if p)


def directions(lat: float, lon: float, name: str) -> dict[str, str]:
    """Links to get there: a geo: URI (phones open their maps app) and OpenStreetMap's router."""
    return {
        "geo": f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}({quote(name)})",
        "osm": "https://www.openstreetmap.org/directions?"
        + urlencode({"to": f"{lat:.6f},{lon:.6f}", "route": f";{lat:.6f},{lon:.6f}"}),
        "osm_map": f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=17/{lat:.6f}/{lon:.6f}",
    }


_LINKED = (
    "SELECT l.id, l.name, l.kind, l.city, k.days FROM listing_links k JOIN listings l ON l.id = k.{other} "
    "WHERE k.{this} = ? AND l.status = 'active' ORDER BY l.kind, l.name, l.id"
)


def get_listing(con: duckdb.DuckDBPyConnection, listing_id: str) -> ListingDetail | None:
    """The listing with this id (closed ones too: a shared link must say it closed), or None."""
    cur = con.cursor()
    try:
        row = cur.execute(_ONE_LISTING, [listing_id]).fetchone()
        if row is None:
            return None
        fields = dict(zip([d[0] for d in cur.description], row, strict=True))
        sources = [
            SourceRef(*r)
            for r in cur.execute(
                "SELECT s.source, coalesce(src.label, s.source), s.source_ref, s.source_date, src.licence, "
                "coalesce(src.demo, false) FROM listing_sources s LEFT JOIN sources src ON src.name = s.source "
                "WHERE s.listing_id = ? ORDER BY s.precedence, s.source, s.source_ref",
                [listing_id],
            ).fetchall()
        ]
        # Same query text both ways; only our constant column names are substituted.
        sells_at = [
            LinkedListing(*r)
            for r in cur.execute(
                _LINKED.format(other="outlet_id", this="producer_id"), [listing_id]
            ).fetchall()
        ]
        sellers = [
            LinkedListing(*r)
            for r in cur.execute(
                _LINKED.format(other="producer_id", this="outlet_id"), [listing_id]
            ).fetchall()
        ]
    finally:
        cur.close()
    return ListingDetail(fields, sources, _dedupe(sells_at), _dedupe(sellers))


def _dedupe(links: list[LinkedListing]) -> list[LinkedListing]:
    """One line per linked listing: two sources may state the same link (days kept if any says them)."""
    seen: dict[str, LinkedListing] = {}
    for link in links:
        if link.id not in seen or (link.days and not seen[link.id].days):
            seen[link.id] = link
    return list(seen.values())
