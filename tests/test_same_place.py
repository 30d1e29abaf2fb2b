"""« Même lieu que… » / « pas le même lieu que… »: decisions kept in a real SQLite workspace store,
honoured by the next real ETL build of the fixture sources; and the staff edit view's section
through AppTest (nearby search, decision saved, listed, deleted)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courtcircuit.db import connect
from courtcircuit.same_place import members, nearby
from courtcircuit.workspace import accounts, decisions, revisions
from courtcircuit.workspace.accounts import Territory
from courtcircuit.workspace.store import Store
from etl.build import build
from etl.sources import load_sources
from tests import test_app_staff as staff
from tests.test_app_staff import EDITOR, EDITOR_42, PASSWORD, open_page, sign_in, texts

db, store, people = staff.db, staff.store, staff.people  # the staff space's fixtures

# Two listings of the small fixture sources the resolver keeps apart (900 m, other names)…
APART = ("GAEC des Combes", "GAEC Les Combes")
# … and one it merges from two sources.
MERGED, MARKET, MARKET_OSM = "Marché d'Ambert", ("marches", "M1"), ("osm", "way/2001")


def _listings(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Listing id → its (source, ref) records."""
    con = connect(path, read_only=True)
    try:
        return {
            listing_id: members(con, listing_id)
            for (listing_id,) in con.execute("SELECT id FROM listings").fetchall()
        }
    finally:
        con.close()


@pytest.fixture
def workspace(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'workspace.sqlite3'}")


def _build(path: Path, sources: Path, communes, workspace: Store | None):
    return build(
        path, load_sources(sources), decisions=None, progress=False, communes=communes, workspace=workspace
    )


def test_same_place_merges_and_not_same_place_separates_at_the_next_build(
    tmp_path, fixture_sources, communes, workspace
):
    path = tmp_path / "directory.duckdb"
    first = _build(path, fixture_sources, communes, workspace)
    before = _listings(path)
    ids = _ids(path)
    a, b = (before[ids[name]] for name in APART)
    assert set(before[ids[MERGED]]) == {MARKET, MARKET_OSM}

    # An edit on the listing that loses its id waits in the store (the build does not fail)…
    revisions.save(workspace, ids[APART[1]], 0, {"phone": (None, "+33473820000")}, "edit@parc.example")
    decisions.record(workspace, a, b, True, "edit@parc.example", "même exploitation, deux adresses")
    decisions.record(workspace, [MARKET], [MARKET_OSM], False, "edit@parc.example")
    second = _build(path, fixture_sources, communes, workspace)
    after = _listings(path)
    merged = next(keys for keys in after.values() if set(a) <= set(keys))
    assert set(merged) == set(a) | set(b)
    assert [keys for keys in after.values() if MARKET in keys] == [[MARKET]]
    assert [keys for keys in after.values() if MARKET_OSM in keys] == [[MARKET_OSM]]
    assert second.listings == first.listings  # one merged, one split

    for d in decisions.decisions(workspace):
        assert decisions.remove(workspace, d.id)
    _build(path, fixture_sources, communes, workspace)
    assert _listings(path) == before  # the data decide again, with the same ids
    con = connect(path, read_only=True)
    try:  # … and comes back with it
        assert (
            con.execute("SELECT phone FROM listings WHERE id = ?", [ids[APART[1]]]).fetchone()[0]
            == "+33473820000"
        )
    finally:
        con.close()
    _build(path, fixture_sources, communes, None)  # a build without a store: as before
    assert _listings(path) == before


def test_a_new_decision_on_a_pair_replaces_the_earlier_one(workspace):
    x, y = ("osm", "node/1"), ("pnr", "P-1")
    decisions.record(workspace, [x], [y], True, "a@parc.example")
    decisions.record(workspace, [y], [x], False, "b@parc.example", "deux fermes")
    (kept,) = decisions.decisions(workspace, [x])
    assert (kept.same, kept.author, kept.note) == (False, "b@parc.example", "deux fermes")
    assert decisions.pair_decisions(workspace) == {frozenset({x, y}): False}
    assert decisions.decisions(workspace, [("osm", "autre")]) == []
    with pytest.raises(ValueError, match="aucune source"):
        decisions.record(workspace, [], [x], True, "a@parc.example")
    with pytest.raises(ValueError, match="même source"):
        decisions.record(workspace, [x, y], [x], True, "a@parc.example")


