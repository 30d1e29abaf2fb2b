"""The indexed linking and resolution give what the plain definitions give.

`etl.link_index` and `etl.resolve` avoid comparing everything with everything; here a small
generated input is solved the slow, obvious way (every pair, every listing, rapidfuzz called
directly) and the answers must be the same, ties and the 80 km edge included.
"""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from rapidfuzz import fuzz

from courtcircuit.geo import haversine_km
from courtcircuit.record import OutletRef, Record
from courtcircuit.vocab import fold
from etl.golden import GoldenListing, provenance_json
from etl.links import resolve_links
from etl.resolve import KIND_GROUP, candidate_pairs, name_score, resolve

# The words name_score leaves out (etl.name_keys.STOPWORDS), written out again.
STOP = set(
    "gaec earl scea sarl sas eurl ferme la le les l du de des d chez et au aux famille domaine "
    "exploitation marche magasin producteurs boutique".split()
)
PLACES = ["Bois Joli", "Combes", "Sagne", "Fau", "Chabrier", "Montel", "Pradeaux", "Vialle", "Grün"]
HEADS = ["GAEC", "EARL", "Ferme", "La Ferme", "Marché", "Les Jardins", "Vergers", ""]
KINDS = ["producteur", "producteur", "producteur", "marche", "amap", "point_de_vente", "magasin_producteurs"]


def spelled(rng: random.Random, place: str) -> str:
    """The place as a row may write it: another head word, a typo, the words swapped or glued."""
    name = place
    roll = rng.random()
    if roll < 0.15 and len(name) > 4:
        cut = rng.randrange(1, len(name) - 1)
        name = name[:cut] + name[cut + 1 :]
    elif roll < 0.25:
        name = " ".join(reversed(name.split()))
    elif roll < 0.3:
        name = name.replace(" ", "")
    head = rng.choice(HEADS)
    if rng.random() < 0.05:
        return head or "La Ferme"  # only words that say what, not which: compared whole
    return f"{head} des {name}".strip() if head else name


def records(seed: int, n: int) -> list[Record]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        source = rng.choice(("a", "b", "c"))
        # About 3° × 4°: several 0.75° × 1.2° cells, and many pairs around 80 km.
        lat, lon = 44.0 + rng.random() * 3, 1.0 + rng.random() * 4
        vague = rng.random() < 0.1
        r = Record(
            source=source,
            ref=f"{source}-{i}",
            kind=rng.choice(KINDS),
            name=spelled(rng, rng.choice(PLACES)),
            lat=round(lat, 5),
            lon=round(lon, 5),
            geo_precision="commune" if vague else "exact",
            commune_insee=rng.choice(("63003", "63004", "43001")),
            source_date=date(2026, 1, 1 + i % 28) if source != "c" else None,
            phone=rng.choice((None, "+33465710000", "+33465710001")),
            street=rng.choice((None, "", "Le Bourg", "Rue de l'Église")),
        )
        if i and rng.random() < 0.3:  # a twin of an earlier record, a few metres away
            twin = out[rng.randrange(len(out))]
            r.lat, r.lon, r.kind = twin.lat + rng.uniform(-0.001, 0.001), twin.lon, twin.kind
        for _ in range(rng.choice((0, 0, 1, 2))):
            kind = rng.choice((None, "producteur", "marche", "amap"))
            days = rng.choice((None, "samedi"))
            r.outlets.append(OutletRef(spelled(rng, rng.choice(PLACES)), kind, days))
        out.append(r)
    return out


def plain_score(a: str, b: str) -> float:
    fa, fb = fold(a), fold(b)
    ka = " ".join(w for w in fa.split() if w not in STOP)
    kb = " ".join(w for w in fb.split() if w not in STOP)
    if not ka or not kb:
        return fuzz.token_set_ratio(fa, fb)
    return max(fuzz.token_sort_ratio(ka, kb), fuzz.ratio(ka.replace(" ", ""), kb.replace(" ", "")))


def plain_links(listings: list[GoldenListing]) -> tuple[set[tuple[str, str, str | None]], int]:
    """Every listing of a fitting kind within 80 km scored, the best (score, id) kept."""
    outlets = ("marche", "amap", "point_de_vente", "magasin_producteurs", "drive", "distributeur")
    found: dict[tuple[str, str], str | None] = {}
    unresolved = 0
    for listing in listings:
        for rec in listing.members:
            for ref in rec.outlets:
                kinds = (ref.kind,) if ref.kind else outlets
                scored = [
                    (max(plain_score(ref.name, m.name or "") for m in other.members), other.id, other)
                    for other in listings
                    if other.fields.kind in kinds
                    and other.id != listing.id
                    and haversine_km(*listing.position, *other.position) <= 80
                ]
                best = max(scored, default=None, key=lambda t: (t[0], t[1]))
                if best is None or best[0] < 85:
                    unresolved += 1
                    continue
                pair = (best[2].id, listing.id) if ref.kind == "producteur" else (listing.id, best[2].id)
                found.setdefault(pair, ref.days)
    return {(p, o, d) for (p, o), d in found.items()}, unresolved


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_links_are_those_of_scoring_every_listing(seed: int) -> None:
    listings = resolve(records(seed, 700)).listings
    links, unresolved = resolve_links(listings)
    expected, expected_unresolved = plain_links(listings)
    assert len(expected) > 100 and expected_unresolved > 10  # the input exercises both outcomes
    assert {(k.producer_id, k.outlet_id, k.days) for k in links} == expected
    assert len(unresolved) == expected_unresolved


def test_name_score_is_the_plain_rapidfuzz_definition() -> None:
    rng = random.Random(7)
    names = [spelled(rng, rng.choice(PLACES)) for _ in range(300)] + ["", "La Ferme", "GAEC", "Œufs"]
    assert all(name_score(a, b) == plain_score(a, b) for a in names for b in names[:60])


@pytest.mark.parametrize("seed", [4, 5])
def test_candidate_pairs_are_every_close_or_same_commune_pair_of_one_kind_group(seed: int) -> None:
    recs = records(seed, 600)
    for r in recs[:200]:  # crowd one spot, so that many pairs are within 200 m
        r.lat, r.lon = 45.5 + (r.lat or 0) / 5000, 3.7 + (r.lon or 0) / 5000
    found = {(i, j): d for i, j, d in candidate_pairs(recs)}
    expected: dict[tuple[int, int], float | None] = {}
    for i, a in enumerate(recs):
        for j in range(i + 1, len(recs)):
            b = recs[j]
            if KIND_GROUP.get(a.kind or "", a.kind) != KIND_GROUP.get(b.kind or "", b.kind):
                continue  # a market and a farm are never one place
            if "commune" in (a.geo_precision, b.geo_precision):
                if a.commune_insee == b.commune_insee:
                    expected[(i, j)] = None
            elif (d := haversine_km(a.lat, a.lon, b.lat, b.lon) * 1000) <= 200:  # type: ignore[arg-type]
                expected[(i, j)] = d
    assert len(expected) > 1000
    assert found.keys() == expected.keys()
    assert all(
        found[p] == pytest.approx(expected[p]) if expected[p] is not None else found[p] is None
        for p in expected
    )


def test_provenance_json_is_json_dumps_of_the_provenance() -> None:
    listings = resolve(records(6, 400)).listings
    assert any(len(x.members) > 1 for x in listings)
    for listing in listings:
        assert provenance_json(listing) == json.dumps(dict(listing.provenance), ensure_ascii=False)
        assert json.loads(provenance_json(listing)) == listing.provenance
