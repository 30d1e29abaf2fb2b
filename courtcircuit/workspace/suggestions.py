"""Suggestions from the public: a correction to a listing ("Signaler une modification") or a new
place ("Proposer un lieu"), with no account, waiting in a moderation queue.

Against spam, :func:`submit` applies size limits, refuses HTML exactly as the ETL's name check does
(``courtcircuit.normalise.text.has_markup``), records a filled honeypot as refused (the sender is
told it was sent, like anyone else), refuses a suggestion already waiting, and counts every stored
suggestion against hourly limits per browser session, per client and for everyone (``Throttle``).

A moderator's :func:`accept` checks the value with the ETL's own steps on the listing's current
values (``courtcircuit.edits.validate_edit``), writes it as a revision credited to
:data:`~courtcircuit.workspace.revisions.PUBLIC_SUGGESTION` (kind "suggestion"; a new place: kind
"create" on a new ``cc-ws-<n>`` id), then publishes. The submitter's e-mail stays in this table:
it is copied into no revision, so neither the directory file nor any history carries it.
Refusals are ``courtcircuit.messages.Message``s: French, translatable by the interface.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import connect
from courtcircuit.edits import new_listing_id, publish_edits, validate_edit
from courtcircuit.listing import get_listing
from courtcircuit.messages import N_, Message
from courtcircuit.normalise.text import clean, has_markup
from courtcircuit.schema import RECORD_FIELDS
from courtcircuit.throttle import Throttle, duration_fr
from courtcircuit.vocab import KINDS, PRODUCTS, fold
from courtcircuit.workspace import revisions
from courtcircuit.workspace.models import Suggestion
from courtcircuit.workspace.revisions import PUBLIC_SUGGESTION, EditConflict, to_json
from courtcircuit.workspace.store import Store

# What the public may correct, in the order the form offers it: field -> French label.
FIELDS = {
    "phone": N_("Téléphone"),
    "opening_hours_text": N_("Horaires"),
    "email": N_("E-mail du lieu"),
    "website": N_("Site web"),
    "street": N_("Adresse (rue)"),
    "postcode": N_("Code postal"),
    "city": N_("Commune"),
    "name": N_("Nom"),
    "description": N_("Description"),
    "products": N_("Produits (séparés par des virgules)"),
    "status": N_("Le lieu a fermé définitivement"),
}
CLOSED = "closed"  # the only value a "status" suggestion carries
NEW_PLACE = "nouveau_lieu"  # the field of a new-place proposal; its value is a JSON object
PLACE_FIELDS = ("name", "kind", "street", "postcode", "city", "products", "description", "phone", "website")
LIMITS = {"name": 200, "description": 1000, "email": 254}
MAX_VALUE = 500  # any other text
PER_SESSION_PER_HOUR = 5
PER_CLIENT_PER_HOUR = 20  # several people behind one address (a town hall, a school)
ALL_PER_HOUR = 300  # a flood from many addresses still cannot bury the queue
THROTTLE_SCOPE = "suggestions"
CONTACT_KEPT_DAYS = 365  # then the e-mail and client of a handled suggestion are blanked
HONEYPOT = "piège à robots"  # handled_by of a suggestion refused because the hidden field was filled
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


class InvalidSuggestion(ValueError):
    """A suggestion refused; ``problems`` lists each reason in French (Messages)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ; ".join(problems))
        self.problems = problems


class DuplicateSuggestion(InvalidSuggestion):
    """The same suggestion is already waiting for a moderator."""


class TooManySuggestions(InvalidSuggestion):
    """Too many suggestions lately from this session, this client, or everyone."""


@dataclass(frozen=True)
class SuggestionView:
    id: int
    at: datetime
    listing_id: str | None
    field: str
    value: str
    email: str
    status: str
    handled_by: str
    handled_at: datetime | None

    @property
    def is_new_place(self) -> bool:
        return self.listing_id is None

    @property
    def place(self) -> dict[str, Any]:
        """A new place's fields (empty for a correction)."""
        return json.loads(self.value) if self.is_new_place else {}

    @property
    def label(self) -> str:
        return "Nouveau lieu" if self.is_new_place else FIELDS.get(self.field, self.field)


