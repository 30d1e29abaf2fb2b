"""Public suggestions in the workspace store, on SQLite and on a real PostgreSQL server: what is
refused (size, HTML, duplicates, rate limits), the honeypot, the queue, accepting (a revision
credited to the public, published; a new place becomes a listing) and refusing. The submitter's
e-mail reaches neither the directory file nor any revision."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import connect
from courtcircuit.throttle import Throttle
from courtcircuit.workspace import revisions
from courtcircuit.workspace import suggestions as sg
from courtcircuit.workspace.revisions import PUBLIC_SUGGESTION
from courtcircuit.workspace.store import Store

FARM = "Ferme du Bord"
SECRET = "moi.secret@exemple.fr"
PLACE = {"name": "Ferme des Suggestions", "kind": "producteur", "postcode": "63600", "city": "Ambert",
         "products": ["oeufs"], "phone": "04 73 82 12 34"}  # fmt: skip


@pytest.fixture
def store(workspace_store: Store) -> Store:
    return workspace_store  # tests/conftest.py: on SQLite and on PostgreSQL


@pytest.fixture
def db(supplier_build, tmp_path) -> Path:
    copy = tmp_path / "directory.duckdb"
    shutil.copyfile(supplier_build.db, copy)
    return copy


@pytest.fixture
def farm_id(db) -> str:
    con = connect(db, read_only=True)
    try:
        return con.execute("SELECT id FROM listings WHERE name = ?", [FARM]).fetchone()[0]
    finally:
        con.close()


def listing(db: Path, listing_id: str) -> dict:
    con = connect(db, read_only=True)
    try:
        cur = con.execute("SELECT * EXCLUDE (geom) FROM listings WHERE id = ?", [listing_id])
        return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    finally:
        con.close()


def test_refusals_say_why_in_french(store: Store, farm_id: str) -> None:
    cases = {
        ("phone", ""): "indiquez la nouvelle valeur",
        ("phone", "x" * 501): "500 caractères au plus",
        ("name", "<script>alert(1)</script>"): "HTML",
        ("website", "javascript:alert(1)"): "HTML",
        ("description", "<img src=x onerror=alert(1)>"): "HTML",
        ("siret", "123"): "choisissez ce qui est à corriger",
    }
    for (field, value), message in cases.items():
        with pytest.raises(sg.InvalidSuggestion, match=message):
            sg.submit(store, farm_id, field, value)
    with pytest.raises(sg.InvalidSuggestion, match="e-mail invalide"):
        sg.submit(store, farm_id, "phone", "04 73 00 00 00", email="pas une adresse")
    with pytest.raises(sg.InvalidSuggestion, match="nom du lieu"):
        sg.submit(store, None, "", {**PLACE, "name": ""})
    with pytest.raises(sg.InvalidSuggestion, match="HTML"):
        sg.submit(store, None, "", {**PLACE, "name": "<b>Ferme</b>"})
    assert sg.pending(store) == []


def test_a_duplicate_waiting_is_refused_and_limits_apply(store: Store, farm_id: str, tmp_path: Path) -> None:
    throttle = Throttle(tmp_path / "t.sqlite3", clock=lambda: 2_000_000_000.0)
    sent = sg.submit(store, farm_id, "phone", "04 73 82 00 01", session="a", client="c", throttle=throttle)
    with pytest.raises(sg.DuplicateSuggestion):
        sg.submit(store, farm_id, "phone", " 04 73 82  00 01 ", session="a", client="c", throttle=throttle)
    for i in range(2, sg.PER_SESSION_PER_HOUR + 1):
        sg.submit(store, farm_id, "phone", f"04 73 82 00 0{i}", session="a", client="c", throttle=throttle)
    with pytest.raises(sg.TooManySuggestions, match="réessayez dans"):
        sg.submit(store, farm_id, "phone", "04 73 82 00 09", session="a", client="c", throttle=throttle)
    sg.submit(store, farm_id, "phone", "04 73 82 00 09", session="b", client="c", throttle=throttle)
    assert len(sg.pending(store)) == sg.PER_SESSION_PER_HOUR + 1 and sg.pending(store)[0].id == sent
    sg.refuse(store, [sent], "modo@parc.example")
    sg.submit(store, farm_id, "phone", "04 73 82 00 01")  # refused once: may be sent again


def test_a_filled_honeypot_is_recorded_as_refused(store: Store, farm_id: str) -> None:
    number = sg.submit(store, farm_id, "phone", "<a href=x>spam</a>", honeypot="https://spam.example")
    trapped = sg.get(store, number)
    assert trapped is not None and trapped.status == "refused" and trapped.handled_by == sg.HONEYPOT
    assert sg.pending(store) == []


def test_accepting_a_correction_writes_a_public_revision_and_publishes(
    store: Store, db: Path, farm_id: str, communes: CommuneIndex
) -> None:
    number = sg.submit(store, farm_id, "phone", "04 73 82 11 22", email=SECRET, client="ip:1")
    done = sg.accept(store, number, "modo@parc.example", db=db, communes=communes)
    assert done.published and done.listing_id == farm_id
    (saved,) = revisions.history(store, farm_id)
    assert saved.author == PUBLIC_SUGGESTION and saved.kind == "suggestion"
    assert saved.changes["phone"][1] == "+33473821122"
    assert SECRET not in repr(saved)
    row = listing(db, farm_id)
    assert row["phone"] == "+33473821122" and SECRET not in repr(row)
    assert sg.get(store, number).status == "accepted"
    with pytest.raises(sg.InvalidSuggestion, match="déjà été traitée"):
        sg.accept(store, number, "modo@parc.example", db=db, communes=communes)


def test_a_bad_value_cannot_be_accepted_and_stays_pending(
    store: Store, db: Path, farm_id: str, communes: CommuneIndex
) -> None:
    number = sg.submit(store, farm_id, "phone", "pas un numéro")
    with pytest.raises(sg.InvalidSuggestion, match="Téléphone"):
        sg.accept(store, number, "modo@parc.example", db=db, communes=communes)
    assert sg.get(store, number).status == "pending"
    assert revisions.history(store, farm_id) == []
    assert sg.refuse(store, [number], "modo@parc.example") == 1
    assert sg.get(store, number).status == "refused"


def test_a_closed_place_and_a_new_place(store: Store, db: Path, farm_id: str, communes: CommuneIndex) -> None:
    closed = sg.submit(store, farm_id, "status", "peu importe")
    sg.accept(store, closed, "modo@parc.example", db=db, communes=communes)
    assert listing(db, farm_id)["status"] == "closed"

    number = sg.submit(store, None, "", PLACE, email=SECRET)
    with pytest.raises(sg.DuplicateSuggestion):
        sg.submit(store, None, "", {**PLACE, "name": "ferme des  SUGGESTIONS"})
    done = sg.accept(store, number, "modo@parc.example", db=db, communes=communes)
    assert done.listing_id.startswith("cc-ws-")
    (created,) = revisions.history(store, done.listing_id)
    assert created.kind == "create" and created.author == PUBLIC_SUGGESTION
    row = listing(db, done.listing_id)
    assert row["name"] == PLACE["name"] and row["commune_insee"] == "63003" and row["status"] == "active"
    assert list(row["products"]) == ["oeufs"] and SECRET not in repr(row)


def test_bulk_refuse_leaves_decided_ones(store: Store, farm_id: str) -> None:
    ids = [sg.submit(store, farm_id, "website", f"https://ferme{i}.example.fr") for i in range(3)]
    sg.refuse(store, ids[:1], "a@parc.example")
    assert sg.refuse(store, ids, "b@parc.example") == 2
    assert sg.pending(store) == []
    assert sg.get(store, ids[0]).handled_by == "a@parc.example"


def test_contacts_of_decided_suggestions_are_forgotten_after_a_year(store: Store, farm_id: str) -> None:
    old = sg.submit(store, farm_id, "phone", "04 73 82 00 01", email=SECRET, client="ip:1")
    waiting = sg.submit(store, farm_id, "phone", "04 73 82 00 02", email=SECRET, client="ip:1")
    sg.refuse(store, [old], "modo@parc.example")
    assert sg.forget_contacts(store) == 0  # decided today: kept for now
    assert sg.forget_contacts(store, days=-1) == 1
    assert sg.get(store, old).email == "" and sg.get(store, waiting).email == SECRET
