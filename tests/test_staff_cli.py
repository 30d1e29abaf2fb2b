"""The administrator's commands (courtcircuit/staff_cli.py, run as ``python -m courtcircuit.staff``):
accounts from the command line, and a backup that restores on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest

from courtcircuit import staff_cli
from courtcircuit.staff import check_password
from courtcircuit.throttle import Throttle
from courtcircuit.workspace import accounts, revisions
from courtcircuit.workspace.accounts import Territory
from courtcircuit.workspace.needs import NeedStore
from courtcircuit.workspace.store import Store
from tests.postgres import fresh_database
from tests.test_needs import DRAFT

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "un mot de passe de test"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'workspace.sqlite3'}")


def run(store: Store, *argv: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = staff_cli.main(list(argv), stdin=io.StringIO(stdin), out=out, store=lambda: store)
    return code, out.getvalue()


def test_add_user_reads_the_password_from_standard_input(store: Store, tmp_path: Path) -> None:
    code, out = run(
        store, "add-user", "Edit@Parc.example", "--role", "editor", "--territory", "63,42",
        "--name", "PNR Livradois-Forez", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0 and "Compte créé : edit@parc.example" in out and "PNR Livradois-Forez" in out
    (member,) = accounts.members(store)
    assert member.role == "editor" and member.territory.codes == ("63", "42")
    throttle = Throttle(tmp_path / "throttle.sqlite3")
    assert accounts.sign_in(store, "edit@parc.example", PASSWORD, throttle, "c").member == member


def test_add_user_with_a_charter_file_and_refusals(store: Store, tmp_path: Path, capsys) -> None:
    charter = tmp_path / "charte.csv"
    charter.write_text("insee;nom\n63003;Ambert\n63004;Arconsat\n", encoding="utf-8")
    code, _ = run(
        store, "add-user", "parc@parc.example", "--role", "editor", "--communes", str(charter),
        "--name", "PNR", stdin=PASSWORD,
    )  # fmt: skip
    assert code == 0
    assert accounts.members(store)[0].territory == Territory(("63003", "63004"), "PNR")
    assert run(store, "add-user", "x@parc.example", "--role", "editor", stdin=PASSWORD)[0] == 1
    assert "territoire" in capsys.readouterr().err
    assert run(store, "add-user", "y@parc.example", "--role", "admin", stdin="court\n")[0] == 1
    assert "au moins 12" in capsys.readouterr().err
    assert run(store, "add-user", "z@parc.example", "--role", "admin", stdin="")[0] == 1
    assert "aucun mot de passe" in capsys.readouterr().err
    assert run(store, "add-user", "parc@parc.example", "--role", "admin", stdin=PASSWORD)[0] == 1
    assert "existe déjà" in capsys.readouterr().err


def test_a_terminal_asks_twice() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter([PASSWORD, PASSWORD])
    assert staff_cli.read_password(Tty(), lambda _: next(answers)) == PASSWORD
    answers = iter([PASSWORD, "autre chose encore"])
    with pytest.raises(staff_cli.CommandError, match="diffèrent"):
        staff_cli.read_password(Tty(), lambda _: next(answers))


def test_list_users_and_unlock(store: Store, tmp_path: Path, monkeypatch) -> None:
    assert "Aucun compte" in run(store, "list-users")[1]
    accounts.add_account(store, "admin@parc.example", "admin", PASSWORD)
    accounts.add_account(store, "edit@parc.example", "editor", PASSWORD, Territory.parse("63"))
    code, out = run(store, "list-users")
    assert code == 0
    assert out.splitlines() == [
        "admin@parc.example\tAdministrateur\tpartout",
        "edit@parc.example\tÉditeur\t63",
    ]
    monkeypatch.setenv("COURT_CIRCUIT_THROTTLE_DB", str(tmp_path / "throttle.sqlite3"))
    assert run(store, "unlock", "Edit@parc.example")[0] == 0
    assert ("edit@parc.example", "unlocked") in [(e.email, e.event) for e in accounts.recent_events(store)]


def test_a_closed_account_signs_in_no_more_and_the_last_admin_stays(
    store: Store, tmp_path: Path, capsys
) -> None:
    accounts.add_account(store, "admin@parc.example", "admin", PASSWORD)
    accounts.add_account(store, "edit@parc.example", "editor", PASSWORD, Territory.parse("63"))
    throttle = Throttle(tmp_path / "throttle.sqlite3")
    assert run(store, "disable-user", "Edit@parc.example") == (0, "Compte fermé : edit@parc.example.\n")
    assert accounts.sign_in(store, "edit@parc.example", PASSWORD, throttle, "ip:1").member is None
    assert [m.email for m in accounts.members(store)] == ["admin@parc.example"]
    assert run(store, "disable-user", "admin@parc.example")[0] == 1
    assert "dernier administrateur" in capsys.readouterr().err
    assert run(store, "disable-user", "personne@parc.example")[0] == 1
    assert run(store, "enable-user", "edit@parc.example")[0] == 0
    assert accounts.sign_in(store, "edit@parc.example", PASSWORD, throttle, "ip:2").member is not None
    logged = [(e.email, e.event, e.detail) for e in accounts.recent_events(store)]
    assert ("edit@parc.example", "disabled", "par ligne de commande") in logged
    assert ("edit@parc.example", "enabled", "par ligne de commande") in logged


def test_the_hash_tool_still_works(store: Store) -> None:
    code, out = run(store, stdin=PASSWORD + "\n")
    assert code == 0 and check_password(PASSWORD, out.strip())
    assert run(store, "hash", stdin=PASSWORD)[0] == 0


def same_times(rows: list[revisions.RevisionView]) -> list[revisions.RevisionView]:
    """SQLite gives naive UTC times back, PostgreSQL aware ones: compare them as UTC."""
    return [replace(r, at=r.at.astimezone(UTC) if r.at.tzinfo else r.at.replace(tzinfo=UTC)) for r in rows]


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_backup_and_restore_round_trip(store: Store, tmp_path: Path, target: str, request) -> None:
    accounts.add_account(store, "admin@parc.example", "admin", PASSWORD)
    accounts.add_account(store, "edit@parc.example", "editor", PASSWORD, Territory.parse("63", "Parc"))
    revisions.save(store, "cc-1", 0, {"phone": (None, "+33473000000")}, "edit@parc.example", reason="appel")
    revisions.save(store, "cc-1", 1, {"labels": ([], ["ab"])}, "edit@parc.example")
    need = NeedStore(store).submit(DRAFT)  # buyers' needs live in the same store
    NeedStore(store).review(need, "accepted", "vu")
    file = tmp_path / "sauvegarde.json"
    code, out = run(store, "backup", str(file))
    assert code == 0 and "accounts 2" in out and "revisions 2" in out and "needs 1" in out
    assert json.loads(file.read_text(encoding="utf-8"))["format"] == staff_cli.BACKUP_FORMAT

    url = (
        f"sqlite:///{tmp_path / 'other.sqlite3'}"
        if target == "sqlite"
        else fresh_database(request.getfixturevalue("postgres"))
    )
    other = Store(url)
    assert run(other, "restore", str(file))[0] == 0
    assert accounts.members(other) == accounts.members(store)
    assert same_times(revisions.history(other, "cc-1")) == same_times(revisions.history(store, "cc-1"))
    assert revisions.overrides(other) == revisions.overrides(store)
    assert NeedStore(other).list() == NeedStore(store).list()
    assert NeedStore(other).submit(replace(DRAFT, product="miel")) == need + 1
    # New rows get new ids after a restore (PostgreSQL's sequences were moved past the restored ids).
    revisions.save(other, "cc-1", 2, {"phone": ("+33473000000", "+33473111111")}, "edit@parc.example")
    accounts.add_account(other, "new@parc.example", "moderator", PASSWORD)
    throttle = Throttle(tmp_path / "throttle.sqlite3")
    assert accounts.sign_in(other, "edit@parc.example", PASSWORD, throttle, "c").member is not None

    # A store with data is not overwritten unless asked.
    assert run(other, "restore", str(file))[0] == 1
    assert run(other, "restore", str(file), "--replace")[0] == 0
    assert [m.email for m in accounts.members(other)] == ["admin@parc.example", "edit@parc.example"]


def test_restore_refuses_what_is_not_a_backup(store: Store, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"tables": {}}', encoding="utf-8")
    assert run(store, "restore", str(bad))[0] == 1
    assert "n'est pas une sauvegarde" in capsys.readouterr().err


def test_the_module_runs_as_a_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    env = {"COURT_CIRCUIT_WORKSPACE": url, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "courtcircuit.staff", "add-user", "admin@parc.example", "--role", "admin"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=REPO, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [m.email for m in accounts.members(Store(url))] == ["admin@parc.example"]