def _view(s: Suggestion) -> SuggestionView:
    return SuggestionView(
        s.id, s.at, s.listing_id, s.field, s.value, s.email, s.status, s.handled_by, s.handled_at
    )


def _text(label: Message, value: Any, limit: int, problems: list[str], required: bool = False) -> str:
    text = clean(str(value or "")) or ""
    if required and not text:
        problems.append(Message("indiquez {what}", what=label))
    elif len(text) > limit:
        problems.append(Message("{what} : {limit} caractères au plus", what=label, limit=limit))
    elif has_markup(text):  # the ETL's name check, for every text the public sends
        problems.append(Message("{what} : le HTML et les scripts ne sont pas acceptés", what=label))
    return text


def _place(value: dict[str, Any], problems: list[str]) -> str:
    place: dict[str, Any] = {}
    name = Message("le nom du lieu")
    place["name"] = _text(name, value.get("name"), LIMITS["name"], problems, required=True)
    kind = str(value.get("kind") or "")
    if kind not in KINDS:
        problems.append(Message("choisissez le type de lieu"))
    place["kind"] = kind
    address = {
        "street": Message("l'adresse"),
        "postcode": Message("le code postal"),
        "city": Message("la commune"),
    }
    for field, label in address.items():
        place[field] = _text(label, value.get(field), MAX_VALUE, problems)
    if not (place["postcode"] or place["city"]):
        problems.append(Message("indiquez la commune ou le code postal"))
    products = [str(p) for p in value.get("products") or []]
    if any(p not in PRODUCTS for p in products):
        problems.append(Message("produit inconnu"))
    place["products"] = products
    found = Message("ce qu'on y trouve")
    place["description"] = _text(found, value.get("description"), LIMITS["description"], problems)
    place["phone"] = _text(Message("le téléphone du lieu"), value.get("phone"), 30, problems)
    place["website"] = _text(Message("le site du lieu"), value.get("website"), MAX_VALUE, problems)
    return json.dumps(
        {k: v for k, v in place.items() if v not in ("", [])}, ensure_ascii=False, sort_keys=True
    )


def clean_submission(listing_id: str | None, field: str, value: Any, email: str) -> tuple[str, str]:
    """The value and e-mail as stored, or InvalidSuggestion with every problem."""
    problems: list[str] = []
    if listing_id is None:
        stored = _place(value if isinstance(value, dict) else {}, problems)
    elif field not in FIELDS:
        problems.append(Message("choisissez ce qui est à corriger"))
        stored = ""
    elif field == "status":
        stored = CLOSED
    else:
        limit = LIMITS.get(field, MAX_VALUE)
        stored = _text(Message("la nouvelle valeur"), value, limit, problems, required=True)
    address = _text(Message("votre e-mail"), email, LIMITS["email"], problems)
    if address and not problems and not _EMAIL.match(address):
        problems.append(Message("adresse e-mail invalide : « {address} »", address=address[:60]))
    if problems:
        raise InvalidSuggestion(problems)
    return stored, address.lower()


def _same(value: str) -> str:
    return " ".join(fold(value).split())


def _duplicate(s: Any, listing_id: str | None, field: str, value: str) -> bool:
    rows = s.scalars(
        select(Suggestion.value).where(
            Suggestion.status == "pending", Suggestion.field == field, Suggestion.listing_id.is_(None)
            if listing_id is None else Suggestion.listing_id == listing_id,
        )
    )  # fmt: skip
    if listing_id is None:
        wanted = json.loads(value)
        key = (_same(wanted["name"]), _same(wanted.get("postcode", "") + wanted.get("city", "")))
        return any(
            (_same(p["name"]), _same(p.get("postcode", "") + p.get("city", ""))) == key
            for p in map(json.loads, rows)
        )
    return any(_same(v) == _same(value) for v in rows)


