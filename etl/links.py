"""Producer ↔ outlet links: the markets, AMAPs and shops where a producer sells.

Sources name the other side of a link in free text ("Marché d'Ambert", "GAEC des Combes");
after de-duplication each name is matched to a listing of a fitting kind nearby.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from courtcircuit.geo import haversine_km
from courtcircuit.record import FieldIssue
from etl.resolve import GoldenListing, name_score

OUTLET_KINDS = ("marche", "amap", "point_de_vente", "magasin_producteurs", "drive", "distributeur")
MAX_KM = 80.0
MIN_SCORE = 85.0
# Grid cells wider than MAX_KM (0.75° of latitude ≈ 83 km; 1.2° of longitude ≥ 80 km up to
# 52°N), so the 3×3 cells around a listing hold every candidate within MAX_KM.
CELL_DEG = (0.75, 1.2)


@dataclass(frozen=True)
class Link:
    producer_id: str
    outlet_id: str
    days: str | None
    source: str
    source_ref: str


def _km(a: GoldenListing, b: GoldenListing) -> float:
    return haversine_km(*a.position, *b.position)


def _cell(listing: GoldenListing) -> tuple[int, int]:
    lat, lon = listing.position
    return math.floor(lat / CELL_DEG[0]), math.floor(lon / CELL_DEG[1])


def resolve_links(listings: list[GoldenListing]) -> tuple[list[Link], list[tuple[str, str, FieldIssue]]]:
    """Links found, and (source, ref, issue) for each name that matched no listing."""
    grid: dict[tuple[str, int, int], list[GoldenListing]] = {}
    for listing in listings:
        grid.setdefault((str(listing.fields.kind), *_cell(listing)), []).append(listing)
    links: dict[tuple[str, str], Link] = {}
    unresolved: list[tuple[str, str, FieldIssue]] = []
    for listing in listings:
        for rec in listing.members:
            for ref in rec.outlets:
                kinds = (ref.kind,) if ref.kind else OUTLET_KINDS
                cy, cx = _cell(listing)
                pool = [
                    c
                    for k in kinds
                    for dy in (-1, 0, 1)
                    for dx in (-1, 0, 1)
                    for c in grid.get((k, cy + dy, cx + dx), ())
                    if c.id != listing.id and _km(listing, c) <= MAX_KM
                ]
                # Any member's name counts: the source naming the link may use another spelling.
                scored = [(max(name_score(ref.name, m.name) for m in c.members), c.id, c) for c in pool]
                best = max(scored, default=None, key=lambda t: (t[0], t[1]))
                if best is None or best[0] < MIN_SCORE:
                    unresolved.append(
                        (
                            rec.source,
                            rec.ref,
                            FieldIssue("outlets", ref.name, f"lieu lié introuvable : « {ref.name} »"),
                        )
                    )
                    continue
                other = best[2]
                producer, outlet = (other, listing) if ref.kind == "producteur" else (listing, other)
                links.setdefault(
                    (producer.id, outlet.id), Link(producer.id, outlet.id, ref.days, rec.source, rec.ref)
                )
    return sorted(links.values(), key=lambda link: (link.producer_id, link.outlet_id)), unresolved
