"""Staff values whose listing is no longer the right home for them (no Streamlit).

Two cases, one remedy:

- a listing staff created (``cc-ws-…``) that a source later brings too: the directory shows the
  place twice. :func:`source_twins` finds the source listing nearby with a close name, and
  :func:`move_edits` carries the staff values onto it, then closes the staff listing;
- edits waiting on a listing id the directory lost (its sources merged into another listing or
  dropped it, ``courtcircuit.edits_apply``): :func:`waiting_edits` lists them, and
  :func:`move_edits` carries them onto the listing staff choose.

Moving writes ordinary revisions on both listings (who, when, why), so the history says what
happened and either can be reverted; nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
from rapidfuzz import fuzz

from courtcircuit.edits_apply import STAFF_ID_PREFIX, same_value
from courtcircuit.same_place import Nearby, members, nearby
from courtcircuit.schema import RECORD_FIELDS
from courtcircuit.selling_places import SELLS_AT, linked_outlets
from courtcircuit.vocab import fold
from courtcircuit.workspace import revisions
from courtcircuit.workspace.revisions import RevisionView, to_json
from courtcircuit.workspace.store import Store

TWIN_KM = 1.0  # a place a source brings again is where staff put it, give or take the pin
TWIN_SCORE = 80.0  # token-set ratio of the folded names ("Ferme des Essarts" ~ "GAEC Ferme des Essarts")
# What a move never carries: the listing's identity and what the sources decide alone.
NOT_MOVED = ("status",)


@dataclass(frozen=True)
class WaitingEdit:
    listing_id: str
    name: str | None  # the name staff gave, if they edited it
    fields: list[str]
    last_author: str


@dataclass(frozen=True)
class MoveReport:
    target: RevisionView | None  # None: the target already had every value
    closed: RevisionView | None  # the staff listing closed (a created one only)
    differed: dict[str, Any]  # field -> the target's value that a staff value replaced


def source_twins(con: duckdb.DuckDBPyConnection, listing_id: str) -> list[Nearby]:
    """For a listing staff created: the listings within :data:`TWIN_KM` that come from a source
    and whose name is close to its own, most alike first."""
    if not listing_id.startswith(STAFF_ID_PREFIX):
        return []
    row = con.execute("SELECT name FROM listings WHERE id = ?", [listing_id]).fetchone()
    if row is None or not row[0]:
        return []
    name = fold(str(row[0]))
    found = [
        (fuzz.token_set_ratio(name, fold(n.name)), n)
        for n in nearby(con, listing_id, km=TWIN_KM)
        if not n.id.startswith(STAFF_ID_PREFIX) and members(con, n.id)
    ]
    return [n for score, n in sorted(found, key=lambda t: (-t[0], t[1].km)) if score >= TWIN_SCORE]


def waiting_edits(store: Store, con: duckdb.DuckDBPyConnection) -> list[WaitingEdit]:
    """Listings with staff values that the directory no longer has (not created by staff)."""
    overrides = revisions.overrides(store)
    ids = [i for i in overrides if not i.startswith(STAFF_ID_PREFIX)]
    present = {
        r[0] for r in con.execute("SELECT id FROM listings WHERE list_contains(?, id)", [ids]).fetchall()
    }
    waiting = []
    for listing_id in ids:
        if listing_id in present:
            continue
        values = overrides[listing_id]
        fields = [n for n in values if n not in NOT_MOVED]
        latest = revisions.history(store, listing_id)[0]
        if not fields or latest.kind == "moved":
            continue
        waiting.append(WaitingEdit(listing_id, values.get("name"), fields, latest.author))
    return sorted(waiting, key=lambda w: (w.name or "", w.listing_id))


def _current(con: duckdb.DuckDBPyConnection, store: Store, listing_id: str) -> dict[str, Any]:
    cur = con.cursor()
    try:
        # Column names from the schema, the id a parameter.
        sql = f"SELECT {', '.join(RECORD_FIELDS)} FROM listings WHERE id = ?"  # noqa: S608
        row = cur.execute(sql, [listing_id]).fetchone()
    finally:
        cur.close()
    values = {n: to_json(v) for n, v in zip(RECORD_FIELDS, row, strict=True)} if row else {}
    if row:
        values[SELLS_AT] = linked_outlets(con, listing_id)
    return values | revisions.overrides(store, [listing_id]).get(listing_id, {})


def move_edits(
    store: Store, con: duckdb.DuckDBPyConnection, source_id: str, target_id: str, author: str
) -> MoveReport:
    """Carry every staff value of ``source_id`` onto ``target_id`` (one revision there), and close
    ``source_id`` if staff created it (one revision, its history kept). A value the target
    already holds is not written again; one it holds differently is replaced and reported."""
    if source_id == target_id:
        raise ValueError("une fiche ne peut pas être fusionnée avec elle-même")
    if con.execute("SELECT 1 FROM listings WHERE id = ?", [target_id]).fetchone() is None:
        raise ValueError(f"fiche introuvable dans l'annuaire : {target_id}")
    staff = {
        n: v
        for n, v in revisions.overrides(store, [source_id]).get(source_id, {}).items()
        if n not in NOT_MOVED
    }
    target = _current(con, store, target_id)
    changes = {n: (target.get(n), v) for n, v in staff.items() if not same_value(target.get(n), v)}
    if SELLS_AT in changes:
        changes[SELLS_AT] = (target.get(SELLS_AT), [o for o in changes[SELLS_AT][1] if o != target_id])
    differed = {n: old for n, (old, _) in changes.items() if old not in (None, "", [])}
    why = f"reprise des modifications de l'équipe sur la fiche {source_id}"
    moved = None
    if changes:
        moved = revisions.save(
            store, target_id, revisions.head(store, target_id), changes, author, reason=why
        )
    closed = None
    if not source_id.startswith(STAFF_ID_PREFIX):  # a lost id: say where its values went
        revisions.save(store, source_id, revisions.head(store, source_id), {}, author, kind="moved",
                       reason=f"modifications reprises par la fiche {target_id}")  # fmt: skip
    else:
        status = _current(con, store, source_id).get("status") or "active"
        if status != "closed":
            closed = revisions.save(
                store, source_id, revisions.head(store, source_id), {"status": (status, "closed")}, author,
                kind="close", reason=f"même lieu que la fiche {target_id}, apportée par une source",
            )  # fmt: skip
    return MoveReport(moved, closed, differed)