def submit(
    store: Store,
    listing_id: str | None,
    field: str,
    value: Any,
    *,
    email: str = "",
    client: str = "",
    session: str = "",
    honeypot: str = "",
    throttle: Throttle | None = None,
) -> int:
    """Store a suggestion (``listing_id`` None and ``value`` a dict: a new place); its number.

    A filled ``honeypot`` is stored as refused and answered like any other (a bot learns nothing).
    Limits per ``session``, per ``client`` and for everyone apply with a ``throttle``."""
    if listing_id is None:
        field = NEW_PLACE
    trapped = bool(honeypot.strip())
    if trapped:
        stored, address = str(value)[:MAX_VALUE], str(email)[: LIMITS["email"]]
    else:
        stored, address = clean_submission(listing_id, field, value, email)
    with store.session() as s:
        if not trapped and _duplicate(s, listing_id, field, stored):
            raise DuplicateSuggestion(
                [Message("cette suggestion est déjà enregistrée et attend l'équipe : inutile de la renvoyer")]
            )
        if throttle is not None:
            limits = {f"session:{session}": PER_SESSION_PER_HOUR, f"client:{client}": PER_CLIENT_PER_HOUR}
            verdict = throttle.hit(THROTTLE_SCOPE, limits | {"all": ALL_PER_HOUR}, window_s=3600)
            if not verdict.allowed:
                wait = duration_fr(verdict.wait_s)
                raise TooManySuggestions(
                    [Message("trop de suggestions envoyées en une heure : réessayez dans {wait}", wait=wait)]
                )
        now = datetime.now(UTC)
        row = Suggestion(
            at=now, listing_id=listing_id, field=field[:40], value=stored, email=address, client=client[:100],
            status="refused" if trapped else "pending", handled_by=HONEYPOT if trapped else "",
            handled_at=now if trapped else None,
        )  # fmt: skip
        s.add(row)
        s.flush()
        return int(row.id)


def pending(store: Store, limit: int | None = None) -> list[SuggestionView]:
    """The moderation queue, oldest first."""
    with store.session() as s:
        query = (
            select(Suggestion).where(Suggestion.status == "pending").order_by(Suggestion.at, Suggestion.id)
        )
        return [_view(r) for r in s.scalars(query.limit(limit) if limit else query)]


def get(store: Store, suggestion_id: int) -> SuggestionView | None:
    with store.session() as s:
        found = s.get(Suggestion, suggestion_id)
        return _view(found) if found is not None else None


def refuse(store: Store, ids: list[int], moderator: str) -> int:
    """Refuse pending suggestions (one or a selection, in one transaction); how many changed."""
    if not ids:
        return 0
    with store.session() as s:
        result = s.execute(
            update(Suggestion)
            .where(Suggestion.id.in_([int(i) for i in ids]), Suggestion.status == "pending")
            .values(status="refused", handled_by=moderator[:254], handled_at=datetime.now(UTC))
        )
        return int(result.rowcount or 0)


def forget_contacts(store: Store, days: int = CONTACT_KEPT_DAYS) -> int:
    """Blank the e-mail and client of suggestions handled more than ``days`` ago (personal data
    nobody needs once the suggestion is decided); how many were blanked."""
    limit = datetime.now(UTC) - timedelta(days=days)
    with store.session() as s:
        result = s.execute(
            update(Suggestion)
            .where(Suggestion.status != "pending", Suggestion.handled_at < limit)
            .where((Suggestion.email != "") | (Suggestion.client != ""))
            .values(email="", client="")
        )
        return int(result.rowcount or 0)


def current_values(db: Path, store: Store, listing_id: str) -> dict[str, Any] | None:
    """The listing's values as staff see them (the directory, then the saved edits), or None."""
    con = connect(db, read_only=True)
    try:
        listing = get_listing(con, listing_id)
    finally:
        con.close()
    if listing is None:
        return None
    values = {name: to_json(listing.fields.get(name)) for name in RECORD_FIELDS}
    values |= revisions.overrides(store, [listing_id]).get(listing_id, {})
    return values | {"id": listing_id}


