"""Buyers' needs (courtcircuit.needs, stored by courtcircuit.workspace.needs) and the staff password
(courtcircuit.staff): validation in French, the review workflow on SQLite and PostgreSQL, and needs
kept in the workspace store, safe from directory rebuilds."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from courtcircuit.db import REPO_ROOT, connect
from courtcircuit.needs import MAX_TEXT, InvalidNeed, NeedDraft, validate
from courtcircuit.staff import (
    ENV_VAR,
    MIN_LENGTH,
    StaffNotConfigured,
    check_password,
    configured_hash,
    hash_password,
)
from courtcircuit.workspace.needs import NeedStore
from courtcircuit.workspace.store import Store
from etl.build import build
from etl.sources import load_sources
from tests.conftest import SUPPLIER_FIXTURES

DRAFT = NeedDraft(
    store_kind="supermarche",
    place_label="Ambert",
    lat=45.549014,
    lon=3.743204,
    product="oeufs",
    volume="200 douzaines",
    frequency="chaque semaine",
    constraints="livraison avant 9 h",
    contact_name="Claire Martin",
    contact_email="achats@magasin.example.fr",
    contact_phone="04 73 82 00 00",
)


@pytest.fixture
def needs(workspace_store: Store) -> NeedStore:
    """Needs in a fresh workspace store, on SQLite and on PostgreSQL."""
    return NeedStore(workspace_store)


def problems(draft: NeedDraft) -> list[str]:
    with pytest.raises(InvalidNeed) as err:
        validate(draft)
    return err.value.problems


# ------------------------------------------------------------------ validation


def test_a_complete_draft_is_cleaned():
    clean = validate(replace(DRAFT, volume="  200 douzaines ", contact_name=" Claire Martin "))
    assert clean.volume == "200 douzaines" and clean.contact_name == "Claire Martin"
    assert clean.contact_phone == "+33473820000"  # E.164


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"volume": " "}, "indiquez le volume"),
        ({"frequency": ""}, "indiquez la fréquence"),
        ({"contact_name": ""}, "indiquez le nom du contact"),
        ({"contact_email": "", "contact_phone": ""}, "laissez un e-mail ou un téléphone pour être contacté"),
        ({"contact_email": "pas-une-adresse"}, "adresse e-mail invalide : « pas-une-adresse »"),
        ({"contact_email": "a@b"}, "adresse e-mail invalide"),
        ({"contact_phone": "12"}, "numéro de téléphone invalide : « 12 »"),
        ({"contact_phone": "04 73 82"}, "numéro de téléphone invalide"),
        ({"product": "caviar"}, "choisissez une famille de produits"),
        ({"store_kind": "hangar"}, "type d'établissement inconnu"),
        ({"lat": 95.0}, "position de l'établissement invalide"),
        ({"constraints": "x" * (MAX_TEXT + 1)}, f"contraintes : {MAX_TEXT} caractères au plus"),
    ],
)
def test_validate_rejects_with_a_french_message(change, message):
    found = problems(replace(DRAFT, **change))
    assert len(found) == 1, found
    assert found[0].startswith(message)


def test_validate_lists_every_problem_at_once():
    found = problems(replace(DRAFT, volume="", frequency="", contact_email="x", product="zz"))
    assert len(found) == 4
    assert str(InvalidNeed(found)) == " ; ".join(found)


def test_email_alone_or_phone_alone_is_enough():
    assert validate(replace(DRAFT, contact_phone="")).contact_phone == ""
    assert validate(replace(DRAFT, contact_email="")).contact_email == ""


# ------------------------------------------------------------------ review


def test_a_submitted_need_is_pending_and_not_public(needs):
    number = needs.submit(DRAFT)
    (need,) = needs.list()
    assert need.id == number and need.status == "pending" and need.reviewed_at is None
    assert needs.list("pending") == [need]
    assert needs.public() == []


def test_an_invalid_need_is_not_stored(needs):
    with pytest.raises(InvalidNeed):
        needs.submit(replace(DRAFT, volume=""))
    assert needs.list() == []


def test_an_accepted_need_is_public(needs):
    number = needs.submit(DRAFT)
    needs.review(number, "accepted", "  ok  ")
    (need,) = needs.public()
    assert need.id == number and need.status == "accepted" and need.review_note == "ok"
    assert need.reviewed_at is not None
    assert need.title == "Œufs : 200 douzaines, chaque semaine"


def test_a_rejected_need_is_not_public(needs):
    kept, refused = needs.submit(DRAFT), needs.submit(replace(DRAFT, product="miel"))
    needs.review(kept, "accepted")
    needs.review(refused, "rejected")
    assert [n.id for n in needs.public()] == [kept]
    assert [n.id for n in needs.list("rejected")] == [refused]
    assert needs.list("pending") == []


def test_reviewing_an_unknown_need_is_a_key_error(needs):
    with pytest.raises(KeyError):
        needs.review(999, "accepted")


def test_a_review_is_accepted_or_rejected(needs):
    number = needs.submit(DRAFT)
    with pytest.raises(ValueError):
        needs.review(number, "pending")
    with pytest.raises(ValueError):
        needs.list("published")


def test_html_is_stored_verbatim(needs):
    hostile = '<script>alert("x")</script> **gras** [clic](javascript:alert(1))'
    needs.submit(
        replace(DRAFT, constraints=hostile, contact_name="<b>Claire</b>", place_label="<i>Ambert</i>")
    )
    (need,) = needs.list()
    assert need.constraints == hostile  # escaped where it is shown (ui.text.md), not when stored
    assert need.contact_name == "<b>Claire</b>" and need.place_label == "<i>Ambert</i>"


def test_sql_in_text_is_only_text(needs):
    needs.submit(replace(DRAFT, volume="1'); DROP TABLE needs; --"))
    (need,) = needs.list()
    assert need.volume == "1'); DROP TABLE needs; --"


def test_the_needs_live_in_the_workspace_store_the_environment_names(tmp_path, monkeypatch):
    monkeypatch.delenv("COURT_CIRCUIT_WORKSPACE", raising=False)
    assert NeedStore().url == f"sqlite:///{REPO_ROOT / 'data' / 'workspace.sqlite3'}"  # not opened here
    workspace = tmp_path / "elsewhere" / "workspace.sqlite3"
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{workspace}")
    number = NeedStore().submit(DRAFT)
    with sqlite3.connect(workspace) as raw:
        assert raw.execute("SELECT id, status FROM needs").fetchall() == [(number, "pending")]


# ------------------------------------------------------------------ needs survive a rebuild


def test_needs_survive_a_rebuild_of_the_directory(tmp_path, monkeypatch, communes):
    directory = tmp_path / "court-circuit.duckdb"
    workspace = tmp_path / "workspace.sqlite3"
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{workspace}")
    sources = load_sources(SUPPLIER_FIXTURES / "sources.toml")

    build(directory, sources, decisions=None, progress=False, communes=communes)
    needs = NeedStore()
    number = needs.submit(DRAFT)
    needs.review(number, "accepted")
    first_build = directory.stat().st_mtime_ns

    build(directory, sources, decisions=None, progress=False, communes=communes)
    assert directory.stat().st_mtime_ns != first_build  # really rebuilt and swapped in

    assert [n.id for n in NeedStore().public()] == [number]
    # The directory knows nothing of needs: they are in the workspace store, not the DuckDB file.
    con = connect(directory, read_only=True)
    try:
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()
    assert "needs" not in tables
    with sqlite3.connect(workspace) as raw:
        assert raw.execute("SELECT status FROM needs WHERE id = ?", (number,)).fetchone() == ("accepted",)


# ------------------------------------------------------------------ staff password


def test_hash_password_refuses_short_passwords():
    with pytest.raises(ValueError, match=f"au moins {MIN_LENGTH} caractères"):
        hash_password("x" * (MIN_LENGTH - 1))


def test_check_password():
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2")
    assert check_password("correct horse battery", stored)
    assert not check_password("correct horse batterie", stored)
    assert not check_password("", stored)
    assert not check_password("correct horse battery", "pas un hash")


def test_staff_is_closed_without_a_configured_hash(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(StaffNotConfigured, match="fermé"):
        configured_hash()
    with pytest.raises(StaffNotConfigured):
        configured_hash({})
    with pytest.raises(StaffNotConfigured):  # a plain password is not a hash
        configured_hash({"staff_password_hash": "motdepasse-en-clair"})
    monkeypatch.setenv(ENV_VAR, "motdepasse-en-clair")
    with pytest.raises(StaffNotConfigured):
        configured_hash()


def test_staff_hash_comes_from_the_environment_or_the_secrets(monkeypatch):
    stored = hash_password("correct horse battery")
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert configured_hash({"staff_password_hash": stored}) == stored
    monkeypatch.setenv(ENV_VAR, stored)
    assert configured_hash() == stored


def test_no_staff_secret_ships_with_the_code():
    streamlit_dir = REPO_ROOT / ".streamlit"
    assert not (streamlit_dir / "secrets.toml").exists()
    for path in streamlit_dir.glob("*") if streamlit_dir.exists() else []:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "$argon2" not in text and "staff_password" not in text, path
    # Nor anywhere in the code: no hash literal is a default.
    for folder in ("courtcircuit", "ui", "pages"):
        for path in Path(REPO_ROOT / folder).rglob("*.py"):
            assert "$argon2id$" not in path.read_text(encoding="utf-8"), path
