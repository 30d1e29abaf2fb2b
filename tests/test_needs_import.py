"""The one-time move of buyers' needs from their old SQLite file (data/needs.sqlite3, or the file
COURT_CIRCUIT_NEEDS_DB named) into the workspace store, on SQLite and on PostgreSQL: a Parc
upgrading keeps its needs, numbers and decisions, once, and the old file is left untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from courtcircuit.db import REPO_ROOT
from courtcircuit.needs import DuplicateNeed
from courtcircuit.workspace.needs import NeedStore, needs_from_environment
from courtcircuit.workspace.needs_import import import_legacy_needs, legacy_needs_path
from courtcircuit.workspace.store import Store
from tests.test_needs import DRAFT

# The old needs file's table, as courtcircuit/needs.py created it before the move (public_contact
# was added to older files by an ALTER TABLE; OLDEST has none).
OLD_SCHEMA = """
CREATE TABLE needs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, store_kind TEXT NOT NULL,
    place_label TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL, product TEXT NOT NULL,
    volume TEXT NOT NULL, frequency TEXT NOT NULL, constraints TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL, contact_email TEXT, contact_phone TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    reviewed_at TEXT, review_note TEXT{public_contact}
);
"""
INSERT = (
    "INSERT INTO needs (id, created_at, store_kind, place_label, lat, lon, product, volume, frequency, "
    "constraints, contact_name, contact_email, contact_phone, status, reviewed_at, review_note) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
OLD_NEEDS = [
    (3, "2026-03-02T08:00:00+00:00", "supermarche", "Ambert", 45.549014, 3.743204, "oeufs", "200 douzaines",
     "chaque semaine", "quai avant 9 h", "Claire Martin", "achats@magasin.example.fr", "+33473820000",
     "accepted", "2026-03-03T10:30:00+00:00", "vu avec le PAT"),
    (7, "2026-04-10T15:20:00+00:00", "restauration_collective", "Cantine d'Ambert", 45.55, 3.74, "miel",
     "50 kg", "par mois", "", "Paul", None, "+33473000001", "pending", None, None),
    (9, "2026-05-01T09:00:00+00:00", "supermarche", "Ambert", 45.549014, 3.743204, "fromages", "30 kg",
     "chaque semaine", "", "Claire Martin", "achats@magasin.example.fr", None, "rejected",
     "2026-05-02T09:00:00+00:00", None),
]  # fmt: skip


def old_needs_file(path: Path, *, public_contact: bool = True) -> Path:
    """An old needs file holding OLD_NEEDS (the first with a published contact if the column exists)."""
    con = sqlite3.connect(path)
    try:
        con.executescript(OLD_SCHEMA.format(public_contact=", public_contact TEXT" if public_contact else ""))
        con.executemany(INSERT, OLD_NEEDS)
        if public_contact:
            con.execute("UPDATE needs SET public_contact = 'standard 04 73 82 00 00' WHERE id = 3")
        con.commit()
    finally:
        con.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_old_needs_are_copied_with_their_numbers_statuses_and_dates(workspace_store: Store, tmp_path):
    old = old_needs_file(tmp_path / "needs.sqlite3")
    before = digest(old)
    assert import_legacy_needs(workspace_store, old) == 3
    needs = NeedStore(workspace_store)
    assert [(n.id, n.status) for n in needs.list()] == [(9, "rejected"), (7, "pending"), (3, "accepted")]
    (published,) = needs.public()
    assert published.created_at == "2026-03-02T08:00:00+00:00"
    assert published.reviewed_at == "2026-03-03T10:30:00+00:00" and published.review_note == "vu avec le PAT"
    assert published.public_contact == "standard 04 73 82 00 00" and published.contact_phone == "+33473820000"
    assert published.title == "Œufs : 200 douzaines, chaque semaine"
    (waiting,) = needs.list("pending")
    assert waiting.contact_email is None and waiting.constraints == "" and waiting.public_contact is None
    assert digest(old) == before  # only read
    # A new need is numbered after the copied ones (PostgreSQL's sequence was moved past them).
    assert needs.submit(replace(DRAFT, product="legumes")) == 10


def test_the_copy_happens_once(workspace_store: Store, tmp_path):
    old = old_needs_file(tmp_path / "needs.sqlite3")
    assert import_legacy_needs(workspace_store, old) == 3
    assert import_legacy_needs(workspace_store, old) == 0
    needs = NeedStore(workspace_store)
    needs.delete_many([7])  # erased at the buyer's request: it must not come back
    assert import_legacy_needs(workspace_store, old) == 0
    assert sorted(n.id for n in needs.list()) == [3, 9]


def test_a_workspace_that_already_has_needs_takes_nothing(workspace_store: Store, tmp_path):
    number = NeedStore(workspace_store).submit(DRAFT)
    assert import_legacy_needs(workspace_store, old_needs_file(tmp_path / "needs.sqlite3")) == 0
    assert [n.id for n in NeedStore(workspace_store).list()] == [number]


def test_a_file_from_before_the_public_contact_is_copied_without_publishing_a_contact(
    workspace_store, tmp_path
):
    old = old_needs_file(tmp_path / "needs.sqlite3", public_contact=False)
    assert import_legacy_needs(workspace_store, old) == 3
    (published,) = NeedStore(workspace_store).public()
    assert published.public_contact is None  # its private contact is not shown to the public


def test_a_missing_empty_or_unreadable_old_file_copies_nothing(tmp_path, caplog):
    store = Store(f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    assert import_legacy_needs(store, tmp_path / "absent.sqlite3") == 0
    sqlite3.connect(tmp_path / "empty.sqlite3").close()  # created by an old server, never used
    assert import_legacy_needs(store, tmp_path / "empty.sqlite3") == 0
    (tmp_path / "garbage.sqlite3").write_bytes(b"pas une base SQLite\n" * 200)
    assert import_legacy_needs(store, tmp_path / "garbage.sqlite3") == 0
    assert "illisible" in caplog.text
    assert NeedStore(store).list() == []


def test_the_old_file_is_found_where_the_former_variable_said(tmp_path, monkeypatch):
    monkeypatch.delenv("COURT_CIRCUIT_NEEDS_DB")
    assert legacy_needs_path() == REPO_ROOT / "data" / "needs.sqlite3"
    monkeypatch.setenv("COURT_CIRCUIT_NEEDS_DB", str(tmp_path / "old" / "besoins.sqlite3"))
    assert legacy_needs_path() == tmp_path / "old" / "besoins.sqlite3"


def test_the_app_copies_the_old_file_when_it_first_opens_the_needs(tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_NEEDS_DB", str(old_needs_file(tmp_path / "needs.sqlite3")))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    assert [n.id for n in needs_from_environment().public()] == [3]
    assert len(needs_from_environment().list()) == 3  # a restart: still three, not six


def test_a_copied_need_still_counts_as_a_duplicate(workspace_store: Store, tmp_path):
    import_legacy_needs(workspace_store, old_needs_file(tmp_path / "needs.sqlite3"))
    with pytest.raises(DuplicateNeed):  # need n° 3, published before the move
        NeedStore(workspace_store).submit(replace(DRAFT, constraints="Quai avant  9 h"))
