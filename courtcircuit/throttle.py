"""Throttling repeated attempts (staff sign-in, buyers' needs), shared by every session.

Streamlit runs each browser tab in its own session and each widget change as a rerun, so a
counter in ``st.session_state`` is reset by opening a new tab. The counters live in a small
SQLite file instead (``throttle.sqlite3`` next to the workspace store's file unless
``COURT_CIRCUIT_THROTTLE_DB`` says otherwise): shared by all sessions of the server, kept
across reruns and restarts.

Two rules:

- :meth:`Throttle.attempt` — growing delays after failures, then a lock (sign-in). An attempt
  is counted as a failure *before* the caller checks the password, in the same transaction
  as the check, so parallel attempts cannot all slip through before any failure is recorded;
  :meth:`Throttle.succeeded` clears the counters once the password was right. The caller
  refuses before doing any expensive work (an Argon2 check takes 64 MiB).
- :meth:`Throttle.hit` — at most N events per sliding window (needs submitted per hour).

No waiting happens on the server: a refused attempt gets a French message saying how long to
wait (a ``courtcircuit.messages.Message``: the interface translates it), so a flood of attempts
does not tie up the server's threads either. Time is injectable (``clock``) for tests.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from courtcircuit.messages import Message

ENV_VAR = "COURT_CIRCUIT_THROTTLE_DB"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS failures (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    last_at REAL NOT NULL,
    locked_until REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, key)
);
CREATE TABLE IF NOT EXISTS events (scope TEXT NOT NULL, key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS events_key ON events (scope, key, at);
"""


@dataclass(frozen=True)
class Backoff:
    """Failures allowed freely, then delays doubling from ``base_s`` (at most ``max_delay_s``),
    and a lock of ``lock_s`` once ``lock_after`` failures are counted. Failures are forgotten
    ``forget_s`` after the last one."""

    free: int
    base_s: float
    max_delay_s: float
    lock_after: int
    lock_s: float
    forget_s: float = 3600.0

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.base_s * 2 ** (failures - self.free), self.max_delay_s)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    wait_s: float = 0.0
    locked: bool = False
    unavailable: bool = False  # the counters could not be read: refused (fail closed)

    def message(self) -> str:
        """What to tell the person who was refused, in French (a Message)."""
        if self.allowed:
            return ""
        if self.unavailable:
            return Message(
                "Vérification momentanément impossible sur le serveur : réessayez dans une minute."
            )
        wait = duration_fr(self.wait_s)
        if self.locked:
            return Message(
                "Trop d'essais infructueux : accès bloqué pendant {wait}. Réessayez plus tard.", wait=wait
            )
        return Message("Trop d'essais rapprochés : réessayez dans {wait}.", wait=wait)


