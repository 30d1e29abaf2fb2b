"""Staff values whose listing is not their right home any more: a listing staff created that a
source later brings too (found as a twin, its values moved, itself closed), and edits waiting on
an id the directory lost (listed, then moved onto the listing staff choose). Real directory built
from the fixture sources, real workspace store on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import connect
from courtcircuit.edits import new_listing_id, publish_edits, validate_edit
from courtcircuit.listing import get_listing
from courtcircuit.search import search
from courtcircuit.staff_moves import move_edits, source_twins, waiting_edits
from courtcircuit.workspace import revisions
from courtcircuit.workspace.store import Store

EDITOR = "editrice@parc.example"


@pytest.fixture
def db(small_build, tmp_path: Path) -> Path:
    path = tmp_path / "annuaire.duckdb"
    shutil.copyfile(small_build.db, path)
    return path


def named(db: Path, name: str) -> str:
    with connect(db) as con:
        (found,) = con.execute(
            "SELECT id FROM listings WHERE name = ? AND id NOT LIKE 'cc-ws-%'", [name]
        ).fetchone()
    return found


def create(store: Store, db: Path, communes: CommuneIndex, **values: object) -> str:
    check = validate_edit({}, values, communes)
    assert check.ok, check.errors
    new_id = new_listing_id(store)
    revisions.save(store, new_id, 0, {n: (None, v) for n, v in check.values.items()}, EDITOR, kind="create")
    publish_edits(db, store)
    return new_id


def test_a_created_listing_a_source_brings_too_is_found_and_merged(
    db: Path, workspace_store: Store, communes: CommuneIndex
) -> None:
    store = workspace_store
    sapins = named(db, "Ferme des Sapins")  # osm node/1007, Ambert (45.54, 3.76)
    created = create(store, db, communes, kind="producteur", name="Ferme des sapins", lat=45.5406, lon=3.7604,
                     phone="04 73 00 11 22", opening_hours="samedi 9h-12h")  # fmt: skip
    far = create(store, db, communes, kind="producteur", name="Ferme des Sapins", lat=45.62, lon=3.74)
    other = create(store, db, communes, kind="producteur", name="Miellerie Haute", lat=45.5401, lon=3.7601)
    with connect(db) as con:
        assert [n.id for n in source_twins(con, created)] == [sapins]
        assert source_twins(con, far) == []  # 9 km away: another place of the same name
        assert source_twins(con, other) == []  # next door, another name
        assert source_twins(con, sapins) == []  # only for listings staff created
        report = move_edits(store, con, created, sapins, EDITOR)
    assert report.target is not None and report.closed is not None
    assert report.target.changes["phone"][1] == "+33473001122"
    # The source's values that staff values replaced are reported (the page shows them).
    assert report.differed["name"] == "Ferme des Sapins" and {"lat", "lon"} <= set(report.differed)
    assert "phone" not in report.differed  # the source had none
    publish_edits(db, store)
    with connect(db) as con:
        assert get_listing(con, sapins)["phone"] == "+33473001122"
        assert get_listing(con, sapins)["opening_hours"] == "Sa 09:00-12:00"
        assert get_listing(con, created)["status"] == "closed"  # kept, out of the public search
        shown = set(search(con, None).listings["id"])
    assert sapins in shown and created not in shown
    assert revisions.history(store, created)[0].reason.startswith("même lieu que la fiche")


def test_edits_on_a_lost_listing_wait_until_moved(db: Path, workspace_store: Store) -> None:
    store = workspace_store
    lost = "cc-0123456789ab"  # an id the sources no longer give (merged into another listing)
    revisions.save(store, lost, 0, {"phone": ("+33473820000", "+33473829999")}, EDITOR)
    roux = named(db, "Ferme Roux")
    with connect(db) as con:
        (waiting,) = waiting_edits(store, con)
        assert (waiting.listing_id, waiting.fields, waiting.last_author) == (lost, ["phone"], EDITOR)
        report = move_edits(store, con, lost, roux, EDITOR)
        assert report.closed is None and report.differed == {"phone": "+33473820001"}
        assert waiting_edits(store, con) == []  # moved: no longer waiting
    publish_edits(db, store)
    with connect(db) as con:
        assert get_listing(con, roux)["phone"] == "+33473829999"
    assert revisions.history(store, lost)[0].kind == "moved"


def test_a_move_is_refused_onto_itself_or_a_listing_that_does_not_exist(
    db: Path, workspace_store: Store
) -> None:
    roux = named(db, "Ferme Roux")
    with connect(db) as con:
        with pytest.raises(ValueError, match="elle-même"):
            move_edits(workspace_store, con, roux, roux, EDITOR)
        with pytest.raises(ValueError, match="introuvable"):
            move_edits(workspace_store, con, roux, "cc-ffffffffffff", EDITOR)
