"""The engine under the import wizard's mapping steps: a guess for each column, the values left to
a person, and the mapping file written from their choices (courtcircuit/column_mapping.py,
courtcircuit/value_mapping.py, courtcircuit/mapping_file.py)."""

from __future__ import annotations

import re
import tomllib

import pytest

from courtcircuit.column_mapping import guess_column, guess_columns, is_yes_no_column
from courtcircuit.mapping_file import mapping_toml
from courtcircuit.value_mapping import ValueMappingError, parse_value_mapping, values_to_map
from etl.adapters.producers_table import load_mapping
from etl.demo.names import CHAMBRE, INITIATIVES, PNR


@pytest.mark.parametrize("partner", [CHAMBRE, PNR, INITIATIVES], ids=["chambre", "pnr", "initiatives"])
def test_the_demo_partners_headers_are_guessed_as_their_hand_written_mappings(partner):
    guesses = guess_columns(list(partner.values()))
    assert {g.field: g.header for g in guesses if g.field} == partner


@pytest.mark.parametrize(
    ("header", "field"),
    [("Nom de l'exploitation", "name"), ("CP", "postcode"), ("Tél.", "phone"), ("Tél. portable", "phone"),
     ("E-mail", "email"), ("Adresse e-mail", "email"), ("N° SIRET", "siret"), ("Long.", "lon"),
     ("Nom du producteur", "name")],
)  # fmt: skip
def test_a_header_is_guessed_from_its_words(header, field):
    assert guess_column(header).field == field


def test_a_yes_no_column_feeds_a_channel_a_label_or_a_product_family():
    assert guess_column("Vente à la ferme", ["oui", "non", ""]).flag == ("channels", "vente_ferme")
    assert guess_column("Bio", ["x", ""]).flag == ("labels", "ab")
    assert guess_column("Miel", ["1", "0"]).flag == ("products", "miel")
    # A yes/no field stays the field; a text column is not a flag.
    assert guess_column("Livraison", ["oui", "non"]) == guess_column("Livraison")
    assert guess_column("Livraison").field == "delivers"
    assert guess_column("Vente à la ferme", ["samedi matin"]).flag is None
    assert not is_yes_no_column(["", None]) and not is_yes_no_column(["oui", "peut-être"])


def test_each_field_goes_to_one_column_the_exact_header_first():
    first, second = guess_columns(["Nom du producteur", "Nom"])
    assert (first.field, first.candidates) == (None, ("name",))
    assert second.field == "name"
    (unknown,) = guess_columns(["Couleur préférée"])
    assert (unknown.field, unknown.flag) == (None, None)


def test_the_values_left_to_a_person_most_frequent_first_with_a_suggestion():
    choices = parse_value_mapping({"values": {"products": {"Tomme maison": "fromages"}}})
    cells = [
        "Fromages de chèvre, Miel",
        "fromages de chevre",
        "Viande",
        "Escargots; Légumes",
        None,
        "Tomme maison",
    ]
    found = [(v.value, v.count, v.suggestion) for v in values_to_map("products", cells, choices)]
    assert found == [
        ("Fromages de chèvre", 2, ("fromages",)),
        ("Escargots", 1, ()),
        ("Viande", 1, ("viande_bovine",)),
    ]
    (shop,) = values_to_map("kind", ["Ferme épicerie", "Producteur"])
    assert shop.match.ambiguous and shop.suggestion == ()
    assert set(shop.match.candidates) == {"producteur", "point_de_vente"}


def test_the_mapping_file_written_is_the_one_the_build_reads(tmp_path):
    data = {
        "crs": "EPSG:4326",
        "columns": {"name": 'Nom "officiel"', "products": "Produits", "labels": "Labels"},
        "values": {"products": {"Fromages de chèvre": "fromages", "Yaourts\x7f": ["lait", "fromages"]},
                   "labels": {"Agriculture raisonnée": []}},
        "flags": {"Vente à la ferme": "channels:vente_ferme"},
    }  # fmt: skip
    text = mapping_toml(data, comment="Correspondance du partenaire « Ferme & Co »")
    assert tomllib.loads(text) == data
    (tmp_path / "m.toml").write_text(text, encoding="utf-8")
    mapping = load_mapping(tmp_path / "m.toml")
    assert mapping.choices.chosen("products", "fromages de chevre") == ("fromages",)
    assert mapping.choices.flags == {"Vente à la ferme": ("channels", "vente_ferme")}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"columns": {"products": "Produits"}}, "la colonne du nom (name)"),
        ({"columns": {"name": "Nom", "colour": "Couleur"}}, "champs inconnus ['colour']"),
        ({"columns": {"name": "Nom"}, "crs": "EPSG:3857"}, "EPSG:3857 non pris en charge"),
        (
            {"columns": {"name": "Nom"}, "values": {"labels": {"Bio": "organic"}}},
            "« organic » n'est pas un code",
        ),
    ],
)
def test_the_writer_refuses_what_the_build_would_refuse(data, message):
    with pytest.raises(ValueMappingError, match=re.escape(message)):
        mapping_toml(data)
