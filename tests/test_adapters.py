"""Each adapter maps its format to canonical records (before normalisation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from courtcircuit.record import RejectRecord
from etl.adapters import amap_table, markets_table, osm_overpass, producers_table
from etl.adapters.tables import SourceFileError, decode, read_csv
from etl.sources import SourceConfig, SourcesFileError, load_sources

FIXTURES = Path(__file__).parent / "fixtures"


def source(fmt: str, path: str, mapping: str | None = None) -> SourceConfig:
    return SourceConfig(
        name="t",
        format=fmt,
        path=FIXTURES / path,
        mapping=FIXTURES / mapping if mapping else None,
        precedence=7,
    )


def mapped(adapter, src):
    out = {}
    for row in adapter.rows(src):
        try:
            out[row.ref] = adapter.to_record(row, src)
        except RejectRecord as err:
            out[row.ref] = err
    return out


def test_osm_nodes_ways_and_relations():
    recs = mapped(osm_overpass, source("osm-overpass", "osm-small.overpass.json"))
    farm = recs["node/1001"]
    assert (farm.kind, farm.channels, farm.products, farm.labels) == (
        "producteur",
        ["vente_ferme"],
        ["fromages", "lait"],
        ["ab"],
    )
    assert farm.phone == "+33 4 73 82 12 34" and str(farm.last_verified) == "2026-05-02"
    market = recs["way/2001"]
    assert (market.kind, market.lat, market.lon) == ("marche", 45.5497, 3.7430)
    shop = recs["relation/3001"]
    assert (shop.kind, shop.street, shop.postcode, shop.siret) == (
        "point_de_vente",
        "4 Rue de l'Industrie",
        "63600",
        "73282932000074",
    )
    assert shop.products == ["legumes", "fruits"]


def test_osm_unnamed_vending_machine_gets_a_name_and_a_note():
    machine = mapped(osm_overpass, source("osm-overpass", "osm-small.overpass.json"))["node/1002"]
    assert machine.kind == "distributeur" and machine.products == ["lait", "oeufs"]
    assert machine.name == "GAEC des Combes"  # operator, since there is no name


def test_osm_elements_that_are_not_local_food_are_rejected_with_a_reason():
    recs = mapped(osm_overpass, source("osm-overpass", "osm-small.overpass.json"))
    assert "out center" in recs["way/2002"].reason
    assert "non alimentaire" in recs["node/1008"].reason
    assert "sans étiquette" in recs["node/1005"].reason


def test_osm_file_that_is_not_overpass_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"features": []}')
    with pytest.raises(SourceFileError, match="elements"):
        list(osm_overpass.rows(SourceConfig(name="t", format="osm-overpass", path=bad)))


def test_producers_table_csv_utf8_bom_with_mapping():
    recs = mapped(
        producers_table, source("producers-table", "chambre-small.csv", "chambre-small-mapping.toml")
    )
    p1 = recs["P1"]
    assert (p1.name, p1.lat, p1.lon) == ("GAEC Les Combes", 45.5562, 3.7522)
    assert p1.products == ["fromages", "lait"] and p1.labels == ["ab", "aop"] and p1.ab_status == "certifie"
    assert p1.channels == ["vente_ferme", "marche"]
    assert (p1.delivers, p1.delivery_radius_km, p1.gtin_available) == (True, 30.0, True)
    assert [o.name for o in p1.outlets] == ["Marché d'Ambert", "AMAP du Livradois"]
    assert str(p1.last_verified) == "2026-03-12" and p1.precedence == 7
    assert recs["P4"].delivery_radius_km == 0.0


def test_producers_table_notes_values_it_does_not_understand():
    p8 = mapped(
        producers_table, source("producers-table", "chambre-small.csv", "chambre-small-mapping.toml")
    )["P8"]
    fields = {i.field for i in p8.issues}
    assert {"products", "delivers", "delivery_radius_km"} <= fields


def test_producers_table_says_once_that_a_mapped_column_is_missing():
    rows = list(
        producers_table.rows(source("producers-table", "chambre-small.csv", "chambre-small-mapping.toml"))
    )
    notes = [n for row in rows for n in row.file_notes]
    assert notes == [("Volumes annuels", "colonne « Volumes annuels » absente du fichier")]


def test_producers_table_latin1_lambert93():
    recs = mapped(producers_table, source("producers-table", "pnr-small.csv", "pnr-small-mapping.toml"))
    shop = recs["PNR-2"]
    assert (shop.kind, shop.x_l93, shop.y_l93) == ("point_de_vente", 758089.4, 6494774.7)
    assert recs["PNR-3"].kind == "transformation"
    assert recs["PNR-3"].name == "Abattoir d'Ambert"
    assert recs["PNR-4"].kind == "vaisseau spatial"  # rejected by the kind step, with the value


def test_latin1_is_detected_and_not_mistaken_for_utf8():
    raw = (FIXTURES / "pnr-small.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text, encoding = decode(raw)
    assert encoding == "cp1252" and "Épicerie" in text


def test_producers_table_xlsx(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Producteurs"
    sheet.append(["Nom", "Commune", "Produits", "Livraison"])
    sheet.append(["Ferme XLSX", "Ambert", "Miel", "oui"])
    sheet.append([None, None, None, None])
    book.save(tmp_path / "p.xlsx")
    (tmp_path / "m.toml").write_text(
        'sheet = "Producteurs"\n[columns]\nname = "Nom"\ncity = "Commune"\nproducts = "Produits"\n'
        'delivers = "Livraison"\n'
    )
    src = SourceConfig(
        name="x", format="producers-table", path=tmp_path / "p.xlsx", mapping=tmp_path / "m.toml"
    )
    (rec,) = mapped(producers_table, src).values()
    assert (rec.name, rec.city, rec.products, rec.delivers, rec.ref) == (
        "Ferme XLSX",
        "Ambert",
        ["miel"],
        True,
        "ligne 2",
    )


def test_mapping_with_an_unknown_field_is_refused(tmp_path):
    (tmp_path / "m.toml").write_text('[columns]\nname = "Nom"\ncolour = "Couleur"\n')
    with pytest.raises(SourceFileError, match="colour"):
        producers_table.load_mapping(tmp_path / "m.toml")


def test_amap_table():
    (amap,) = mapped(amap_table, source("amap-table", "amap-small.csv")).values()
    assert (amap.kind, amap.channels, amap.opening_hours_text) == ("amap", ["amap"], "mardi 17h30-18h30")
    assert [(o.name, o.kind) for o in amap.outlets] == [
        ("GAEC des Combes", "producteur"),
        ("Producteur Inconnu", "producteur"),
    ]


def test_markets_table_french_days_and_seasons():
    recs = mapped(markets_table, source("markets-table", "markets-small.csv"))
    assert recs["M1"].opening_hours == "Th 08:00-13:00"
    assert recs["M2"].opening_hours == "Jun-Sep Su[1] 08:00-13:00"
    assert recs["M3"].opening_hours is None and recs["M3"].opening_hours_text == "tous les quinze jours"


def test_table_missing_a_required_column_is_refused_whole(tmp_path):
    (tmp_path / "m.csv").write_text("ref;nom\nM1;Marché\n", encoding="utf-8")
    with pytest.raises(SourceFileError, match=r"obligatoire.*commune, jours"):
        list(markets_table.rows(SourceConfig(name="m", format="markets-table", path=tmp_path / "m.csv")))


def test_binary_file_is_not_a_csv(tmp_path):
    (tmp_path / "x.csv").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(SourceFileError, match="pas un fichier texte"):
        list(read_csv(tmp_path / "x.csv"))


def test_utf16_csv_with_bom_is_read(tmp_path):
    (tmp_path / "u.csv").write_bytes("ref\tnom\nM1\tGenêts\n".encode("utf-16"))
    (row,) = read_csv(tmp_path / "u.csv")
    assert row.data == {"ref": "M1", "nom": "Genêts"}


def test_sources_file_errors_are_explained(tmp_path):
    (tmp_path / "s.toml").write_text('[[source]]\nname = "a"\nformat = "umap"\npath = "x"\n')
    with pytest.raises(SourcesFileError, match="format « umap » inconnu"):
        load_sources(tmp_path / "s.toml")
    with pytest.raises(SourcesFileError, match="introuvable"):
        load_sources(tmp_path / "absent.toml")
