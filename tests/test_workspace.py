"""The staff workspace store, on SQLite (the embedded default) and on a real PostgreSQL server:
migrations, accounts and territories, throttled sign-in, revisions with optimistic locking,
history, revert, and the overrides the directory applies."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from courtcircuit.throttle import Throttle
from courtcircuit.workspace import accounts, revisions
from courtcircuit.workspace.accounts import AccountError, Territory
from courtcircuit.workspace.revisions import EditConflict
from courtcircuit.workspace.store import Store, StoreUnavailable

PASSWORD = "un mot de passe de test"


@pytest.fixture
def store(workspace_store: Store) -> Store:
    return workspace_store  # tests/conftest.py: on SQLite and on PostgreSQL


@pytest.fixture
def throttle(tmp_path: Path) -> Throttle:
    return Throttle(tmp_path / "throttle.sqlite3")


def test_opening_twice_migrates_once_and_keeps_data(store: Store) -> None:
    accounts.add_account(store, "Admin@Parc.example", "admin", PASSWORD)
    again = Store(store.url)
    assert [m.email for m in accounts.members(again)] == ["admin@parc.example"]


def test_an_unreachable_store_says_so_in_french(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="indisponible"):
        Store("postgresql://nobody@/nowhere?host=/nonexistent-socket-dir")


# ------------------------------------------------------------------ territories and accounts


def test_territories_parse_departements_and_communes(tmp_path: Path) -> None:
    territory = Territory.parse("63, 42 2a;97411")
    assert territory.codes == ("63", "42", "2A", "97411")
    assert territory.covers("63003") and territory.covers("42218") and territory.covers("2A004")
    assert territory.covers("97411") and not territory.covers("97412") and not territory.covers("43157")
    assert not territory.covers(None)
    with pytest.raises(AccountError, match="ni un département"):
        Territory.parse("63, Auvergne")
    charter = tmp_path / "charte.csv"
    charter.write_text("code_insee;nom\n63003;Ambert\n63004;Arconsat\n\n", encoding="utf-8")
    parc = Territory.from_file(charter, "PNR Livradois-Forez")
    assert parc.codes == ("63003", "63004") and parc.covers("63003") and not parc.covers("63005")


def test_an_epci_territory_is_its_member_communes(communes) -> None:
    # Communauté de communes Ambert Livradois Forez (SIREN 200070761), 58 communes.
    territory = Territory.parse("200070761, 42", communes=communes)
    assert territory.name == "Communauté de communes Ambert Livradois Forez"
    assert territory.covers("63003") and territory.covers("42218") and not territory.covers("63113")
    assert len(territory.codes) == 59
    with pytest.raises(AccountError, match="EPCI inconnu"):
        Territory.parse("999999999", communes=communes)
    with pytest.raises(AccountError, match="index des communes"):
        Territory.parse("200070761")


def test_accounts_have_roles_and_editors_a_territory(store: Store) -> None:
    editor = accounts.add_account(store, "edit@parc.example", "editor", PASSWORD, Territory.parse("63"))
    assert editor.can_edit("63003") and not editor.can_edit("42218") and not editor.can_moderate
    admin = accounts.add_account(store, "admin@parc.example", "admin", PASSWORD)
    assert admin.can_edit("42218") and admin.can_moderate and admin.is_admin
    with pytest.raises(AccountError, match="existe déjà"):
        accounts.add_account(store, "EDIT@parc.example", "editor", PASSWORD, Territory.parse("42"))
    with pytest.raises(AccountError, match="territoire"):
        accounts.add_account(store, "x@parc.example", "editor", PASSWORD)
    with pytest.raises(AccountError, match="rôle inconnu"):
        accounts.add_account(store, "y@parc.example", "chef", PASSWORD)
    with pytest.raises(AccountError, match="au moins"):
        accounts.add_account(store, "z@parc.example", "admin", "court")
    with pytest.raises(AccountError, match="e-mail"):
        accounts.add_account(store, "pas une adresse", "admin", PASSWORD)


def test_sign_in_logs_and_refuses_wrong_passwords(store: Store, throttle: Throttle) -> None:
    accounts.add_account(store, "edit@parc.example", "editor", PASSWORD, Territory.parse("63"))
    ok = accounts.sign_in(store, " Edit@Parc.example ", PASSWORD, throttle, "client-1")
    assert ok.member is not None and ok.member.territory.codes == ("63",)
    wrong = accounts.sign_in(store, "edit@parc.example", "mauvais mot de passe", throttle, "client-1")
    assert wrong.member is None and wrong.message == "E-mail ou mot de passe incorrect."
    unknown = accounts.sign_in(store, "personne@parc.example", PASSWORD, throttle, "client-1")
    assert unknown.member is None and unknown.message == wrong.message  # no account enumeration
    events = [(e.email, e.event) for e in accounts.recent_events(store)]
    assert ("edit@parc.example", "sign_in") in events and ("edit@parc.example", "sign_in_failed") in events


def test_the_30th_wrong_password_is_refused_without_hashing(
    store: Store, throttle: Throttle, monkeypatch
) -> None:
    accounts.add_account(store, "edit@parc.example", "editor", PASSWORD, Territory.parse("63"))
    checks = []
    import courtcircuit.staff as staff

    real = staff.check_password
    monkeypatch.setattr(staff, "check_password", lambda p, h: checks.append(1) or real(p, h))
    clock = [1_000_000.0]
    throttle.clock = lambda: clock[0]
    for _ in range(29):
        accounts.sign_in(store, "edit@parc.example", "mauvais", throttle, "client-2")
        clock[0] += 1
    hashed = len(checks)
    last = accounts.sign_in(store, "edit@parc.example", PASSWORD, throttle, "client-2")
    assert last.member is None
    assert "réessayez" in last.message.lower() or "verrouill" in last.message
    assert len(checks) == hashed  # the 30th was refused before Argon2 ran
    assert hashed < 29  # most of the 29 before were refused without hashing as well
    accounts.unlock(store, throttle, "admin@parc.example", "edit@parc.example")
    assert ("edit@parc.example", "unlocked") in [(e.email, e.event) for e in accounts.recent_events(store)]


def test_change_password(store: Store, throttle: Throttle) -> None:
    accounts.add_account(store, "edit@parc.example", "editor", PASSWORD, Territory.parse("63"))
    with pytest.raises(AccountError, match="actuel incorrect"):
        accounts.change_password(store, "edit@parc.example", "faux", "un nouveau mot de passe")
    accounts.change_password(store, "edit@parc.example", PASSWORD, "un nouveau mot de passe")
    assert accounts.sign_in(store, "edit@parc.example", "un nouveau mot de passe", throttle, "c").member


# ------------------------------------------------------------------ revisions


def test_revisions_history_overrides_and_revert(store: Store) -> None:
    first = revisions.save(
        store, "cc-1", 0, {"phone": (None, "+33473000000")}, "a@parc.example", reason="appel"
    )
    second = revisions.save(
        store, "cc-1", 1, {"phone": ("+33473000000", "+33473111111"), "name": ("Ferme", "Ferme du Bois")},
        "b@parc.example",
    )  # fmt: skip
    assert (first.number, second.number) == (1, 2)
    assert revisions.overrides(store) == {"cc-1": {"phone": "+33473111111", "name": "Ferme du Bois"}}
    assert [r.number for r in revisions.history(store, "cc-1")] == [2, 1]
    undo = revisions.revert(
        store, second.id, "a@parc.example", {"phone": "+33473111111", "name": "Ferme du Bois"}
    )
    assert undo.kind == "revert" and undo.number == 3 and undo.reverts == second.id
    assert revisions.overrides(store)["cc-1"] == {"phone": "+33473000000", "name": "Ferme"}
    assert "annule la révision n° 2" in undo.reason


def test_a_second_save_on_the_same_base_is_a_conflict_not_an_overwrite(store: Store) -> None:
    revisions.save(store, "cc-2", 0, {"phone": (None, "+33473000001")}, "a@parc.example")
    with pytest.raises(EditConflict) as conflict:
        revisions.save(store, "cc-2", 0, {"phone": (None, "+33473000002")}, "b@parc.example")
    assert conflict.value.their_values() == {"phone": "+33473000001"}
    assert "a@parc.example" in str(conflict.value)
    assert revisions.overrides(store)["cc-2"] == {
        "phone": "+33473000001"
    }  # nothing lost, nothing overwritten


def test_racing_saves_from_threads_never_both_win(store: Store) -> None:
    """Many writers on one base revision (as several app servers would be): exactly one wins."""
    outcomes: list[str] = []

    def write(n: int) -> None:
        try:
            revisions.save(store, "cc-3", 0, {"city": (None, f"ville {n}")}, f"p{n}@parc.example")
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("saved") == 1 and outcomes.count("conflict") == 7
    assert len(revisions.history(store, "cc-3")) == 1


def test_unknown_fields_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="champs inconnus"):
        revisions.save(store, "cc-4", 0, {"geom": (None, "x")}, "a@parc.example")
