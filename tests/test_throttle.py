"""The throttle (courtcircuit/throttle.py) and the staff sign-in behind it, on a fake clock."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from courtcircuit import staff
from courtcircuit.db import REPO_ROOT
from courtcircuit.throttle import Backoff, Throttle, default_throttle_path

RULE = Backoff(free=3, base_s=2, max_delay_s=60, lock_after=10, lock_s=900)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(tmp_path: Path, clock: Clock) -> Throttle:
    return Throttle(tmp_path / "throttle.sqlite3", clock=clock)


def test_free_attempts_then_doubling_delays_then_a_lock(throttle, clock):
    keys = {"client:a": RULE}
    for _ in range(3):
        assert throttle.attempt("t", keys).allowed
    waits = []
    for _ in range(7):  # failures 4 to 10: each must wait its delay first
        refused = throttle.attempt("t", keys)
        assert not refused.allowed and not refused.locked
        waits.append(round(refused.wait_s))
        clock.now += refused.wait_s
        assert throttle.attempt("t", keys).allowed
    assert waits == [2, 4, 8, 16, 32, 60, 60]
    locked = throttle.attempt("t", keys)
    assert locked.locked and round(locked.wait_s) == 900
    assert "bloqué pendant 15 min" in locked.message()
    clock.now += 899
    assert not throttle.attempt("t", keys).allowed
    clock.now += 2
    assert throttle.attempt("t", keys).allowed  # lock over; still slowed (failures remembered)
    assert not throttle.attempt("t", keys).allowed


def test_a_success_forgets_the_failures_and_other_clients_are_not_slowed(throttle):
    keys = {"client:a": RULE}
    for _ in range(3):
        throttle.attempt("t", keys)
    assert not throttle.attempt("t", keys).allowed
    assert throttle.attempt("t", {"client:b": RULE}).allowed
    assert throttle.attempt("other-scope", keys).allowed
    throttle.succeeded("t", ["client:a"])
    assert throttle.attempt("t", keys).allowed


def test_failures_are_forgotten_after_a_quiet_hour(throttle, clock):
    keys = {"client:a": RULE}
    for _ in range(3):
        throttle.attempt("t", keys)
    assert not throttle.attempt("t", keys).allowed
    clock.now += 3601
    for _ in range(3):
        assert throttle.attempt("t", keys).allowed


def test_the_strictest_key_decides(throttle):
    loose = Backoff(free=100, base_s=1, max_delay_s=1, lock_after=1000, lock_s=1)
    for _ in range(3):
        assert throttle.attempt("t", {"client:a": RULE, "account:x": loose}).allowed
    refused = throttle.attempt("t", {"client:b": RULE, "client:a": RULE, "account:x": loose})
    assert not refused.allowed


def test_counters_are_shared_through_the_file(tmp_path, clock):
    path = tmp_path / "shared.sqlite3"
    one, two = Throttle(path, clock=clock), Throttle(path, clock=clock)
    for _ in range(3):
        one.attempt("t", {"k": RULE})
    assert not two.attempt("t", {"k": RULE}).allowed


def test_hit_limits_events_per_sliding_window(throttle, clock):
    for _ in range(5):
        assert throttle.hit("needs", {"c": 5}, window_s=3600).allowed
        clock.now += 60
    refused = throttle.hit("needs", {"c": 5}, window_s=3600)
    assert not refused.allowed and round(refused.wait_s) == 3600 - 5 * 60
    assert throttle.hit("needs", {"other": 5}, window_s=3600).allowed
    clock.now += refused.wait_s + 1
    assert throttle.hit("needs", {"c": 5}, window_s=3600).allowed


def test_parallel_attempts_are_counted_one_after_the_other(throttle):
    with ThreadPoolExecutor(10) as pool:
        verdicts = list(pool.map(lambda _: throttle.attempt("t", {"k": RULE}), range(10)))
    assert sum(v.allowed for v in verdicts) == RULE.free


def test_the_throttle_file_follows_the_workspace_file(tmp_path, monkeypatch):
    monkeypatch.delenv("COURT_CIRCUIT_THROTTLE_DB", raising=False)
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'x' / 'workspace.sqlite3'}")
    assert default_throttle_path() == tmp_path / "x" / "throttle.sqlite3"
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", "postgresql://equipe@serveur/courtcircuit")
    assert default_throttle_path() == REPO_ROOT / "data" / "throttle.sqlite3"
    monkeypatch.setenv("COURT_CIRCUIT_THROTTLE_DB", str(tmp_path / "t.sqlite3"))
    assert default_throttle_path() == tmp_path / "t.sqlite3"


# ------------------------------------------------------------------ staff sign-in


@pytest.fixture(scope="module")
def stored() -> str:
    return staff.hash_password("le bon mot de passe")


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    """Every password that reached Argon2 (the real check still runs)."""
    seen: list[str] = []
    real = staff.check_password

    def counting(password: str, stored_hash: str) -> bool:
        seen.append(password)
        return real(password, stored_hash)

    monkeypatch.setattr(staff, "check_password", counting)
    return seen


def test_wrong_passwords_slow_down_then_lock_without_hashing(throttle, clock, stored, hashes):
    answers = [staff.sign_in(f"faux {i}", stored, throttle, "ip:1") for i in range(50)]
    assert [a.message for a in answers[:3]] == ["Mot de passe incorrect."] * 3
    assert all("réessayez dans 2 s" in a.message for a in answers[3:])
    assert len(hashes) == 3  # the 47 refused attempts never reached Argon2
    assert not staff.sign_in("le bon mot de passe", stored, throttle, "ip:1").ok  # even the right one waits
    for _ in range(7):  # failures 4 to 10, each after its delay: the 10th locks
        clock.now += 61
        assert staff.sign_in("faux", stored, throttle, "ip:1").message == "Mot de passe incorrect."
    clock.now += 61
    locked = staff.sign_in("le bon mot de passe", stored, throttle, "ip:1")
    assert not locked.ok and "bloqué" in locked.message
    clock.now += 15 * 60 + 1
    assert staff.sign_in("le bon mot de passe", stored, throttle, "ip:1").ok
    assert staff.sign_in("faux", stored, throttle, "ip:1").message == "Mot de passe incorrect."


def test_many_clients_together_are_bounded_by_the_account(throttle, clock, stored, hashes):
    tried = 0
    for i in range(200):
        clock.now += 0.5
        if staff.sign_in("faux", stored, throttle, f"ip:{i}").message == "Mot de passe incorrect.":
            tried += 1
    assert tried < 60  # 10 free, then the account's own delays and lock
    assert not staff.sign_in("le bon mot de passe", stored, throttle, "ip:new").ok


def test_an_oversized_password_is_refused_without_hashing(throttle, stored, hashes):
    assert not staff.sign_in("x" * (staff.MAX_LENGTH + 1), stored, throttle, "ip:1").ok
    assert hashes == []


def test_at_most_two_hashes_run_at_once(throttle, stored, monkeypatch):
    running, peak, lock = 0, 0, threading.Lock()

    def slow(password: str, stored_hash: str) -> bool:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.2)
        with lock:
            running -= 1
        return False

    monkeypatch.setattr(staff, "check_password", slow)
    monkeypatch.setattr(staff, "HASH_WAIT_S", 0.05)
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda i: staff.sign_in("faux", stored, throttle, f"ip:{i}"), range(10)))
    assert peak <= staff.HASH_SLOTS
    assert any("Trop de connexions" in a.message for a in answers)


def test_unusable_counters_refuse_sign_in_and_raise_for_needs(tmp_path, stored, hashes):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    throttle = Throttle(blocker / "throttle.sqlite3")  # building it does not raise
    verdict = throttle.attempt("t", {"k": RULE})
    assert not verdict.allowed and verdict.unavailable and "momentanément impossible" in verdict.message()
    assert not staff.sign_in("le bon mot de passe", stored, throttle, "ip:1").ok
    assert hashes == []  # fail closed: no password checked without its counters
    with pytest.raises(sqlite3.Error):  # the needs store turns this into its French message
        throttle.hit("needs", {"c": 5}, window_s=3600)
