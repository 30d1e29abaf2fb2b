"""Producer ↔ outlet links: the markets, AMAPs and shops where a producer sells.

Sources name the other side of a link in free text ("Marché d'Ambert", "GAEC des Combes");
after de-duplication each name is matched to a listing of a fitting kind nearby: the best
name score (`etl.resolve.name_score`, at least MIN_SCORE) among the listings within MAX_KM,
the greatest id on a tie.

Scoring every name against every listing within 80 km was quadratic (80,000 records took
15 minutes), so the names are indexed once (`etl.link_index`): rapidfuzz compares a name with
the distinct keys of the cells around it, and only the listings bearing a key that scores at
least MIN_SCORE are looked at, best first, until one is close enough.
"""

from __future__ import annotations

from dataclasses import dataclass

from courtcircuit.record import FieldIssue
from etl.golden import GoldenListing
from etl.link_index import LinkIndex


@dataclass(frozen=True)
class Link:
    producer_id: str
    outlet_id: str
    days: str | None
    source: str
    source_ref: str


def resolve_links(listings: list[GoldenListing]) -> tuple[list[Link], list[tuple[str, str, FieldIssue]]]:
    """Links found, and (source, ref, issue) for each name that matched no listing."""
    index = LinkIndex(listings)
    links: dict[tuple[str, str], Link] = {}
    unresolved: list[tuple[str, str, FieldIssue]] = []
    for listing in listings:
        for rec in listing.members:
            for ref in rec.outlets:
                other = index.best(listing, ref.name, ref.kind)
                if other is None:
                    unresolved.append(
                        (
                            rec.source,
                            rec.ref,
                            FieldIssue("outlets", ref.name, f"lieu lié introuvable : « {ref.name} »"),
                        )
                    )
                    continue
                producer, outlet = (other, listing) if ref.kind == "producteur" else (listing, other)
                links.setdefault(
                    (producer.id, outlet.id), Link(producer.id, outlet.id, ref.days, rec.source, rec.ref)
                )
    return sorted(links.values(), key=lambda link: (link.producer_id, link.outlet_id)), unresolved
