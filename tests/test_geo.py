"""courtcircuit.geo: one haversine, one search circle, one rule for a commune's département;
and the supplier page for a store overseas, where the département has three characters."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from courtcircuit.db import connect
from courtcircuit.geo import (
    EARTH_RADIUS_KM,
    Area,
    departement_of,
    departements_of,
    haversine_km,
    haversine_sql,
)
from etl.build import build
from etl.sources import load_sources
from tests.conftest import SUPPLIER_FIXTURES

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SAINT_DENIS_974 = (-20.8789, 55.4481)  # Saint-Denis, La Réunion (97411)


def test_haversine_known_distances() -> None:
    assert haversine_km(45.0, 3.0, 45.0, 3.0) == 0
    # One degree of latitude on this sphere.
    assert haversine_km(45.0, 3.0, 46.0, 3.0) == pytest.approx(math.radians(1) * EARTH_RADIUS_KM)
    # Paris (Notre-Dame) to Clermont-Ferrand (Jaude): about 347 km as the crow flies.
    assert haversine_km(48.8530, 2.3499, 45.7772, 3.0870) == pytest.approx(347, abs=3)
    # Antipodes: half the circumference, no math domain error.
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-89, 89), st.floats(-179, 179), st.floats(-89, 89), st.floats(-179, 179)
)  # fmt: skip
def test_the_sql_twin_gives_the_python_distance(lat1, lon1, lat2, lon2) -> None:
    import duckdb

    (sql,) = duckdb.execute(
        f"SELECT {haversine_sql()} FROM (SELECT ?::DOUBLE AS lat, ?::DOUBLE AS lon)",  # noqa: S608
        [lat1, lat1, lon1, lat2, lon2],  # placeholders in text order: the point, then the row
    ).fetchone()
    assert sql == pytest.approx(haversine_km(lat1, lon1, lat2, lon2), abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.floats(-80, 80), st.floats(-179, 179), st.floats(0.5, 100), st.floats(0, 2 * math.pi))
def test_the_bounding_box_holds_the_whole_circle(lat, lon, radius, bearing) -> None:
    area = Area(lat, lon, radius)
    south, north, west, east = area.bbox()
    # The point at the radius in this bearing (spherical destination formula).
    d = radius / EARTH_RADIUS_KM
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(
        math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    plat, plon = math.degrees(p2), math.degrees(l2)
    assert area.contains(plat, plon) or haversine_km(lat, lon, plat, plon) == pytest.approx(radius)
    assert south <= plat <= north
    assert west <= plon <= east
    assert area.bounds() == [[south, west], [north, east]]


def test_area_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="hors limites"):
        Area(91, 3, 10)
    with pytest.raises(ValueError, match="rayon"):
        Area(45, 3, 0)


@pytest.mark.parametrize(
    ("insee", "departement"),
    [("63003", "63"), ("01004", "01"), ("2A004", "2A"), ("2b033", "2B"), ("97411", "974"), ("97101", "971"),
     ("97611", "976"), ("98818", "988"), ("75105", "75")],
)  # fmt: skip
def test_departement_of(insee: str, departement: str) -> None:
    assert departement_of(insee) == departement


def test_departements_of_skips_missing_codes(communes) -> None:
    assert departements_of(["97411", None, "", "63003", "63100", "97411"]) == ["63", "974"]
    # Every département it gives is one the commune index can outline.
    assert communes.outlines(departements_of(["97411", "97101", "2A004"]))["features"]


# ------------------------------------------------------------------ a store in La Réunion


@pytest.fixture(scope="module")
def reunion_db(tmp_path_factory: pytest.TempPathFactory, communes) -> Path:
    """The reverse-radius fixture plus one producer in Saint-Denis de La Réunion, built by the ETL."""
    folder = tmp_path_factory.mktemp("reunion")
    shutil.copytree(SUPPLIER_FIXTURES, folder, dirs_exist_ok=True)
    csv = folder / "producers.csv"
    header = csv.read_text(encoding="utf-8").splitlines()[0].split(";")
    row = dict.fromkeys(header, "")
    row |= {
        "N° fiche": "R01", "Nom de l'exploitation": "Vanilleraie de Saint-Denis", "Latitude": str(SAINT_DENIS_974[0]),
        "Longitude": str(SAINT_DENIS_974[1]), "Produits": "Plats, conserves", "Livre les magasins": "oui",
        "Rayon de livraison (km)": "30",
    }  # fmt: skip
    with csv.open("a", encoding="utf-8") as f:
        f.write(";".join(row[h] for h in header) + "\n")
    db = folder / "reunion.duckdb"
    build(db, load_sources(folder / "sources.toml"), decisions=None, progress=False, communes=communes)
    with connect(db) as con:
        assert con.execute(
            "SELECT commune_insee FROM listings WHERE name LIKE 'Vanilleraie%'"
        ).fetchone() == ("97411",)
    return db


def test_the_supplier_page_for_a_store_in_la_reunion(reunion_db, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(reunion_db))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/fournisseurs.py")
    lat, lon = SAINT_DENIS_974
    at.query_params.update({"mlat": str(lat - 0.01), "mlon": str(lon), "mlieu": "Saint-Denis", "km": "30"})
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    (frame,) = [c for c in at.get("component_instance") if "st_folium" in str(c.proto.component_name)]
    args = json.loads(frame.proto.json_args)
    script = args["script"] + (
        args.get("feature_group") or ""
    )  # the points: a swapped layer (ui.supplier_map)
    assert "Vanilleraie de Saint-Denis" in script  # the producer is on the map
    # Over La Réunion's own communes (drawn when the tiles fail), not a refused "97".
    assert '"n":"Saint-Denis"' in args["script"]
