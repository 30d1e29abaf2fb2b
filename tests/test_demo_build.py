"""The embedded demo builds and matches the generator's manifest of known duplicates and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from courtcircuit.db import connect
from etl.build import build
from etl.sources import DEFAULT_SOURCES, load_sources

MANIFEST = json.loads((DEFAULT_SOURCES.parent / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory, communes):
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    report = build(db, load_sources(DEFAULT_SOURCES), decisions=None, progress=False, communes=communes)
    con = connect(db, read_only=True)
    listing_of = {
        (s, r): i
        for s, r, i in con.execute("SELECT source, source_ref, listing_id FROM listing_sources").fetchall()
    }
    yield report, con, listing_of
    con.close()


def test_every_source_row_is_accounted_for(demo):
    report, _con, _ = demo
    for name, rows in MANIFEST["totals"].items():
        s = report.stats[name]
        assert s["read"] == rows == s["loaded"] + s["merged"] + s["rejected"], name


def test_demo_is_dense_and_covers_every_kind(demo):
    _report, con, _ = demo
    kinds = dict(con.execute("SELECT kind, count(*) FROM listings GROUP BY kind").fetchall())
    assert sum(kinds.values()) >= 300
    assert set(kinds) == {
        "producteur", "point_de_vente", "magasin_producteurs", "amap", "marche", "drive", "distributeur",
        "transformation", "logistique",
    }  # fmt: skip


def test_known_duplicates_are_merged(demo):
    _report, _con, listing_of = demo
    for group in MANIFEST["duplicate_groups"]:
        ids = {listing_of[tuple(member)] for member in group}
        assert len(ids) == 1, group


def test_near_but_different_places_are_kept_apart(demo):
    _report, _con, listing_of = demo
    for pair in MANIFEST["apart"]:
        assert listing_of[tuple(pair["a"])] != listing_of[tuple(pair["b"])], pair


def test_planted_bad_rows_are_rejected_or_corrected_with_a_reason(demo):
    _report, con, _ = demo
    rejected = {
        (s, r, scope)
        for s, r, scope in con.execute("SELECT source, record_ref, scope FROM rejected").fetchall()
    }
    for bad in MANIFEST["bad_rows"]:
        scope = "record" if bad["effect"] == "record" else "field"
        assert (bad["source"], bad["ref"], scope) in rejected, bad


def test_known_links_are_found(demo):
    _report, con, listing_of = demo
    links = set(con.execute("SELECT producer_id, outlet_id FROM listing_links").fetchall())
    for link in MANIFEST["links"]:
        assert (listing_of[tuple(link["producer"])], listing_of[tuple(link["outlet"])]) in links, link


def test_real_initiatives_are_not_marked_demo(demo):
    _report, con, _ = demo
    (row,) = con.execute(
        "SELECT is_demo, geo_precision, commune_insee FROM listings WHERE name = 'Le Local'"
    ).fetchall()
    assert row == (False, "commune", "63003")


def test_demo_sample_files_exist_for_every_format():
    formats = {s.format for s in load_sources(DEFAULT_SOURCES)}
    assert formats == {"osm-overpass", "producers-table", "amap-table", "markets-table"}
    assert all(Path(s.path).exists() for s in load_sources(DEFAULT_SOURCES))
