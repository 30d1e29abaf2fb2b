"""Each normalisation step on its own, then the ordered chain."""

from __future__ import annotations

import pytest

from courtcircuit.normalise import build_steps, normalise, require_kind
from courtcircuit.normalise.contacts import (
    normalise_email,
    normalise_phone,
    normalise_siret,
    normalise_website,
)
from courtcircuit.normalise.coordinates import check_coordinates, lambert93_to_wgs84, project_lambert93
from courtcircuit.normalise.hours import normalise_opening_hours, repair_osm_hours
from courtcircuit.normalise.place import locate_commune
from courtcircuit.normalise.text import clean, clean_text_fields, require_name
from courtcircuit.record import Record, RejectRecord


def rec(**values) -> Record:
    r = Record(source="test", ref="1", kind="producteur", name="Ferme test")
    for k, v in values.items():
        setattr(r, k, v)
    return r


# --- text -----------------------------------------------------------------------------
def test_clean_collapses_spaces_and_control_characters():
    assert clean("  GAEC\u00a0 des\tCombes\x07 ") == "GAEC des Combes"
    assert clean("   ") is None


def test_clean_text_fields_keeps_name_on_one_line():
    r = rec(name="Ferme\n  du Bois", description="Ligne 1\n\n Ligne 2 ")
    clean_text_fields(r)
    assert r.name == "Ferme du Bois"
    assert r.description == "Ligne 1\nLigne 2"


@pytest.mark.parametrize(
    "name",
    ["<script>alert(1)</script>Ferme", "Fromagerie <img src=x onerror=alert(1)>", "&lt;b&gt;Bio&lt;/b&gt;"],
)
def test_html_in_a_name_rejects_the_record(name):
    with pytest.raises(RejectRecord, match="balisage HTML"):
        require_name(rec(name=name))


def test_a_name_with_a_less_than_sign_is_not_markup():
    require_name(rec(name="Prix < 5 € à la ferme"))


@pytest.mark.parametrize(
    "hidden", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\u2069"]
)
def test_invisible_characters_are_stripped_with_a_note(hidden):
    r = rec(name=f"Fer{hidden}me du Bois", description=f"Œufs{hidden} frais")
    clean_text_fields(r)
    assert (r.name, r.description) == ("Ferme du Bois", "Œufs frais")
    assert {i.field for i in r.issues} == {"name", "description"}
    assert all("invisibles retirés" in i.reason and f"U+{ord(hidden):04X}" in i.reason for i in r.issues)


def test_a_name_made_only_of_invisible_characters_is_missing():
    r = rec(name="\u200b\u202e\u200b")
    clean_text_fields(r)
    with pytest.raises(RejectRecord, match="nom manquant"):
        require_name(r)


@pytest.mark.parametrize(
    "text", ["Ferme {{ 7*7 }}", "Ferme {% for x in range(3) %}x{% endfor %}", "Ferme {# c #}"]
)
def test_template_syntax_is_kept_as_text_and_flagged(text):
    r = rec(name=text, description=f"Vente : {text}")
    clean_text_fields(r)
    require_name(r)  # not a rejection: the text stays as written
    assert (r.name, r.description) == (text, f"Vente : {text}")
    assert [(i.field, "gabarit" in i.reason) for i in r.issues] == [("name", True), ("description", True)]


def test_a_single_brace_is_not_template_syntax():
    r = rec(name="Ferme {bio}", description="Paniers de 5 { ou 6 } kg")
    clean_text_fields(r)
    assert r.issues == []


def test_a_5000_character_name_is_cut_with_a_note():
    r = rec(name="Ferme " + "x" * 5000)
    clean_text_fields(r)
    assert len(r.name) == 200 and r.name.endswith("…")
    assert "5006 caractères coupé à 200" in r.issues[0].reason


def test_missing_name_rejects():
    with pytest.raises(RejectRecord, match="nom manquant"):
        require_name(rec(name=None))


def test_unknown_kind_rejects():
    with pytest.raises(RejectRecord, match="type de lieu inconnu"):
        require_kind(rec(kind="vaisseau"))


# --- contacts -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("04 73 82 12 34", "+33473821234"),
        ("+33 (0)4 73 82 12 34", "+33473821234"),
        ("0473821234 / 0612345678", "+33473821234"),
    ],
)
def test_phone_to_e164(raw, e164):
    r = rec(phone=raw)
    normalise_phone(r)
    assert r.phone == e164 and not r.issues


def test_a_phone_that_is_not_one_is_dropped_with_a_note():
    r = rec(phone="12 34")
    normalise_phone(r)
    assert r.phone is None
    assert r.issues[0].field == "phone" and "12 34" in r.issues[0].reason


def test_email_is_lowercased_and_validated():
    r = rec(email="mailto:Contact@Ferme.FR")
    normalise_email(r)
    assert r.email == "contact@ferme.fr"
    bad = rec(email="pas-un-email")
    normalise_email(bad)
    assert bad.email is None and bad.issues


def test_website_gets_a_scheme_and_refuses_javascript():
    r = rec(website="www.ferme.example.fr")
    normalise_website(r)
    assert r.website == "https://www.ferme.example.fr"
    bad = rec(website="javascript:alert(1)")
    normalise_website(bad)
    assert bad.website is None and bad.issues[0].field == "website"


