"""Downloads of search results (courtcircuit.export): CSV safe to open in a spreadsheet, GeoJSON."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import phonenumbers
import pytest

from courtcircuit.db import connect
from courtcircuit.export import french_number, neutralise, readable_phone, to_csv, to_geojson
from courtcircuit.search import Area, Filters, search
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS
from tests.conftest import FORMULA_NAME, HOSTILE_DESCRIPTION, HOSTILE_NAME

HEADERS = [
    "identifiant", "nom", "type", "distance_km", "adresse", "code_postal", "commune", "code_insee",
    "latitude", "longitude", "precision_position", "telephone", "email", "site_web", "horaires_osm",
    "horaires", "modes_de_vente", "labels", "produits", "description", "derniere_verification",
    "donnee_de_demonstration", "sources",
]  # fmt: skip
AMBERT = (45.5498, 3.7431)  # Marché d'Ambert (markets-small.csv M1)


@pytest.fixture(scope="module")
def results(small_build):
    with connect(small_build.db) as con:
        return search(con, Area(*AMBERT, 5)).listings


@pytest.fixture(scope="module")
def hostile_results(hostile_db):
    with connect(hostile_db) as con:
        return search(con, None).listings


def source_names(listings) -> list[str]:
    return sorted({s for sources in listings["sources"] for s in sources})


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]], list[list[str]]]:
    """Header, data rows as dicts, and the trailing lines that are not data (the attribution)."""
    assert data.startswith("\ufeff".encode())  # BOM: Excel then reads UTF-8
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, body = lines[0], lines[1:]
    rows = [dict(zip(header, line, strict=True)) for line in body if len(line) == len(header)]
    return header, rows, [line for line in body if len(line) != len(header)]


# ---------------------------------------------------------------- neutralise


@pytest.mark.parametrize(
    "value", ["=1+1", "+33 4 73 82 12 34", "-2", "@SUM(A1:A2)", "\t=x", "\r=x", '=HYPERLINK("http://e","c")']
)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Ferme Roux", "", "a=1", "Marché d'Ambert", "'déjà", " =1", "12"])
def test_plain_text_is_unchanged(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [-3.7445, -2, 0, 45.55, None, True])
def test_numbers_and_empty_cells_are_unchanged(value):
    out = neutralise(value)
    assert out == value and type(out) is type(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [(45.55, "45,55"), (-1.5528, "-1,5528"), (12.0, "12"), (3, "3"), (0.1 + 0.2, "0,30000000000000004"),
     (True, "oui"), (False, "non"), (None, None), (float("nan"), None), ("1.5 kg", "1.5 kg")],
)  # fmt: skip
def test_french_number_writes_what_french_excel_reads(value, text):
    assert french_number(value) == text


def _phonenumbers_writing(e164: str) -> str:
    number = phonenumbers.parse(e164, "FR")
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def test_readable_phone_writes_every_french_prefix_as_phonenumbers_does():
    # Every prefix +33 00 to +33 99 (the fast path covers most of them, the others go through
    # phonenumbers), and a few numbers abroad and in the overseas départements.
    numbers = [
        f"+33{prefix:02d}{tail}" for prefix in range(100) for tail in ("1234567", "0000000", "9876543")
    ]
    numbers += ["+32475123456", "+262692123456", "+590590123456", "+33473", "+3347382000012"]
    assert [readable_phone(n) for n in numbers] == [_phonenumbers_writing(n) for n in numbers]
    assert readable_phone("+33473824567") == "04 73 82 45 67"
    assert readable_phone("+33800123456") == "0 800 12 34 56"
    assert readable_phone("pas un numéro") == "pas un numéro"


# ---------------------------------------------------------------- CSV


def test_csv_has_the_french_headers_and_one_row_per_result(results):
    header, rows, _ = read_csv(to_csv(results, source_names(results)))
    assert header == HEADERS
    assert [r["identifiant"] for r in rows] == list(results["id"])
    assert [r["nom"] for r in rows] == list(results["name"])


def test_csv_turns_codes_into_french_labels(results):
    _, rows, _ = read_csv(to_csv(results, source_names(results)))
    for row, (_, listing) in zip(rows, results.iterrows(), strict=True):
        assert row["type"] == KINDS.label(listing["kind"])
        for column, field, vocab in (
            ("modes_de_vente", "channels", CHANNELS),
            ("labels", "labels", LABELS),
            ("produits", "products", PRODUCTS),
        ):
            expected = [vocab.label(code) for code in listing[field]]
            assert (row[column].split(" | ") if row[column] else []) == expected, (listing["name"], column)
    # GAEC Les Combes: chambre-small.csv P1 "vente à la ferme, marché", "Bio, AOP", "Fromages, Lait"
    gaec = next(r for r in rows if r["nom"] == "GAEC Les Combes")
    assert gaec["type"] == "Producteur"
    assert "Vente à la ferme" in gaec["modes_de_vente"] and "vente_ferme" not in gaec["modes_de_vente"]


def french_float(cell: str) -> float:
    """A CSV cell as French Excel reads it: a decimal comma, never a dot."""
    assert "." not in cell, cell
    return float(cell.replace(",", "."))


def test_csv_numbers_have_a_decimal_comma_and_dates_are_plain(results):
    _, rows, _ = read_csv(to_csv(results, source_names(results)))
    for row, (_, listing) in zip(rows, results.iterrows(), strict=True):
        assert french_float(row["latitude"]) == pytest.approx(listing["lat"], abs=1e-6)
        assert french_float(row["longitude"]) == pytest.approx(listing["lon"], abs=1e-6)
        assert french_float(row["distance_km"]) == pytest.approx(listing["distance_km"], abs=1e-6)
        assert row["donnee_de_demonstration"] in ("oui", "non")  # not True/False
        verified = listing["last_verified"]
        # a missing date is an empty cell (it was once written "NaT")
        assert row["derniere_verification"] == ("" if pd.isna(verified) else verified.date().isoformat())
    assert any(r["derniere_verification"] for r in rows) and any(not r["derniere_verification"] for r in rows)


def test_csv_negative_longitude_stays_a_number(results):
    west = results.head(1).copy()
    west["lon"] = -1.5528  # somewhere west of Greenwich
    _, (row,), _ = read_csv(to_csv(west, ["test"]))
    assert row["longitude"] == "-1,5528"  # a number in French Excel, not an apostrophed text


def test_csv_ends_with_the_attribution_naming_the_sources(results):
    names = source_names(results)
    assert len(names) > 1
    data = to_csv(results, names)
    _, _, trailing = read_csv(data)
    assert len(trailing) == 1
    (last,) = trailing[0]
    assert last.startswith("# Court-Circuit")
    assert f"Sources : {', '.join(names)}." in last and "OpenStreetMap" in last and "ODbL" in last
    assert data.decode("utf-8-sig").endswith(last + "\r\n")


def test_csv_of_hostile_names_cannot_run_as_a_formula(hostile_results):
    _, rows, _ = read_csv(to_csv(hostile_results, source_names(hostile_results)))
    names = [r["nom"] for r in rows]
    assert "'" + FORMULA_NAME in names and FORMULA_NAME not in names
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r.values())
    # HTML is not a spreadsheet risk: kept as it is
    hostile = next(r for r in rows if r["nom"] == HOSTILE_NAME)
    assert hostile["description"] == HOSTILE_DESCRIPTION


def test_csv_of_no_result_still_has_header_and_attribution(results):
    header, rows, trailing = read_csv(to_csv(results.head(0), []))
    assert header == HEADERS and rows == [] and len(trailing) == 1


# ---------------------------------------------------------------- GeoJSON


def test_geojson_is_a_feature_collection_in_lon_lat_order(results):
    collection = json.loads(to_geojson(results, source_names(results)))
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == len(results)
    by_id = {f["properties"]["identifiant"]: f for f in features}
    for _, listing in results.iterrows():
        feature = by_id[listing["id"]]
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (
            pytest.approx(listing["lon"], abs=1e-6),
            pytest.approx(listing["lat"], abs=1e-6),
        )
        assert feature["properties"]["nom"] == listing["name"]
        assert feature["properties"]["type"] == KINDS.label(listing["kind"])
    assert "NaT" not in json.dumps(collection)


def test_geojson_carries_the_attribution(results):
    names = source_names(results)
    collection = json.loads(to_geojson(results, names))
    assert f"Sources : {', '.join(names)}." in collection["attribution"]
    assert "OpenStreetMap" in collection["attribution"] and "ODbL" in collection["licence"]


def test_geojson_keeps_hostile_text_verbatim(hostile_results):
    # GeoJSON is data, not HTML nor a spreadsheet: no apostrophe, no escaping
    collection = json.loads(to_geojson(hostile_results, source_names(hostile_results)))
    props = {f["properties"]["nom"]: f["properties"] for f in collection["features"]}
    assert FORMULA_NAME in props and "'" + FORMULA_NAME not in props
    assert props[HOSTILE_NAME]["description"] == HOSTILE_DESCRIPTION


def test_geojson_skips_a_row_without_position(results):
    rows = results.head(2).copy()
    rows.loc[rows.index[0], "lat"] = float("nan")
    collection = json.loads(to_geojson(rows, ["test"]))
    assert [f["properties"]["identifiant"] for f in collection["features"]] == [rows.iloc[1]["id"]]


def test_exports_of_a_search_without_area_have_no_distance(small_build):
    with connect(small_build.db) as con:
        listings = search(con, None, Filters(kinds=("marche",))).listings
    _, rows, _ = read_csv(to_csv(listings, source_names(listings)))
    assert rows and all(r["distance_km"] == "" for r in rows)
    features = json.loads(to_geojson(listings, source_names(listings)))["features"]
    assert all(f["properties"]["distance_km"] is None for f in features)
