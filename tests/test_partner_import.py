"""A new partner's spreadsheet, as it comes, through the real build into a real DuckDB file:
French headers in CP1252 with `;` and decimal commas, values mapped once in the mapping file,
yes/no columns feeding channels and labels, Lambert-93 metres typed into latitude/longitude."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courtcircuit.column_mapping import guess_columns
from courtcircuit.db import connect
from courtcircuit.mapping_file import mapping_toml
from etl.build import build
from etl.sources import load_sources

HEADER = "N°;Nom de l'exploitation;CP;Commune;Latitude;Longitude;Produits;Labels;Vente à la ferme;Marché;Bio"
ROWS = (
    # Degrees with decimal commas; a value the partner mapped once, a goat cheese, an AOP Comté.
    "F1;Chèvrerie des Combes;63600;Ambert;45,5562;3,7522;Fromages de chèvre, Tomme maison;AOP Comté;oui;non;",
    # Lambert-93 metres in the latitude/longitude columns (Y then X), a label naming a product.
    "F2;GAEC du Grand Champ;63600;Ambert;6494774,7;758089,4;Œufs;Label Rouge volailles;x;peut-être;oui",
    # The same, X then Y; a label the partner mapped to nothing, a product family too vague to guess.
    "F3;Rucher de la Dore;63600;Ambert;757353,3;6494212,6;Miel, Viande;Agriculture raisonnée;;1;non",
)
MAPPING = """# Correspondance du fichier « producteurs-partenaire.csv »
[columns]
ref = "N°"
name = "Nom de l'exploitation"
postcode = "CP"
city = "Commune"
lat = "Latitude"
lon = "Longitude"
products = "Produits"
labels = "Labels"

[values.products]
"Tomme maison" = "fromages"

[values.labels]
"Agriculture raisonnée" = []

[flags]
"Vente à la ferme" = "channels:vente_ferme"
"Marché" = "channels:marche"
"Bio" = "labels:ab"
"""
SOURCES = """[[source]]
name = "partenaire"
format = "producers-table"
path = "producteurs-partenaire.csv"
mapping = "partenaire-mapping.toml"
date = "2026-11-01"
"""


@pytest.fixture(scope="module")
def partner_db(tmp_path_factory: pytest.TempPathFactory, communes) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("partner")
    text = "\r\n".join((HEADER, *ROWS)) + "\r\n"
    (folder / "producteurs-partenaire.csv").write_bytes(text.encode("cp1252"))
    (folder / "partenaire-mapping.toml").write_text(MAPPING, encoding="utf-8")
    (folder / "sources.toml").write_text(SOURCES, encoding="utf-8")
    db = folder / "partner.duckdb"
    report = build(
        db, load_sources(folder / "sources.toml"), decisions=None, progress=False, communes=communes
    )
    return db, report.stats["partenaire"]


def rows(db: Path, sql: str) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_row_is_a_listing(partner_db):
    _db, stats = partner_db
    assert stats == {"read": 3, "loaded": 3, "merged": 0, "rejected": 0}


def test_values_and_yes_no_columns_reach_the_published_listings(partner_db):
    db, _ = partner_db
    found = {
        name: (products, labels, channels)
        for name, products, labels, channels in rows(
            db, "SELECT name, products, labels, channels FROM listings"
        )
    }
    assert found == {
        "Chèvrerie des Combes": (["fromages"], ["aop"], ["vente_ferme"]),
        "GAEC du Grand Champ": (["oeufs", "volaille"], ["label_rouge", "ab"], ["vente_ferme"]),
        "Rucher de la Dore": (["miel"], [], ["marche"]),
    }


def test_words_the_vocabulary_cannot_hold_stay_in_the_description(partner_db):
    db, _ = partner_db
    (description,) = rows(db, "SELECT description FROM listings WHERE name = 'Chèvrerie des Combes'")[0]
    assert description == "Produits : Fromages de chèvre.\nSignes de qualité : AOP Comté."


def test_lambert93_metres_in_either_order_become_degrees_in_ambert(partner_db):
    db, _ = partner_db
    places = dict(
        (name, (round(lat, 3), round(lon, 3), insee, precision))
        for name, lat, lon, insee, precision in rows(
            db, "SELECT name, lat, lon, commune_insee, geo_precision FROM listings"
        )
    )
    assert places["GAEC du Grand Champ"] == (45.55, 3.745, "63003", "exact")
    assert places["Rucher de la Dore"] == (45.545, 3.735, "63003", "exact")
    assert places["Chèvrerie des Combes"] == (45.556, 3.752, "63003", "exact")


def test_what_was_corrected_or_not_understood_is_published_with_its_reason(partner_db):
    db, _ = partner_db
    notes = rows(
        db, "SELECT record_ref, field, value, reason FROM rejected ORDER BY record_ref, field, value"
    )
    by_ref = {(ref, field, value): reason for ref, field, value, reason in notes}
    assert set(by_ref) == {
        ("F1", "products", "Fromages de chèvre"),
        ("F1", "labels", "AOP Comté"),
        ("F2", "coordinates", "6494774.7, 758089.4"),
        ("F2", "labels", "Label Rouge volailles"),
        ("F2", "channels", "peut-être"),
        ("F3", "coordinates", "757353.3, 6494212.6"),
        ("F3", "products", "Viande"),
    }
    assert "converties en degrés" in by_ref[("F3", "coordinates", "757353.3, 6494212.6")]
    assert "« Marché » : valeur oui/non non comprise" in by_ref[("F2", "channels", "peut-être")]
    assert "(proche : « Viande bovine »)" in by_ref[("F3", "products", "Viande")]


def test_the_mapping_the_wizard_would_write_gives_the_same_database(partner_db, tmp_path, communes):
    """Guessed columns and flags, plus what a person adds (the « Marché » column, whose cells are
    not all yes/no, and two values), written by mapping_toml: the same listings and notes."""
    db, _ = partner_db
    folder = db.parent
    lines = (folder / "producteurs-partenaire.csv").read_bytes().decode("cp1252").splitlines()
    headers = lines[0].split(";")
    cells = [dict(zip(headers, line.split(";"), strict=True)) for line in lines[1:]]
    guesses = guess_columns(headers, cells)
    data = {
        "columns": {g.field: g.header for g in guesses if g.field},
        "values": {"products": {"Tomme maison": "fromages"}, "labels": {"Agriculture raisonnée": []}},
        "flags": {g.header: f"{g.flag[0]}:{g.flag[1]}" for g in guesses if g.flag}
        | {"Marché": "channels:marche"},
    }
    for name in ("producteurs-partenaire.csv", "sources.toml"):
        shutil.copy(folder / name, tmp_path / name)
    (tmp_path / "partenaire-mapping.toml").write_text(mapping_toml(data), encoding="utf-8")
    again = tmp_path / "again.duckdb"
    build(again, load_sources(tmp_path / "sources.toml"), decisions=None, progress=False, communes=communes)
    same = "SELECT name, products, labels, channels, lat, lon, description FROM listings ORDER BY name"
    notes = "SELECT record_ref, field, value, reason FROM rejected ORDER BY ALL"
    assert rows(again, same) == rows(db, same) and rows(again, notes) == rows(db, notes)
