"""The overview page through Streamlit's AppTest, on a database built from the fixture sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from courtcircuit.vocab import KINDS

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(small_build, monkeypatch) -> AppTest:
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(small_build.db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/annuaire.py").run()
    return at


def test_home_shows_counts_per_kind_and_a_demo_banner(app):
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[KINDS.label("producteur")] == "7"
    assert metrics[KINDS.label("marche")] == "3"
    assert sum(int(v) for v in metrics.values()) == 15
    assert "Données de démonstration" in app.info[0].value


def test_home_map_is_served_from_the_app_itself(app):
    (frame,) = [c for c in app.get("component_instance") if "st_folium" in str(c.proto.component_name)]
    html = frame.proto.json_args
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html
    assert "GAEC Les Combes" in html


def test_home_credits_openstreetmap(app):
    assert any("OpenStreetMap" in c.value for c in app.caption)


def test_missing_database_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(tmp_path / "absent.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "make run" in at.error[0].value
