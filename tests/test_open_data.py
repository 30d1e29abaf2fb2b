"""Open data written by each build (etl/open_data.py): read back with geopandas and pandas, the
same listings and fields as the database; closed licences left out; CSV safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tomllib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from courtcircuit.db import connect
from courtcircuit.open_data import FILES, OPEN_DATA_FIELDS, open_data_folder, published, redistributable
from etl.build import build
from etl.open_data import write_open_data
from etl.sources import load_sources
from tests.conftest import FORMULA_NAME

FIELDS = [name for _, name, _ in OPEN_DATA_FIELDS]
CLOSED = "Convention d'échange, rediffusion interdite"


def with_licences(sources_file: Path, licences: dict[str, str]) -> Path:
    """The sources file with a `licence = …` line added to the entries named in `licences`."""
    text = sources_file.read_text(encoding="utf-8")
    for name, licence in licences.items():
        text, n = re.subn(rf'(name = "{name}"\n)', rf'\1licence = "{licence}"\n', text)
        assert n == 1, name
    sources_file.write_text(text, encoding="utf-8")
    return sources_file


def plain(value: object) -> object:
    """One value as both sides can give it: missing as None, lists as lists, dates as text."""
    if isinstance(value, str) and value.startswith("["):
        value = json.loads(value)  # GDAL reads a JSON array property as its text
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, list):
        return [str(v) for v in value]
    if value is None or (not isinstance(value, list) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


def db_listings(db: Path, where: str = "") -> pd.DataFrame:
    with connect(db) as con:
        return con.execute(f"SELECT * FROM listings WHERE status = 'active' {where} ORDER BY id").df()  # noqa: S608


@pytest.fixture(scope="module")
def open_build(tmp_path_factory, communes):
    """The fixture sources, all open but the chambre's, built through the real ETL."""
    folder = tmp_path_factory.mktemp("open")
    target = folder / "sources"
    shutil.copytree(Path(__file__).parent / "fixtures", target)
    licences = {"pnr": "Licence Ouverte Etalab 2.0", "amap": "CC-BY 4.0", "marches": "Licence Ouverte v2.0"}
    sources = with_licences(target / "sources-small.toml", licences | {"chambre": CLOSED})
    db = folder / "open.duckdb"
    build(db, load_sources(sources), decisions=None, progress=False, communes=communes)
    return db


def test_geojson_round_trip_gives_the_same_listings_and_fields(open_build):
    expected = db_listings(open_build, "AND NOT list_contains(sources, 'chambre')")
    assert len(expected) >= 8  # the round trip below means something
    read = gpd.read_file(open_data_folder(open_build) / FILES["geojson"]).sort_values("identifiant")
    assert list(read["identifiant"]) == list(expected["id"])
    assert set(FIELDS) <= set(read.columns)
    for column, name, _ in OPEN_DATA_FIELDS:
        got = [plain(v) for v in read[name]]
        assert got == [plain(v) for v in expected[column]], name
    assert list(read.geometry.x) == pytest.approx(list(expected["lon"]))
    assert list(read.geometry.y) == pytest.approx(list(expected["lat"]))


def test_parquet_and_csv_carry_the_same_listings(open_build):
    expected = list(db_listings(open_build, "AND NOT list_contains(sources, 'chambre')")["id"])
    folder = open_data_folder(open_build)
    parquet = gpd.read_parquet(folder / FILES["parquet"])
    assert list(parquet["identifiant"]) == expected
    assert parquet.crs is not None and parquet.crs.to_string() == "OGC:CRS84"  # lon/lat WGS 84
    assert list(parquet.columns) == [*FIELDS, "geometry"]
    rows = list(csv.DictReader(io.StringIO((folder / FILES["csv"]).read_text(encoding="utf-8"))))
    assert [r["identifiant"] for r in rows] == expected
    assert list(rows[0]) == FIELDS


def test_a_source_whose_licence_forbids_redistribution_is_left_out(open_build):
    chambre = db_listings(open_build, "AND list_contains(sources, 'chambre')")
    assert len(chambre) > 0
    folder = open_data_folder(open_build)
    text = "".join((folder / FILES[f]).read_text(encoding="utf-8") for f in ("geojson", "csv"))
    for listing_id in chambre["id"]:
        assert listing_id not in text
    about = published(open_build)
    assert about is not None
    assert {s.name: s.included for s in about.sources} == {
        "chambre": False, "pnr": True, "amap": True, "marches": True, "osm": True,
    }  # fmt: skip
    assert about.licence.startswith("ODbL")  # OSM data is in: the whole file is ODbL


def test_csv_neutralises_spreadsheet_formulas_and_geojson_keeps_the_text(hostile_db, tmp_path):
    folder = write_open_data(hostile_db, tmp_path / "h.duckdb")
    rows = list(csv.DictReader(io.StringIO((folder / FILES["csv"]).read_text(encoding="utf-8"))))
    names = [r["nom"] for r in rows]
    assert "'" + FORMULA_NAME in names and FORMULA_NAME not in names
    assert not [v for r in rows for v in r.values() if v.startswith(("=", "+", "-", "@"))]
    geo = json.loads((folder / FILES["geojson"]).read_text(encoding="utf-8"))
    assert FORMULA_NAME in [f["properties"]["nom"] for f in geo["features"]]
    # Every text as it is in the table, quotes, markup and accents included (DuckDB writes it).
    with connect(hostile_db, read_only=True) as con:
        table = {
            i: [n, d] for i, n, d in con.execute("SELECT id, name, description FROM listings").fetchall()
        }
    written = {f["id"]: [f["properties"]["nom"], f["properties"]["description"]] for f in geo["features"]}
    assert len(written) >= 4 and written == {i: table[i] for i in written}


def test_a_rebuild_swaps_the_folder_and_removes_the_old_one(open_build, tmp_path, communes):
    db = tmp_path / "again.duckdb"
    sources = load_sources(Path(__file__).parent / "fixtures" / "sources-small.toml")
    build(db, sources, decisions=None, progress=False, communes=communes)
    first = open_data_folder(db).resolve()
    build(db, sources, decisions=None, progress=False, communes=communes)
    second = open_data_folder(db).resolve()
    assert first != second and not first.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("again.duckdb.opendata-")) == [
        second.name
    ]


@pytest.mark.parametrize(
    ("licence", "open_"),
    [
        ("ODbL 1.0", True), ("Licence Ouverte Etalab 2.0", True), ("CC-BY 4.0", True), ("CC0", True),
        ("CC BY-NC 4.0", False), ("CC BY-ND", False), (CLOSED, False), ("", False), (None, False),
        ("Tous droits réservés", False),
    ],
)  # fmt: skip
def test_only_licences_that_allow_redistribution_open_the_door(licence, open_):
    assert redistributable(licence) is open_


def test_every_field_and_the_demo_sources_licences_are_documented():
    doc = (Path(__file__).parents[1] / "docs" / "OPEN-DATA.md").read_text(encoding="utf-8")
    missing = [name for name in FIELDS if f"`{name}`" not in doc]
    missing += [f"{name}={code}" for _, name, vocab in OPEN_DATA_FIELDS if vocab for code in vocab.codes()
                if f"| `{code}` |" not in doc.split(f"### `{name}`")[1].split("###")[0]]  # fmt: skip
    assert missing == []
    samples = tomllib.loads((Path(__file__).parents[1] / "data" / "samples" / "sources.toml").read_text())
    assert all(entry.get("licence") for entry in samples["source"])  # the sources file says each licence
