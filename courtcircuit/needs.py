"""Buyers' needs ("référencement des besoins des grandes surfaces"): what a need is, how a
submitted one is checked, and the French errors the needs pages show.

The directory file is rebuilt and swapped by the ETL; needs are people's submissions and must
survive any rebuild, so they are kept in the staff workspace store (``COURT_CIRCUIT_WORKSPACE``),
by :class:`courtcircuit.workspace.needs.NeedStore`. A need is public only once territory staff
accepted it. Text is stored as typed and escaped where it is shown.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

import phonenumbers

from courtcircuit.messages import N_, Message
from courtcircuit.search import Area
from courtcircuit.vocab import PRODUCTS, STORE_KINDS

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
# How a refusal names a field that is too long (a Message of its own: the interface translates it).
_NAMED = {
    "place_label": N_("lieu"), "volume": N_("volume"), "frequency": N_("fréquence"),
    "constraints": N_("contraintes"), "contact_name": N_("nom du contact"), "contact_email": N_("e-mail"),
    "contact_phone": N_("téléphone"), "public_contact": N_("contact publié"),
}  # fmt: skip
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")

_UNAVAILABLE = {
    "readonly": N_("le registre des besoins est en lecture seule sur le serveur"),
    "busy": N_("le registre des besoins est occupé par une autre opération"),
    "broken": N_("le registre des besoins est indisponible sur le serveur"),
}


class NeedsUnavailable(RuntimeError):
    """The needs cannot be used now; ``reason`` is ``readonly``, ``busy`` or ``broken``.

    The message is French (a Message) and for the public: no path, no SQLite or PostgreSQL wording."""

    def __init__(self, reason: str) -> None:
        super().__init__(Message(_UNAVAILABLE[reason]))
        self.reason = reason

    @classmethod
    def from_error(cls, exc: BaseException) -> NeedsUnavailable:
        """The reason behind a storage error: SQLAlchemy wraps the driver's error (``orig``), the
        store's opening wraps SQLAlchemy's (``__cause__``); the first one that tells wins."""
        seen: set[int] = set()
        current: BaseException | None = exc
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            if reason := _reason(current):
                return cls(reason)
            current = getattr(current, "orig", None) or current.__cause__
        return cls("broken")


# PostgreSQL's SQLSTATE codes: read-only transaction, no privilege; lock timeout, serialization
# failure, deadlock, statement cancelled (timeout), too many connections.
_PG_READONLY = {"25006", "42501"}
_PG_BUSY = {"55P03", "40001", "40P01", "57014", "53300"}


def _reason(exc: BaseException) -> str | None:
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc).lower()
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
            return "busy"
        if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")) or "readonly" in text:
            return "readonly"
        return None
    code = getattr(exc, "sqlstate", None)  # psycopg's errors
    if code in _PG_READONLY:
        return "readonly"
    if code in _PG_BUSY:
        return "busy"
    return None


class InvalidNeed(ValueError):
    """A submitted need is incomplete or wrong; ``problems`` lists each issue in French (Messages)."""

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


def same_text(*texts: str) -> tuple[str, ...]:
    """Texts compared up to case and spaces (how a duplicate need is recognised)."""
    return tuple(" ".join(t.casefold().split()) for t in texts)


def validate(draft: NeedDraft) -> NeedDraft:
    """The draft with clean values (phone in E.164), or InvalidNeed with every problem."""
    problems = []
    if draft.store_kind not in STORE_KINDS:
        problems.append(Message("type d'établissement inconnu"))
    if draft.product not in PRODUCTS:
        problems.append(Message("choisissez une famille de produits"))
    try:
        Area(draft.lat, draft.lon, 1.0)
    except ValueError:
        problems.append(Message("position de l'établissement invalide"))
    required = {
        Message("indiquez le volume"): draft.volume,
        Message("indiquez la fréquence"): draft.frequency,
        Message("indiquez le nom du contact"): draft.contact_name,
    }
    problems += [problem for problem, value in required.items() if not value.strip()]
    too_long = {f for f, limit in LIMITS.items() if len(getattr(draft, f)) > limit}
    problems += [
        Message("{what} : {limit} caractères au plus", what=Message(_NAMED[f]), limit=LIMITS[f])
        for f in LIMITS
        if f in too_long
    ]
    email = draft.contact_email.strip()
    if email and "contact_email" not in too_long and not _EMAIL.match(email):
        problems.append(Message("adresse e-mail invalide : « {address} »", address=email[:60]))
    phone = ""
    if draft.contact_phone.strip() and "contact_phone" not in too_long:
        try:
            number = phonenumbers.parse(draft.contact_phone, "FR")
            if not phonenumbers.is_valid_number(number):
                raise phonenumbers.NumberParseException(0, "invalid")
            phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            problems.append(
                Message("numéro de téléphone invalide : « {phone} »", phone=draft.contact_phone[:30])
            )
    if not email and not draft.contact_phone.strip():
        problems.append(Message("laissez un e-mail ou un téléphone pour être contacté"))
    if problems:
        raise InvalidNeed(problems)
    return NeedDraft(
        draft.store_kind, draft.place_label.strip(), draft.lat, draft.lon, draft.product, draft.volume.strip(),
        draft.frequency.strip(), draft.constraints.strip(), draft.contact_name.strip(), email, phone,
        " ".join(draft.public_contact.split()),
    )  # fmt: skip
