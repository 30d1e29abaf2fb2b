"""Staff edits applied to a directory database: the latest value of every field staff edited
replaces what the sources say, listings staff created are added, and a field whose source has
changed since staff replaced it goes to the "à arbitrer" list.

The build (etl/publish.py) applies them to each new file before it is swapped in; a publication
(courtcircuit.edits.publish_edits) applies them to a copy of the current file within seconds.
Both call :func:`apply_staff_edits`, so an edit looks the same whichever brought it.

Listings staff create have ids ``cc-ws-<n>`` (see ``courtcircuit.edits.new_listing_id``): no
source listing can take one (the ETL's are ``cc-`` and 12 hex digits), so an override for an id
no source has is a created listing only under that prefix; any other unknown id is a listing the
sources dropped, and its edits wait (they apply again if it comes back).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb
from sqlalchemy import select

from courtcircuit.hours import slot_monday, weekly_slots
from courtcircuit.schema import ARBITRATIONS, LISTINGS, RECORD_FIELDS
from courtcircuit.workspace.models import Revision
from courtcircuit.workspace.revisions import to_json
from courtcircuit.workspace.store import Store

STAFF_SOURCE = "équipe"  # the provenance and `sources` entry of a staff value
STAFF_ID_PREFIX = "cc-ws-"
# A verification date only moves forward: a source's later check is news, never a conflict.
NEWEST_WINS = ("last_verified",)
_TYPES = dict(LISTINGS.columns)


@dataclass(frozen=True)
class StaffValue:
    value: Any  # JSON-friendly, as the store keeps it
    author: str
    at: str  # ISO date of the revision
    baseline: Any  # what the sources said when staff replaced it (the revision's old value)


@dataclass
class StaffEdits:
    """Everything the store says about the directory: listing id → field → staff value."""

    values: dict[str, dict[str, StaffValue]] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)

    def overrides(self) -> dict[str, dict[str, Any]]:
        return {i: {name: v.value for name, v in fields.items()} for i, fields in self.values.items()}

    def provenance(self) -> dict[str, dict[str, dict[str, str]]]:
        return {
            i: {
                name: {"source": STAFF_SOURCE, "author": v.author, "date": v.at} for name, v in fields.items()
            }
            for i, fields in self.values.items()
        }


def same_value(a: Any, b: Any) -> bool:
    """Equal as a listing shows them: empty is empty, lists are sets, floats to 1e-7."""
    a, b = _comparable(a), _comparable(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, abs_tol=1e-7)
    return a == b


def _comparable(value: Any) -> Any:
    value = to_json(value)
    if value in (None, "", []):
        return None
    if isinstance(value, list):
        return sorted(str(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def staff_edits(store: Store) -> StaffEdits:
    """Read every revision once, oldest first. A field's baseline is the old value of the
    revision that first replaced a source value: a revision whose old value is the previous staff
    value continues the chain, one whose old value differs (an arbitration kept the staff value
    against a new source value) starts a new baseline."""
    edits = StaffEdits()
    query = select(Revision).order_by(Revision.listing_id, Revision.number)
    with store.session() as s:
        for revision in s.scalars(query):
            fields = edits.values.setdefault(revision.listing_id, {})
            if revision.kind == "create":
                edits.created.add(revision.listing_id)
            for name, (old, new) in revision.changes.items():
                if name not in RECORD_FIELDS:
                    continue
                before = fields.get(name)
                baseline = before.baseline if before is not None and same_value(old, before.value) else old
                fields[name] = StaffValue(new, revision.author, revision.at.date().isoformat(), baseline)
    return edits


def apply_overrides(
    con: duckdb.DuckDBPyConnection,
    overrides: dict[str, dict[str, object]],
    *,
    provenance: dict[str, dict[str, dict[str, str]]] | None = None,
) -> int:
    """Write the staff values into ``listings`` (read-write connection, spatial loaded); the
    number of listings changed or created. Idempotent: applying twice gives the same file."""
    ids = list(overrides)
    present = {
        i for (i,) in con.execute("SELECT id FROM listings WHERE list_contains(?, id)", [ids]).fetchall()
    }
    monday = slot_monday(date.today())
    changed = 0
    for listing_id, values in overrides.items():
        values = {name: values[name] for name in RECORD_FIELDS if name in values}
        if not values:
            continue
        if listing_id in present:
            _update(con, listing_id, values)
        elif listing_id.startswith(STAFF_ID_PREFIX):
            _insert(con, listing_id, values)
        else:
            continue  # the sources dropped it: its edits wait for it to come back
        _mark_provenance(con, listing_id, (provenance or {}).get(listing_id, {}))
        if "opening_hours" in values or listing_id not in present:
            _write_slots(con, listing_id, monday)
        changed += 1
    return changed


def _cast(name: str) -> str:
    return f"CAST(? AS {_TYPES[name]})"


def _param(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value


def _update(con: duckdb.DuckDBPyConnection, listing_id: str, values: dict[str, Any]) -> None:
    sets, params = [], []
    for name, value in values.items():
        if name in NEWEST_WINS and value is not None:
            sets.append(f"{name} = greatest(coalesce({name}, {_cast(name)}), {_cast(name)})")
            params += [value, value]
        else:
            sets.append(f"{name} = {_cast(name)}")
            params.append(_param(value))
    # Column names come from the schema (values were filtered on RECORD_FIELDS); values are `?`.
    con.execute(f"UPDATE listings SET {', '.join(sets)} WHERE id = ?", [*params, listing_id])  # noqa: S608
    if "lat" in values or "lon" in values:
        # A separate statement: SET expressions see the row as it was before the update.
        con.execute("UPDATE listings SET geom = ST_Point(lon, lat) WHERE id = ?", [listing_id])


def _insert(con: duckdb.DuckDBPyConnection, listing_id: str, values: dict[str, Any]) -> None:
    row: dict[str, Any] = {"channels": [], "labels": [], "products": [], "status": "active"}
    row |= values
    row |= {"id": listing_id, "is_demo": False, "sources": [STAFF_SOURCE], "field_provenance": "{}"}
    if row.get("geo_precision") is None:
        row["geo_precision"] = "exact"
    names = [name for name in LISTINGS.names() if name in row]
    casts = ", ".join(_cast(name) for name in names)
    con.execute(
        f"INSERT INTO listings ({', '.join(names)}, geom) VALUES ({casts}, ST_Point(?, ?))",  # noqa: S608 - schema names
        [*(_param(row[name]) for name in names), row.get("lon"), row.get("lat")],
    )


def _mark_provenance(
    con: duckdb.DuckDBPyConnection, listing_id: str, marks: dict[str, dict[str, str]]
) -> None:
    found = con.execute(
        "SELECT field_provenance, sources FROM listings WHERE id = ?", [listing_id]
    ).fetchone()
    if found is None:
        return
    provenance = json.loads(found[0] or "{}")
    provenance |= marks
    sources = list(found[1] or [])
    if marks and STAFF_SOURCE not in sources:
        sources.append(STAFF_SOURCE)
    con.execute(
        "UPDATE listings SET field_provenance = CAST(? AS JSON), sources = ? WHERE id = ?",
        [json.dumps(provenance, ensure_ascii=False), sources, listing_id],
    )


def _write_slots(con: duckdb.DuckDBPyConnection, listing_id: str, monday: date) -> None:
    con.execute("DELETE FROM opening_slots WHERE listing_id = ?", [listing_id])
    found = con.execute("SELECT opening_hours FROM listings WHERE id = ?", [listing_id]).fetchone()
    if found and found[0]:
        slots = [(listing_id, *slot) for slot in weekly_slots(found[0], monday)]
        if slots:
            con.executemany("INSERT INTO opening_slots VALUES (?, ?, ?, ?, ?)", slots)


def _source_conflicts(con: duckdb.DuckDBPyConnection, edits: StaffEdits) -> list[tuple]:
    """Before the staff values are applied: fields whose source value is neither the value
    staff replaced nor the staff value."""
    ids = [i for i in edits.values if i not in edits.created]
    cur = con.execute("SELECT * EXCLUDE (geom) FROM listings WHERE list_contains(?, id)", [ids])
    names = [d[0] for d in cur.description]
    now = datetime.now()
    rows = []
    for found in cur.fetchall():
        listing = dict(zip(names, found, strict=True))
        provenance = json.loads(listing["field_provenance"] or "{}")
        for name, staff in edits.values[listing["id"]].items():
            source_value = to_json(listing[name])
            if name in NEWEST_WINS or same_value(source_value, staff.baseline):
                continue
            if same_value(source_value, staff.value):
                continue
            source = provenance.get(name, {}).get("source") or ", ".join(listing["sources"] or [])
            rows.append((listing["id"], name, staff.value, source_value, source, now))
    return rows


def _standing_conflicts(con: duckdb.DuckDBPyConnection, edits: StaffEdits) -> list[tuple]:
    """The arbitrations already in the file, less those a newer revision settled."""
    rows = []
    for listing_id, name, source_json, source, found_at in con.execute(
        "SELECT listing_id, field, source_value, source, found_at FROM arbitrations"
    ).fetchall():
        staff = edits.values.get(listing_id, {}).get(name)
        source_value = json.loads(source_json)
        if staff is None or same_value(source_value, staff.baseline) or same_value(source_value, staff.value):
            continue
        rows.append((listing_id, name, staff.value, source_value, source, found_at))
    return rows


def apply_staff_edits(
    con: duckdb.DuckDBPyConnection, edits: StaffEdits, *, fresh_sources: bool
) -> tuple[int, int]:
    """Apply every staff edit and refresh the arbitration list; (listings changed, arbitrations).

    ``fresh_sources``: the listings hold what the sources say now (a build has just written
    them), so conflicts are found anew; otherwise the file already carries staff values and the
    list is only cleared of what newer revisions settled."""
    conflicts = _source_conflicts(con, edits) if fresh_sources else _standing_conflicts(con, edits)
    con.execute(ARBITRATIONS.ddl())
    con.execute("DELETE FROM arbitrations")
    if conflicts:
        con.executemany(
            "INSERT INTO arbitrations VALUES (?, ?, CAST(? AS JSON), CAST(? AS JSON), ?, ?)",
            [(i, n, json.dumps(a, ensure_ascii=False), json.dumps(b, ensure_ascii=False), s, t)
             for i, n, a, b, s, t in conflicts],
        )  # fmt: skip
    changed = apply_overrides(con, edits.overrides(), provenance=edits.provenance())
    return changed, len(conflicts)
