"""Buyers' needs ("référencement des besoins des grandes surfaces"), kept apart from the directory.

The directory file is rebuilt and swapped by the ETL; needs are people's submissions and must
survive any rebuild, so they live in their own SQLite file (``data/needs.sqlite3`` unless
``COURT_CIRCUIT_NEEDS_DB`` says otherwise). SQLite, not DuckDB: small transactional writes
from several sessions, with WAL so readers never block the writer.

A need is public only once territory staff accepted it (:func:`review`). Text is stored as
typed and escaped where it is shown.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import phonenumbers

from courtcircuit.db import REPO_ROOT
from courtcircuit.search import Area
from courtcircuit.throttle import Throttle, duration_fr
from courtcircuit.vocab import NEED_STATUS, PRODUCTS, STORE_KINDS

DEFAULT_NEEDS_DB = REPO_ROOT / "data" / "needs.sqlite3"
MAX_TEXT = 500
# Field size limits: the form's max_chars, and checked again here (a browser can be bypassed).
LIMITS = {
    "place_label": 200, "volume": 200, "frequency": 100, "constraints": MAX_TEXT, "contact_name": 100,
    "contact_email": 254, "contact_phone": 30, "public_contact": 200,
}  # fmt: skip
# Submissions per client (IP address, else browser session) and per hour, and for everyone
# together (a flood from many addresses still cannot bury the staff's review list).
PER_CLIENT_PER_HOUR = 5
ALL_CLIENTS_PER_HOUR = 60
THROTTLE_SCOPE = "needs"
REJECTED_KEPT_DAYS = 365  # then erased (pages/donnees.py says so)
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS needs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    store_kind TEXT NOT NULL,
    place_label TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    product TEXT NOT NULL,
    volume TEXT NOT NULL,
    frequency TEXT NOT NULL,
    constraints TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL,
    contact_email TEXT,
    contact_phone TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    reviewed_at TEXT,
    review_note TEXT,
    public_contact TEXT
);
CREATE INDEX IF NOT EXISTS needs_status ON needs (status);
"""


# A writer waits this long for another writer, then the person is told. It was 10 s, and a
# locked file kept the page blocked 11-12 s before a traceback (issue 8).
BUSY_TIMEOUT_S = 2.0
_UNAVAILABLE = {
    "readonly": "le registre des besoins est en lecture seule sur le serveur",
    "busy": "le registre des besoins est occupé par une autre opération",
    "broken": "le registre des besoins est indisponible sur le serveur",
}


class NeedsUnavailable(RuntimeError):
    """The needs file cannot be used now; ``reason`` is ``readonly``, ``busy`` or ``broken``.

    The message is French and for the public: no path, no SQLite wording."""

    def __init__(self, reason: str) -> None:
        super().__init__(_UNAVAILABLE[reason])
        self.reason = reason

    @classmethod
    def from_sqlite(cls, exc: sqlite3.Error) -> NeedsUnavailable:
        name = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc).lower()
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
            return cls("busy")
        if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")) or "readonly" in text:
            return cls("readonly")
        return cls("broken")