def duration_fr(seconds: float) -> str:
    """A wait in French words: « 40 s », « 12 min », « 2 h » (a Message)."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 90:
        return Message("{n} s", n=seconds)
    minutes = math.ceil(seconds / 60)
    return Message("{n} min", n=minutes) if minutes < 90 else Message("{n} h", n=math.ceil(minutes / 60))


def default_throttle_path() -> Path:
    """Next to the workspace store's SQLite file, where the needs are (so a test's temporary
    workspace gets its own throttle too); under ``data/`` when the workspace is PostgreSQL."""
    if value := os.environ.get(ENV_VAR):
        return Path(value)
    from courtcircuit.workspace.store import DEFAULT_PATH, default_url  # here: it imports SQLAlchemy

    url = default_url()
    workspace = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else DEFAULT_PATH
    return workspace.with_name("throttle.sqlite3")


class Throttle:
    def __init__(self, path: Path | str | None = None, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path) if path is not None else default_throttle_path()
        self.clock = clock
        self._ready = False
        with contextlib.suppress(sqlite3.Error):  # a page that only builds it must not break:
            self._prepare()  # each use retries

    def _prepare(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=10)
        except (OSError, sqlite3.Error) as exc:
            # One kind of error for callers (the needs store turns sqlite3 errors into a French
            # message); OSError when the folder cannot be created.
            raise sqlite3.OperationalError(f"throttle store unavailable: {exc}") from exc
        try:
            con.executescript(_SCHEMA)
        finally:
            con.close()
        self._ready = True

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock at once: check-and-count is one step for all
        # sessions and processes, so ten parallel attempts are counted one after the other.
        if not self._ready:
            self._prepare()
        con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    def attempt(self, scope: str, keys: Mapping[str, Backoff]) -> Verdict:
        """May one more attempt go ahead for every key (client, account…)? If so it is counted
        as a failure now; call :meth:`succeeded` when it turns out right. Counters that cannot
        be read (file read-only, locked too long) refuse: a password is never checked unthrottled."""
        try:
            return self._attempt(scope, keys)
        except sqlite3.Error:
            return Verdict(False, 60.0, unavailable=True)

    def _attempt(self, scope: str, keys: Mapping[str, Backoff]) -> Verdict:
        now = self.clock()
        forget = max(rule.forget_s for rule in keys.values()) if keys else 0.0
        with self._transaction() as con:
            # Addresses are personal data: counters nobody needs any more are deleted.
            con.execute(
                "DELETE FROM failures WHERE scope = ? AND last_at < ? AND locked_until < ?",
                (scope, now - forget, now),
            )
            rows = {
                key: con.execute(
                    "SELECT count, last_at, locked_until FROM failures WHERE scope = ? AND key = ?",
                    (scope, key),
                ).fetchone()
                for key in keys
            }
            counts: dict[str, int] = {}
            refusals: list[Verdict] = []
            for key, rule in keys.items():
                count, last_at, locked_until = rows[key] or (0, 0.0, 0.0)
                if locked_until > now:
                    refusals.append(Verdict(False, locked_until - now, locked=True))
                    continue
                if now - last_at > rule.forget_s:
                    count = 0
                ready_at = last_at + rule.delay(count)
                if count and now < ready_at:
                    refusals.append(Verdict(False, ready_at - now))
                counts[key] = count
            if refusals:
                return max(refusals, key=lambda v: (v.locked, v.wait_s))
            for key, rule in keys.items():
                count = counts[key] + 1
                locked_until = now + rule.lock_s if count >= rule.lock_after else 0.0
                con.execute(
                    "INSERT INTO failures (scope, key, count, last_at, locked_until) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (scope, key) DO UPDATE SET count = excluded.count, "
                    "last_at = excluded.last_at, locked_until = excluded.locked_until",
                    (scope, key, count, now, locked_until),
                )
        return Verdict(True)

    def succeeded(self, scope: str, keys: Iterator[str] | list[str] | tuple[str, ...]) -> None:
        """The attempt was right: forget the failures of these keys."""
        with self._transaction() as con:
            con.executemany("DELETE FROM failures WHERE scope = ? AND key = ?", [(scope, k) for k in keys])

    def hit(self, scope: str, limits: Mapping[str, int], window_s: float) -> Verdict:
        """Count one event for every key unless one of them already had its limit of events in
        the last ``window_s`` seconds (then refuse, saying when a slot frees up)."""
        now = self.clock()
        with self._transaction() as con:
            con.execute("DELETE FROM events WHERE scope = ? AND at <= ?", (scope, now - window_s))
            waits = []
            for key, limit in limits.items():
                times = [
                    at
                    for (at,) in con.execute(
                        "SELECT at FROM events WHERE scope = ? AND key = ? ORDER BY at", (scope, key)
                    )
                ]
                if len(times) >= limit:
                    waits.append(times[len(times) - limit] + window_s - now)
            if waits:
                return Verdict(False, max(waits))
            con.executemany(
                "INSERT INTO events (scope, key, at) VALUES (?, ?, ?)", [(scope, k, now) for k in limits]
            )
        return Verdict(True)