# ------------------------------------------------------------------ the staff edit view (AppTest)

BAKERY, GROCERY = "Fournil de la Mairie", "Épicerie du Coin"  # 2 km apart in Ambert (supplier fixture)


def _ids(path: Path) -> dict[str, str]:
    con = connect(path, read_only=True)
    try:
        return dict(con.execute("SELECT name, id FROM listings").fetchall())
    finally:
        con.close()


def test_nearby_finds_listings_by_name_nearest_first(db):
    con = connect(db, read_only=True)
    try:
        bakery = _ids(db)[BAKERY]
        around = nearby(con, bakery)
        named = nearby(con, bakery, "epicerie")
    finally:
        con.close()
    assert [n.name for n in named] == [GROCERY]
    assert [n.km for n in around] == sorted(n.km for n in around) and all(n.km <= 5 for n in around)
    assert BAKERY not in [n.name for n in around]


def test_the_edit_view_records_lists_and_deletes_a_decision(people, db):
    ids = _ids(db)
    at = sign_in(open_page({"id": ids[BAKERY]}), EDITOR)
    at.text_input(key="staff_same_find").input("épicerie").run()
    assert at.selectbox(key="staff_same_pick").options == [f"{GROCERY} · Ambert · 2,0 km"]
    at.selectbox(key="staff_same_pick").set_value(ids[GROCERY])
    at.radio(key="staff_same_kind").set_value("Même lieu")
    at.text_input(key="staff_same_note").input("même boutique")
    at.button(key="staff_same_save").click().run()
    assert not at.exception, at.exception
    assert any("Décision enregistrée" in s for s in texts(at.success))
    (kept,) = decisions.decisions(people)
    assert {kept.a, kept.b} == {("rayons", "T05"), ("rayons", "T12")} and kept.same
    assert (kept.author, kept.note) == (EDITOR, "même boutique")
    assert any(c.startswith("Même lieu : rayons T05") and "même boutique" in c for c in texts(at.caption))

    at.button(key=f"staff_same_del_{kept.id}").click().run()
    assert not at.exception, at.exception
    assert decisions.decisions(people) == []


def test_an_editor_cannot_decide_for_a_listing_outside_the_territory(people, db):
    ids = _ids(db)
    at = sign_in(open_page({"id": ids[BAKERY]}), EDITOR_42)  # read-only: no section at all
    assert not [t for t in at.text_input if t.key == "staff_same_find"]


def test_the_edit_view_separates_a_source_a_listing_merged_wrongly(small_build, tmp_path, monkeypatch):
    copy = tmp_path / "small.duckdb"
    shutil.copyfile(small_build.db, copy)
    workspace = Store(f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(copy))
    monkeypatch.setenv("COURT_CIRCUIT_THROTTLE_DB", str(tmp_path / "throttle.sqlite3"))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", workspace.url)
    monkeypatch.setattr("streamlit_folium.st_folium", lambda *a, **k: {})
    accounts.add_account(workspace, EDITOR, "editor", PASSWORD, Territory.parse("63"))
    at = sign_in(open_page({"id": _ids(copy)[MERGED]}), EDITOR)
    split = at.selectbox(key="staff_same_split")
    assert split.options == ["marches M1", "osm way/2001"]
    split.set_value("osm\x1fway/2001")
    at.button(key="staff_same_split_save").click().run()
    assert not at.exception, at.exception
    assert any("Source séparée" in s for s in texts(at.success))
    (kept,) = decisions.decisions(workspace)
    assert {kept.a, kept.b} == {MARKET, MARKET_OSM} and not kept.same
    assert any(c.startswith("Pas le même lieu : osm way/2001") for c in texts(at.caption))

    # A listing outside the editor's communes cannot be decided on (Saint-Ferréol is not Ambert).
    accounts.add_account(workspace, "ambert@parc.example", "editor", PASSWORD, Territory.parse("63003"))
    at = sign_in(open_page({"id": _ids(copy)[MERGED]}), "ambert@parc.example")
    at.text_input(key="staff_same_find").input("rucher").run()
    at.selectbox(key="staff_same_pick").set_value(_ids(copy)["Rucher du Forez"])
    at.radio(key="staff_same_kind").set_value("Pas le même lieu")
    at.button(key="staff_same_save").click().run()
    assert any("hors de votre territoire" in e for e in texts(at.error))
    assert len(decisions.decisions(workspace)) == 1