@dataclass(frozen=True)
class Accepted:
    listing_id: str
    revision: int
    published: bool
    message: str = ""  # in French (a Message), when not published


def _claim(store: Store, suggestion_id: int, status: str, moderator: str, was: str = "pending") -> bool:
    with store.session() as s:
        result = s.execute(
            update(Suggestion)
            .where(Suggestion.id == suggestion_id, Suggestion.status == was)
            .values(status=status, handled_by=moderator[:254], handled_at=datetime.now(UTC))
        )
        return bool(result.rowcount)


def accept(store: Store, suggestion_id: int, moderator: str, *, db: Path, communes: CommuneIndex) -> Accepted:
    """Apply a pending suggestion as a revision credited to the public, then publish.

    Raises InvalidSuggestion (French) when it was handled already, its listing is gone, or the
    value fails the ETL's checks; the suggestion then stays as it was."""
    found = get(store, suggestion_id)
    if found is None or found.status != "pending":
        raise InvalidSuggestion([Message("cette suggestion a déjà été traitée")])
    if not _claim(store, suggestion_id, "accepted", moderator):  # a colleague was faster
        raise InvalidSuggestion([Message("cette suggestion a déjà été traitée")])
    try:
        listing_id, number = _apply(store, found, moderator, db, communes)
    except BaseException:
        _claim(store, suggestion_id, "pending", "", was="accepted")
        raise
    try:
        publish_edits(db, store)
    except Exception as exc:  # saved; the next publication or build applies it
        why = Message(
            "l'annuaire n'a pas pu être mis à jour tout de suite ({error})", error=type(exc).__name__
        )
        return Accepted(listing_id, number, False, why)
    return Accepted(listing_id, number, True)


def _apply(
    store: Store, found: SuggestionView, moderator: str, db: Path, communes: CommuneIndex
) -> tuple[str, int]:
    why = f"suggestion publique n° {found.id}, acceptée par {moderator}"
    if found.is_new_place:
        check = validate_edit({}, found.place | {"status": "active"}, communes)
        if not check.ok:
            raise InvalidSuggestion([_problem(k, v) for k, v in check.errors.items()])
        changes = {name: (None, value) for name, value in check.values.items()}
        for _ in range(5):  # someone took the same new id at the same moment: the next one
            try:
                saved = revisions.save(
                    store, new_listing_id(store), 0, changes, PUBLIC_SUGGESTION, kind="create", reason=why
                )
                return saved.listing_id, saved.number
            except EditConflict:
                continue
        raise InvalidSuggestion([Message("la fiche n'a pas pu être créée : réessayez")])
    for _ in range(3):  # a staff save in between: read the listing again
        base = revisions.head(store, str(found.listing_id))
        current = current_values(db, store, str(found.listing_id))
        if current is None:
            raise InvalidSuggestion([Message("cette fiche n'existe plus dans l'annuaire")])
        check = validate_edit(current, {found.field: found.value}, communes)
        if not check.ok:
            raise InvalidSuggestion(
                [_problem(Message(FIELDS[k]) if k in FIELDS else k, v) for k, v in check.errors.items()]
            )
        changes = {n: (current.get(n), v) for n, v in check.values.items() if v != current.get(n)}
        if not changes:
            raise InvalidSuggestion([Message("la fiche porte déjà cette valeur")])
        try:
            saved = revisions.save(
                store, str(found.listing_id), base, changes, PUBLIC_SUGGESTION, kind="suggestion", reason=why
            )
            return saved.listing_id, saved.number
        except EditConflict:
            continue
    raise InvalidSuggestion([Message("la fiche est modifiée en ce moment : réessayez")])


def _problem(field: str, problem: str) -> Message:
    """A field's problem found by the ETL's checks (``problem`` may be a Message)."""
    return Message("{field} : {problem}", field=field, problem=problem)
