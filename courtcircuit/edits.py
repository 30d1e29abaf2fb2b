"""Staff edits, from the form to the published directory (no Streamlit: the staff pages call this).

1. :func:`validate_edit` checks an edit with the ETL's own normalisation steps
   (``courtcircuit.normalise.build_steps``: one code path, not a copy) and answers clean values or
   a French message per field (a ``courtcircuit.messages.Message``, or the ETL step's own French
   reason); nothing is saved unless ``errors`` is empty.
2. The page saves ``check.values`` as a revision (``workspace.revisions.save``, old values from
   the listing, new from ``values``); a new listing takes :func:`new_listing_id` and kind "create".
3. :func:`publish_edits` puts every staff value into the directory within seconds, without a
   build; every build applies them too (``etl/publish.py``), and a field a source changed since
   staff edited it goes to :func:`arbitrations` until :func:`resolve_arbitration` settles it.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import duckdb
from sqlalchemy import select

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import connect
from courtcircuit.db_swap import build_lock, swap_in, temporary_path
from courtcircuit.edits_apply import (
    STAFF_ID_PREFIX,
    STAFF_SOURCE,
    apply_overrides,
    apply_staff_edits,
    same_value,
    staff_edits,
)
from courtcircuit.hours import typical_week
from courtcircuit.messages import N_, Message, capitalised
from courtcircuit.normalise import build_steps
from courtcircuit.record import Record, RejectRecord
from courtcircuit.schema import DIRECTORY_ROW_GROUP_SIZE, LISTINGS, RECORD_FIELDS, check_schema
from courtcircuit.selling_places import SELLS_AT, check_outlets
from courtcircuit.vocab import AB_STATUS, CHANNELS, GEO_PRECISION, KINDS, LABELS, PRODUCTS, STATUS, Vocabulary
from courtcircuit.workspace import revisions
from courtcircuit.workspace.models import Revision
from courtcircuit.workspace.revisions import RevisionView, to_json
from courtcircuit.workspace.store import Store

__all__ = [
    "STAFF_ID_PREFIX", "STAFF_SOURCE", "Arbitration", "EditCheck", "PublishReport", "apply_overrides",
    "arbitrations", "new_listing_id", "publish_edits", "resolve_arbitration", "validate_edit",
]  # fmt: skip

_TYPES = dict(LISTINGS.columns)
_VOCABULARIES: dict[str, Vocabulary] = {
    "channels": CHANNELS, "labels": LABELS, "products": PRODUCTS, "ab_status": AB_STATUS, "status": STATUS,
    "geo_precision": GEO_PRECISION, "kind": KINDS,
}  # fmt: skip
# The ETL steps' constant reasons (courtcircuit/normalise) that an edit may meet, marked here for
# the catalogue: the interface translates them (tests/test_messages.py checks each is still a
# step's own sentence). The steps' reasons with values stay French until they are Messages.
ETL_REASONS = (
    N_("nom manquant : une fiche sans nom ne peut pas être publiée"),
    N_("syntaxe de gabarit ({{ }}, {% %} ou {# #}) dans le texte : gardé comme texte, à vérifier"),
    N_("coordonnées qui ne sont pas des nombres finis (NaN, infini) : ignorées"),
    N_("coordonnées nulles (0, 0) : ignorées"),
    N_("latitude et longitude inversées : corrigées"),
    N_("point en mer ou hors de France (aucune commune ne le contient) : coordonnées ignorées"),
)
_ADDRESS = ("commune_insee", "city", "postcode", "street", "lat", "lon")
_POSITION = ("lat", "lon")
# Where a step's note or rejection shows: the first of these fields the person changed.
_SHOWN_ON = {
    "coordinates": _POSITION + _ADDRESS,
    "commune_insee": _ADDRESS,
    "commune": _ADDRESS,
    "opening_hours": ("opening_hours", "opening_hours_text"),
    "opening_hours_text": ("opening_hours_text", "opening_hours"),
}


@dataclass
class EditCheck:
    """What :func:`validate_edit` answers.

    ``values``: the fields the edit decides (those changed and those the steps derive from them)
    whose clean value differs from ``current`` (a phone in E.164, hours in OSM syntax, the commune
    found from the position…), JSON-friendly as the store keeps them; save exactly these. ``errors``: field → French message. ``week``: the opening hours as the
    week they mean ("mardi : 17:00–19:00"), to show beside the hours typed."""

    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    week: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _coerce(name: str, value: Any) -> Any:
    """A form value as the listing table types it; ValueError with a French message."""
    if isinstance(value, str):
        value = value.strip()
    if value in (None, ""):
        return [] if _TYPES[name] == "VARCHAR[]" else None
    sql_type = _TYPES[name]
    if sql_type == "DOUBLE":
        try:
            number = float(str(value).replace(",", ".").replace(" ", ""))
        except ValueError:
            raise ValueError(Message("nombre attendu : « {value} »", value=value)) from None
        if name == "delivery_radius_km" and not 0 <= number <= 1000:
            raise ValueError(Message("rayon de livraison entre 0 et 1 000 km"))
        return number
    if sql_type == "BOOLEAN":
        if isinstance(value, bool):
            return value
        answer = {"oui": True, "vrai": True, "true": True, "non": False, "faux": False, "false": False}
        if str(value).lower() not in answer:
            raise ValueError(Message("oui ou non attendu : « {value} »", value=value))
        return answer[str(value).lower()]
    if sql_type == "DATE":
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(Message("date attendue (AAAA-MM-JJ) : « {value} »", value=value)) from None
        if day > date.today():
            raise ValueError(Message("date dans le futur : {day}", day=day.strftime("%d/%m/%Y")))
        return day
    if sql_type == "VARCHAR[]":
        items = re.split(r"[,;]", value) if isinstance(value, str) else list(value)
        return _codes(name, [str(v).strip() for v in items if str(v).strip()])
    if name in _VOCABULARIES:
        return _codes(name, [str(value)])[0]
    return str(value)


def _codes(name: str, items: list[str]) -> list[str]:
    vocabulary = _VOCABULARIES[name]
    codes, unknown = [], []
    for item in items:
        term = vocabulary.lookup(item)
        if term is None:
            unknown.append(item)
        elif term.code not in codes:
            codes.append(term.code)
    if unknown:
        raise ValueError(
            Message(
                "valeur inconnue pour « {name} » : {values}", name=vocabulary.name, values=", ".join(unknown)
            )
        )
    return codes


def _record(listing_id: str, values: dict[str, Any]) -> Record:
    return Record(
        source=STAFF_SOURCE, ref=listing_id, **{n: values.get(n) for n in RECORD_FIELDS if n in values}
    )


def validate_edit(
    current: dict[str, object],
    changes: dict[str, object],
    communes: CommuneIndex,
    con: duckdb.DuckDBPyConnection | None = None,
) -> EditCheck:
    """Check ``changes`` to the listing ``current`` (empty for a new one) with the ETL's steps.

    Every rejection is an error; so is every note a step writes on a field the person changed
    (a phone dropped, hours not understood, hours or text corrected: the corrected value is in
    the message and in ``values``, so submitting it again passes). Notes on fields nobody
    touched are the sources' business, not this person's. Where the producer sells
    (``sells_at``) is checked against the directory ``con``."""
    check = EditCheck()
    clean: dict[str, Any] = {}
    changes = dict(changes)
    links_given, outlets = SELLS_AT in changes, changes.pop(SELLS_AT, None)
    for name, value in changes.items():
        if name not in RECORD_FIELDS:
            check.errors[name] = Message("champ inconnu")
            continue
        try:
            clean[name] = _coerce(name, value)
        except ValueError as err:
            check.errors[name] = str(err)
    touched = set(changes)
    merged = {n: current.get(n) for n in RECORD_FIELDS if n in current} | clean
    merged = {n: (list(v) if isinstance(v, list | tuple) else v) for n, v in merged.items()}
    if isinstance(merged.get("last_verified"), str):
        merged["last_verified"] = date.fromisoformat(str(merged["last_verified"]))
    _prepare_hours(merged, touched)
    _prepare_place(merged, touched, current)
    rec = _record(str(current.get("id") or "nouvelle fiche"), merged)
    for step in build_steps(communes):
        try:
            step(rec)
        except RejectRecord as err:
            # The next steps still run, so the form shows every problem at once.
            _error(check, err.field or "name", err.reason, touched, always=True)
    for issue in rec.issues:
        _error(check, issue.field, issue.reason, touched)
    if "status" in merged and merged["status"] is None:
        check.errors.setdefault("status", Message("statut manquant"))
    for name in _answered(touched, bool(current)):
        new = to_json(getattr(rec, name))
        differs = name in touched or not same_value(new, current.get(name))
        # A new listing's empty fields are not values anyone gave.
        if differs and not (name not in current and new in (None, [], "")):
            check.values[name] = new
    if links_given:
        _check_outlets(check, con, current, rec.kind, outlets)
    check.week = typical_week(rec.opening_hours, date.today())
    check.errors = {name: capitalised(why) for name, why in check.errors.items()}
    return check


def _check_outlets(
    check: EditCheck,
    con: duckdb.DuckDBPyConnection | None,
    current: dict[str, object],
    kind: object,
    ids: Any,
) -> None:
    if con is None:
        check.errors[SELLS_AT] = Message("les lieux de vente ne peuvent pas être vérifiés sans l'annuaire")
        return
    clean, problem = check_outlets(con, str(current["id"]) if current.get("id") else None, kind, ids or [])
    if problem:
        check.errors[SELLS_AT] = problem
    elif not same_value(clean, current.get(SELLS_AT)):
        check.values[SELLS_AT] = clean


def _answered(touched: set[str], existing: bool) -> list[str]:
    """The fields an edit decides: those changed, and those the steps derive from them (the
    commune and precision from a position, the expression from hours text). A field nobody
    touched keeps its source value, even one the steps would now clean: that is the sources'
    business, and saving it would override them silently."""
    if not existing:
        return list(RECORD_FIELDS)
    decided = set(touched)
    if touched & set(_ADDRESS):
        decided |= {*_ADDRESS, "geo_precision"}
    if touched & {"opening_hours", "opening_hours_text"}:
        decided |= {"opening_hours", "opening_hours_text"}
    return [name for name in RECORD_FIELDS if name in decided]


def _prepare_hours(merged: dict[str, Any], touched: set[str]) -> None:
    """The step reads `opening_hours` first: a new text must not lose to the old expression, and
    an expression typed in French keeps that text as the original."""
    if "opening_hours_text" in touched and "opening_hours" not in touched:
        merged["opening_hours"] = None
    elif "opening_hours" in touched and "opening_hours_text" not in touched:
        merged["opening_hours_text"] = None


def _prepare_place(merged: dict[str, Any], touched: set[str], current: dict[str, object]) -> None:
    """A pin moved on the map is an exact position whose commune is found again; an address
    changed on a listing placed at its town hall is placed at the new town hall."""
    moved = bool(touched & set(_POSITION))
    if moved and "commune_insee" not in touched:
        merged["commune_insee"] = None
    if moved and "geo_precision" not in touched:
        merged["geo_precision"] = "exact"
    readdressed = touched & {"commune_insee", "city", "postcode"}
    if readdressed and not moved and current.get("geo_precision") == "commune":
        merged["lat"] = merged["lon"] = merged["geo_precision"] = None
        if "commune_insee" not in touched:
            merged["commune_insee"] = None


def _error(check: EditCheck, on: str, reason: str, touched: set[str], always: bool = False) -> None:
    shown = [n for n in _SHOWN_ON.get(on, (on,)) if n in touched]
    if not shown and not always:
        return
    target = shown[0] if shown else _SHOWN_ON.get(on, (on,))[0]
    check.errors.setdefault(target, reason)


def new_listing_id(store: Store) -> str:
    """The next ``cc-ws-<n>`` id. Two people creating at once get the same one: the second save
    (base 0) then fails with EditConflict and the page asks again, never overwriting."""
    with store.session() as s:
        ids = s.scalars(select(Revision.listing_id).where(Revision.listing_id.like(f"{STAFF_ID_PREFIX}%")))
        numbers = [
            int(i.removeprefix(STAFF_ID_PREFIX)) for i in ids if i.removeprefix(STAFF_ID_PREFIX).isdigit()
        ]
    return f"{STAFF_ID_PREFIX}{max(numbers, default=0) + 1}"


@dataclass(frozen=True)
class PublishReport:
    db: Path
    listings: int  # listings changed or created by staff values
    arbitrations: int
    seconds: float


def publish_edits(db: Path, store: Store, *, wait: bool = True) -> PublishReport:
    """Apply every staff edit to a copy of the directory file and swap it in, like a build and
    under the same lock (so a build and a publication never interleave). Idempotent: all
    overrides are applied each time, from the store, not just the latest."""
    start = time.monotonic()
    db = Path(db)
    if not db.exists():
        raise FileNotFoundError(
            Message("annuaire introuvable : {db} (lancez « python -m etl build »)", db=str(db))
        )
    with build_lock(db, wait):
        edits = staff_edits(store)  # under the lock: a revision saved while a build ran is included
        tmp = temporary_path(db)
        try:
            shutil.copyfile(db, tmp)
            con = connect(
                tmp, read_only=False, spatial=False, row_group_size=DIRECTORY_ROW_GROUP_SIZE
            )  # see edits_apply.POINT
            try:
                check_schema(con, str(db))
                changed, conflicts = apply_staff_edits(con, edits, fresh_sources=False)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            swap_in(tmp, db)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)
    return PublishReport(db, changed, conflicts, time.monotonic() - start)


@dataclass(frozen=True)
class Arbitration:
    """A field staff edited whose source now says something else; the staff value is published."""

    listing_id: str
    name: str | None
    field: str
    staff_value: Any
    source_value: Any
    source: str


def arbitrations(con: duckdb.DuckDBPyConnection) -> list[Arbitration]:
    """The "à arbitrer" list, by listing name then field."""
    rows = con.execute(
        "SELECT a.listing_id, l.name, a.field, a.staff_value, a.source_value, a.source FROM arbitrations a "
        "LEFT JOIN listings l ON l.id = a.listing_id ORDER BY l.name, a.listing_id, a.field"
    ).fetchall()
    return [Arbitration(i, n, f, json.loads(s), json.loads(v), src) for i, n, f, s, v, src in rows]


def resolve_arbitration(
    store: Store, item: Arbitration, keep: Literal["staff", "source"], author: str, reason: str = ""
) -> RevisionView:
    """Settle one arbitration with a revision, then :func:`publish_edits` clears it.

    Keeping the staff value records the new source value as the value replaced, so the source
    is in conflict again only when it changes again; taking the source's value makes it the
    staff value (it stays an override, so a later source change is shown again)."""
    if keep == "staff":
        change = (item.source_value, item.staff_value)
        why = reason or f"à arbitrer : valeur de l'équipe gardée face à « {item.source} »"
    else:
        change = (item.staff_value, item.source_value)
        why = reason or f"à arbitrer : valeur de « {item.source} » reprise"
    base = revisions.head(store, item.listing_id)
    return revisions.save(store, item.listing_id, base, {item.field: change}, author, reason=why)
