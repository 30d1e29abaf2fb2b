"""The public « Où manque-t-il des circuits courts ? » page through AppTest on the demo
directory: a département's shares, map, tables and CSV downloads, the URL's département, an
unknown one answered in French."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from courtcircuit.communes.territory import communes_of
from courtcircuit.db import connect
from courtcircuit.food_gaps import food_gaps
from ui.gaps_view import french_csv

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app_env(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(demo_db))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    monkeypatch.setenv("COURT_CIRCUIT_THROTTLE_DB", str(tmp_path / "throttle.sqlite3"))


def open_gaps(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/manques.py")
    at.query_params.update(params or {})
    return at.run()


def test_the_departement_dashboard_shows_shares_map_and_tables(app_env):
    at = open_gaps({"dep": "63"})
    assert not at.exception, at.exception
    assert at.selectbox(key="gaps_dep").value == "63"
    shares = next(d.value for d in at.dataframe if "Part de la population" in d.value.columns)
    assert list(shares["Accès"]) == [
        "Vente à la ferme ou magasin de producteurs", "Marché", "AMAP / paniers", "Distributeur automatique",
    ]  # fmt: skip
    assert shares["Part de la population"].between(0, 100).all()
    assert len(at.get("vega_lite_chart")) == 2  # the shares and the map of communes
    deprived = next(d.value for d in at.dataframe if "Lieu le plus proche" in d.value.columns)
    assert "Clermont-Ferrand" in set(deprived["Commune"])  # the demo data is around Ambert
    assert any("habitants (INSEE, population municipale)" in c.value for c in at.caption)
    at.button(key="gaps_63_png").click().run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Graphique des parts (PNG)", "Carte des communes (PNG)"} <= set(labels)
    at.segmented_control(key="gaps_63_threshold").set_value(20).run()
    assert any(
        "à plus de 20 km" in c
        for c in next(d.value for d in at.dataframe if "Accès" in d.value.columns).columns
    )


def test_the_csv_is_for_french_excel(demo_db, communes):
    with connect(demo_db) as con:
        report = food_gaps(con, communes_of(communes, ["63"]))
    sample = report.communes[["insee", "name", "km_marche"]].copy()
    sample.loc[0, "name"] = "=HYPERLINK(1)"  # a formula never reaches Excel as one
    text = french_csv(sample).decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype={"insee": str})
    assert list(frame["insee"]) == list(report.communes["insee"])
    assert frame["km_marche"].dropna().tolist() == pytest.approx(
        report.communes["km_marche"].dropna().round(1).tolist()
    )
    assert frame.loc[0, "name"] == "'=HYPERLINK(1)"
    assert any(line.split(";")[2].count(",") == 1 for line in text.splitlines()[1:])  # decimal comma


def test_an_unknown_departement_is_answered_in_french(app_env):
    at = open_gaps({"dep": "<b>xx</b>"})
    assert not at.exception
    assert any("inconnu : le Puy-de-Dôme est affiché" in w.value for w in at.warning)
    assert at.selectbox(key="gaps_dep").value == "63"
