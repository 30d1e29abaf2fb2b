"""One place, one listing: true duplicates merged, near but different places kept apart."""

from __future__ import annotations

from datetime import date

from courtcircuit.record import Record
from etl.golden import golden
from etl.resolve import name_score, resolve, stable_id


def rec(source: str, ref: str, name: str, lat: float, lon: float, **values) -> Record:
    r = Record(source=source, ref=ref, kind="producteur", name=name, lat=lat, lon=lon, geo_precision="exact")
    r.commune_insee = "63003"
    for k, v in values.items():
        setattr(r, k, v)
    return r


def test_name_score_ignores_legal_forms_and_articles():
    assert name_score("GAEC du Bois Joli", "Gaec Bois-Joli") >= 90
    assert name_score("Ferme des Combes", "La ferme des combes") == 100
    assert name_score("Ferme Roux", "Ferme Roussel") < 85


def test_same_place_two_sources_is_one_listing():
    a = rec("chambre", "1", "GAEC du Bois Joli", 45.5500, 3.7400, precedence=20)
    b = rec("osm", "node/1", "Gaec Bois-Joli", 45.5505, 3.7402, precedence=50)
    result = resolve([a, b])
    (listing,) = result.listings
    assert {m.key for m in listing.members} == {a.key, b.key}
    assert result.merges[0].reason.startswith("noms proches")


def test_near_but_different_places_stay_apart():
    a = rec("chambre", "1", "Ferme Roux", 45.5600, 3.7600)
    b = rec("osm", "node/2", "Ferme Roussel", 45.5627, 3.7600)  # 300 m north
    c = rec("osm", "node/3", "Ferme Roussel", 45.5601, 3.7601, kind="distributeur")  # another kind
    assert len(resolve([a, b, c]).listings) == 3


def test_same_name_far_apart_is_not_merged():
    a = rec("chambre", "1", "Ferme du Moulin", 45.55, 3.74)
    b = rec("osm", "node/1", "Ferme du Moulin", 45.60, 3.74)
    assert len(resolve([a, b]).listings) == 2


def test_commune_level_record_merges_within_its_commune():
    a = rec("chambre", "1", "GAEC des Combes", 45.5562, 3.7522)
    b = rec("pnr", "7", "Gaec des Combes", 45.549, 3.743, geo_precision="commune")
    (listing,) = resolve([a, b]).listings
    assert listing.fields.geo_precision == "exact" and listing.fields.lat == 45.5562


def test_identifiers_decide_different_sirets_never_merge():
    a = rec("chambre", "1", "Ferme du Bourg", 45.55, 3.74, siret="73282932000074")
    b = rec("osm", "n/1", "Ferme du Bourg", 45.55, 3.74, siret="44306184100047")
    assert len(resolve([a, b]).listings) == 2
    c = rec("osm", "n/2", "Chez Paulette", 45.551, 3.741, phone="+33473821234")
    d = rec("chambre", "2", "Paulette et fils, chez", 45.551, 3.741, phone="+33473821234")
    assert len(resolve([c, d]).listings) == 1


def test_two_records_of_one_source_are_never_merged():
    a = rec("osm", "node/1", "Marché", 45.55, 3.74, kind="marche")
    b = rec("osm", "node/2", "Marché", 45.5501, 3.74, kind="marche")
    assert len(resolve([a, b]).listings) == 2


def test_a_remembered_different_decision_is_respected_even_through_a_third_record():
    a = rec("chambre", "1", "Ferme des Combes", 45.5500, 3.7400)
    b = rec("osm", "node/1", "Ferme des Combes", 45.5501, 3.7401)
    c = rec("pnr", "9", "Ferme des Combes", 45.5502, 3.7402)
    decisions = {frozenset({a.key, b.key}): False}
    result = resolve([a, b, c], decisions)
    clusters = [{m.key for m in x.members} for x in result.listings]
    assert not any(a.key in cl and b.key in cl for cl in clusters)
    assert len(result.listings) == 2


def test_a_remembered_same_decision_merges_what_the_rules_would_not():
    a = rec("chambre", "1", "Les Délices de Marie", 45.55, 3.74)
    b = rec("osm", "node/1", "Boutique Marie Dupont", 45.58, 3.74)
    assert len(resolve([a, b], {frozenset({a.key, b.key}): True}).listings) == 1


def test_golden_record_field_by_field_by_precedence_with_provenance():
    a = rec("chambre", "1", "GAEC des Combes", 45.55, 3.74, precedence=20, phone=None, products=["fromages"])
    a.source_date = date(2026, 9, 1)
    b = rec("osm", "node/1", "Gaec Combes", 45.5501, 3.7401, precedence=50, phone="+33473821234")
    b.products, b.last_verified = ["lait", "fromages"], date(2026, 5, 2)
    listing = golden([b, a], "x")
    assert listing.fields.name == "GAEC des Combes"
    assert listing.fields.phone == "+33473821234"
    assert listing.fields.products == ["fromages", "lait"]
    assert listing.provenance["name"] == {"source": "chambre", "ref": "1", "date": "2026-09-01"}
    assert listing.provenance["phone"]["source"] == "osm"


def test_ids_are_stable_for_the_same_inputs_in_any_order():
    records = [rec("osm", f"node/{i}", f"Ferme {i}", 45.5 + i / 100, 3.7) for i in range(5)]
    first = [x.id for x in resolve(records).listings]
    again = [x.id for x in resolve(list(reversed(records))).listings]
    assert first == again == sorted(stable_id("osm", f"node/{i}") for i in range(5))


def test_adding_a_lower_precedence_source_does_not_renumber():
    a = rec("chambre", "1", "GAEC des Combes", 45.55, 3.74, precedence=20)
    before = {x.id for x in resolve([a]).listings}
    b = rec("osm", "node/1", "Gaec des Combes", 45.5501, 3.7401, precedence=50)
    other = rec("osm", "node/2", "Autre ferme", 45.60, 3.70, precedence=50)
    after = {x.id for x in resolve([a, b, other]).listings}
    assert before < after


def test_previous_ids_survive_a_higher_precedence_source():
    b = rec("osm", "node/1", "Gaec des Combes", 45.5501, 3.7401, precedence=50)
    (old,) = resolve([b]).listings
    a = rec("chambre", "1", "GAEC des Combes", 45.55, 3.74, precedence=20)
    (new,) = resolve([a, b], previous_ids={b.key: old.id}).listings
    assert new.id == old.id