class InvalidNeed(ValueError):
    """A submitted need is incomplete or wrong; ``problems`` lists each issue in French."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ; ".join(problems))
        self.problems = problems


class DuplicateNeed(InvalidNeed):
    """The same need (same store, product and texts) is already waiting or published."""


class TooManyNeeds(InvalidNeed):
    """Too many needs were sent lately, from this client or from everyone."""


@dataclass(frozen=True)
class NeedDraft:
    store_kind: str
    place_label: str
    lat: float
    lon: float
    product: str
    volume: str
    frequency: str
    constraints: str
    contact_name: str
    contact_email: str = ""
    contact_phone: str = ""
    # What producers may see once the need is published (a shop's generic e-mail or
    # switchboard); the three contact_* fields above are seen by staff only.
    public_contact: str = ""


@dataclass(frozen=True)
class Need:
    id: int
    created_at: str
    store_kind: str
    place_label: str
    lat: float
    lon: float
    product: str
    volume: str
    frequency: str
    constraints: str
    contact_name: str
    contact_email: str | None
    contact_phone: str | None
    status: str
    reviewed_at: str | None
    review_note: str | None
    public_contact: str | None = None

    @property
    def title(self) -> str:
        return f"{PRODUCTS.label(self.product)} : {self.volume}, {self.frequency}"


def _same_text(*texts: str) -> tuple[str, ...]:
    return tuple(" ".join(t.casefold().split()) for t in texts)


def default_needs_path() -> Path:
    return Path(os.environ.get("COURT_CIRCUIT_NEEDS_DB", DEFAULT_NEEDS_DB))


def validate(draft: NeedDraft) -> NeedDraft:
    """The draft with clean values (phone in E.164), or InvalidNeed with every problem."""
    problems = []
    if draft.store_kind not in STORE_KINDS:
        problems.append("type d'établissement inconnu")
    if draft.product not in PRODUCTS:
        problems.append("choisissez une famille de produits")
    try:
        Area(draft.lat, draft.lon, 1.0)
    except ValueError:
        problems.append("position de l'établissement invalide")
    texts = {"volume": draft.volume, "fréquence": draft.frequency, "nom du contact": draft.contact_name}
    for label, value in texts.items():
        if not value.strip():
            problems.append(f"indiquez {'le' if label != 'fréquence' else 'la'} {label}")
    named = {"place_label": "lieu", "volume": "volume", "frequency": "fréquence", "constraints": "contraintes",
             "contact_name": "nom du contact", "contact_email": "e-mail", "contact_phone": "téléphone",
             "public_contact": "contact publié"}  # fmt: skip
    too_long = {f for f, limit in LIMITS.items() if len(getattr(draft, f)) > limit}
    problems += [f"{named[f]} : {LIMITS[f]} caractères au plus" for f in LIMITS if f in too_long]
    email = draft.contact_email.strip()
    if email and "contact_email" not in too_long and not _EMAIL.match(email):
        problems.append(f"adresse e-mail invalide : « {email[:60]} »")
    phone = ""
    if draft.contact_phone.strip() and "contact_phone" not in too_long:
        try:
            number = phonenumbers.parse(draft.contact_phone, "FR")
            if not phonenumbers.is_valid_number(number):
                raise phonenumbers.NumberParseException(0, "invalid")
            phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            problems.append(f"numéro de téléphone invalide : « {draft.contact_phone[:30]} »")
    if not email and not draft.contact_phone.strip():
        problems.append("laissez un e-mail ou un téléphone pour être contacté")
    if problems:
        raise InvalidNeed(problems)
    return NeedDraft(
        draft.store_kind, draft.place_label.strip(), draft.lat, draft.lon, draft.product, draft.volume.strip(),
        draft.frequency.strip(), draft.constraints.strip(), draft.contact_name.strip(), email, phone,
        " ".join(draft.public_contact.split()),
    )  # fmt: skip


class NeedStore:
    """The needs file. Every method raises :class:`NeedsUnavailable` (French, nothing half
    written) when the file cannot be used: the page says so and keeps what was typed."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_needs_path()
        self._ready = False  # schema created; retried by every call until it is
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect():
                pass
        except (NeedsUnavailable, OSError):
            # A store that cannot be opened now (read-only, locked) must not break the page
            # that shows it: each call says so, and the first one that can creates the schema.
            pass

    def _prepare(self, con: sqlite3.Connection) -> None:
        con.executescript(_SCHEMA)
        columns = {row[1] for row in con.execute("PRAGMA table_info(needs)")}
        if "public_contact" not in columns:  # a store created before the public contact existed
            con.execute("ALTER TABLE needs ADD COLUMN public_contact TEXT")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        except sqlite3.Error as exc:
            raise NeedsUnavailable.from_sqlite(exc) from exc
        try:
            try:
                con.execute("PRAGMA journal_mode=WAL")
                con.row_factory = sqlite3.Row
                if not self._ready:
                    try:
                        with con:
                            self._prepare(con)
                        self._ready = True
                    except sqlite3.OperationalError as exc:
                        if NeedsUnavailable.from_sqlite(exc).reason != "readonly":
                            raise
                        # Read-only: an existing store can still be read; a write says why not.
                with con:  # one transaction, committed or rolled back
                    yield con
            except sqlite3.Error as exc:  # rolled back by `with con`: nothing half written
                raise NeedsUnavailable.from_sqlite(exc) from exc
        finally:
            con.close()

    def submit(self, draft: NeedDraft, *, throttle: Throttle | None = None, client: str = "") -> int:
        """Store a validated need as pending; its id.

        The same need already waiting or published is refused (:class:`DuplicateNeed`). With
        a ``throttle`` (the form's path) the hourly limits per ``client`` and for everyone
        apply too (:class:`TooManyNeeds`); they are counted only for needs that pass every
        other check.
        """
        clean = validate(draft)
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")  # the duplicate check and the insert are one step
            if self._duplicate(con, clean):
                raise DuplicateNeed(
                    [
                        "ce besoin est déjà enregistré (en attente de validation ou publié) : inutile de le renvoyer"
                    ]
                )
            if throttle is not None:
                limits = {f"client:{client}": PER_CLIENT_PER_HOUR, "all": ALL_CLIENTS_PER_HOUR}
                verdict = throttle.hit(THROTTLE_SCOPE, limits, window_s=3600)
                if not verdict.allowed:
                    raise TooManyNeeds(
                        [
                            f"trop de besoins envoyés en une heure : réessayez dans {duration_fr(verdict.wait_s)}"
                        ]
                    )
            cur = con.execute(
                "INSERT INTO needs (created_at, store_kind, place_label, lat, lon, product, volume, frequency, "
                "constraints, contact_name, contact_email, contact_phone, public_contact) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    datetime.now(UTC).isoformat(timespec="seconds"), clean.store_kind, clean.place_label,
                    clean.lat, clean.lon, clean.product, clean.volume, clean.frequency, clean.constraints,
                    clean.contact_name, clean.contact_email or None, clean.contact_phone or None,
                    clean.public_contact or None,
                ),
            )  # fmt: skip
            return int(cur.lastrowid)

    @staticmethod
    def _duplicate(con: sqlite3.Connection, clean: NeedDraft) -> bool:
        """Is the same need (same store and product, same texts up to case and spaces) still
        waiting or published? A rejected one may be sent again, corrected or not."""
        rows = con.execute(
            "SELECT volume, frequency, constraints FROM needs WHERE status != 'rejected' AND product = ? "
            "AND store_kind = ? AND abs(lat - ?) < 1e-4 AND abs(lon - ?) < 1e-4",
            (clean.product, clean.store_kind, clean.lat, clean.lon),
        ).fetchall()
        wanted = _same_text(clean.volume, clean.frequency, clean.constraints)
        return any(_same_text(*row) == wanted for row in rows)

    def list(self, status: str | None = None) -> list[Need]:
        if status is not None and status not in NEED_STATUS:
            raise ValueError(f"statut inconnu : {status!r}")
        with self._connect() as con:
            rows = con.execute(
                "SELECT * FROM needs WHERE (? IS NULL OR status = ?) ORDER BY created_at DESC, id DESC",
                (status, status),
            ).fetchall()
        return [Need(**dict(r)) for r in rows]

    def review(self, need_id: int, status: str, note: str = "") -> None:
        """Accept or reject a need (staff only: the caller checks who is asking)."""
        if status not in ("accepted", "rejected"):
            raise ValueError("une décision est « accepted » ou « rejected »")
        with self._connect() as con:
            cur = con.execute(
                "UPDATE needs SET status = ?, reviewed_at = ?, review_note = ? WHERE id = ?",
                (
                    status,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    note.strip()[:MAX_TEXT] or None,
                    need_id,
                ),
            )
            if cur.rowcount == 0:
                raise KeyError(f"besoin n° {need_id} introuvable")

    def review_many(self, need_ids: list[int], status: str) -> int:
        """Accept or reject several pending needs in one transaction (staff's bulk action);
        how many changed. Needs already decided, or gone, are left as they are."""
        if status not in ("accepted", "rejected"):
            raise ValueError("une décision est « accepted » ou « rejected »")
        when = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as con:
            cur = con.executemany(
                "UPDATE needs SET status = ?, reviewed_at = ? WHERE id = ? AND status = 'pending'",
                [(status, when, int(i)) for i in need_ids],
            )
            return cur.rowcount

    def delete_many(self, need_ids: list[int]) -> int:
        """Erase needs for good (a buyer asked for removal); how many were erased."""
        with self._connect() as con:
            return con.executemany("DELETE FROM needs WHERE id = ?", [(int(i),) for i in need_ids]).rowcount

    def purge_rejected(self, days: int = REJECTED_KEPT_DAYS) -> int:
        """Erase needs refused more than ``days`` ago (the privacy page promises it)."""
        limit = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        with self._connect() as con:
            cur = con.execute("DELETE FROM needs WHERE status = 'rejected' AND reviewed_at < ?", (limit,))
            return cur.rowcount

    def public(self) -> list[Need]:
        """Accepted needs: the only ones shown to the public."""
        return self.list("accepted")