def test_siret_checksum():
    good = rec(siret="732 829 320 00074")
    normalise_siret(good)
    assert good.siret == "73282932000074"
    bad = rec(siret="12345678901234")
    normalise_siret(bad)
    assert bad.siret is None and bad.issues


# --- opening hours --------------------------------------------------------------------
def test_valid_osm_hours_are_kept():
    r = rec(opening_hours="Mo-Fr 08:00-12:00; Sa 09:00-12:00")
    normalise_opening_hours(r)
    assert r.opening_hours == "Mo-Fr 08:00-12:00; Sa 09:00-12:00" and not r.issues


def test_common_osm_slips_are_repaired():
    assert repair_osm_hours("Thu 7:00-13:00") == "Th 07:00-13:00"
    assert repair_osm_hours("Th [1,3] 17:00-19:00") == "Th[1,3] 17:00-19:00"
    assert repair_osm_hours("n'importe quoi") is None


def test_french_text_is_translated_and_kept():
    r = rec(opening_hours="samedi 8h-12h30")
    normalise_opening_hours(r)
    assert r.opening_hours == "Sa 08:00-12:30"
    assert r.opening_hours_text == "samedi 8h-12h30"


def test_unreadable_hours_stay_as_text_with_a_note():
    r = rec(opening_hours="sur rendez-vous")
    normalise_opening_hours(r)
    assert r.opening_hours is None
    assert r.opening_hours_text == "sur rendez-vous"
    assert r.issues[0].field == "opening_hours"


# --- coordinates ----------------------------------------------------------------------
def test_lambert93_is_projected_to_wgs84():
    lat, lon = lambert93_to_wgs84(758089.4, 6494774.7)
    assert lat == pytest.approx(45.5500, abs=1e-4) and lon == pytest.approx(3.7445, abs=1e-4)
    r = rec(x_l93=758089.4, y_l93=6494774.7)
    project_lambert93(r)
    assert r.lat == pytest.approx(45.55, abs=1e-4)


def test_swapped_lambert93_is_corrected():
    r = rec(x_l93=6494774.7, y_l93=758089.4)
    project_lambert93(r)
    assert r.lat == pytest.approx(45.55, abs=1e-4) and r.issues


def test_swapped_lat_lon_is_corrected():
    r = rec(lat=3.7445, lon=45.55)
    check_coordinates(r)
    assert (r.lat, r.lon) == (45.55, 3.7445)
    assert "inversées" in r.issues[0].reason


@pytest.mark.parametrize(("lat", "lon"), [(0.0, 0.0), (40.4, -3.7), (float("nan"), 2.0)])
def test_points_outside_france_lose_their_coordinates(lat, lon):
    r = rec(lat=lat, lon=lon)
    check_coordinates(r)
    assert r.lat is None and r.lon is None and r.issues


def test_overseas_points_are_france():
    r = rec(lat=-21.0, lon=55.5)  # La Réunion
    check_coordinates(r)
    assert r.lat == -21.0 and not r.issues


# --- commune resolution and geocoding ---------------------------------------------------
def test_point_gets_the_commune_that_contains_it(communes):
    r = rec(lat=45.5562, lon=3.7522)
    locate_commune(communes)(r)
    assert r.commune_insee == "63003" and r.geo_precision == "exact" and r.city == "Ambert"


def test_point_at_sea_falls_back_to_the_address_commune(communes):
    r = rec(lat=46.0, lon=-3.0, postcode="63600", city="Ambert")
    locate_commune(communes)(r)
    assert r.commune_insee == "63003" and r.geo_precision == "commune"
    assert "en mer" in r.issues[0].reason


def test_point_at_sea_without_address_is_rejected(communes):
    with pytest.raises(RejectRecord, match="lieu introuvable"):
        locate_commune(communes)(rec(lat=46.0, lon=-3.0))


def test_no_coordinates_geocodes_to_the_town_hall(communes):
    r = rec(postcode="63600", city="AMBERT CEDEX")
    locate_commune(communes)(r)
    assert r.commune_insee == "63003" and r.geo_precision == "commune"
    assert (r.lat, r.lon) == communes.get("63003").point


@pytest.mark.parametrize(
    ("city", "match"), [("Trifouilly-les-Oies", "inconnue"), ("Saint-Germain", "ambigu")]
)
def test_unknown_or_ambiguous_commune_is_rejected_never_guessed(communes, city, match):
    with pytest.raises(RejectRecord, match=match):
        locate_commune(communes)(rec(city=city))


def test_address_and_point_disagreeing_keeps_the_point_and_says_so(communes):
    r = rec(lat=45.5562, lon=3.7522, postcode="63220", city="Arlanc")
    locate_commune(communes)(r)
    assert r.commune_insee == "63003"
    assert "Arlanc" in r.issues[0].reason


def test_the_chain_runs_in_order(communes):
    r = rec(
        name="  Ferme  du Bois ", phone="04 73 82 12 34", lat=3.7522, lon=45.5562, opening_hours="mardi matin"
    )
    normalise(r, build_steps(communes))
    assert (r.name, r.phone, r.commune_insee, r.opening_hours) == (
        "Ferme du Bois",
        "+33473821234",
        "63003",
        "Tu 08:00-13:00",
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,<b>x</b>.fr"]
)
def test_script_urls_never_become_a_website_even_with_a_dot(url):
    r = rec(website=url)
    normalise_website(r)
    assert r.website is None and r.issues[0].field == "website"
