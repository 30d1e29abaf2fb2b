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
from courtcircuit.schema import ARBITRATIONS, FACET_BITS_UPDATE, LISTINGS, RECORD_FIELDS
from courtcircuit.selling_places import SELLS_AT, STAFF_LINK_SOURCE, source_links, write_staff_links
from courtcircuit.workspace.models import Revision
from courtcircuit.workspace.revisions import to_json
from courtcircuit.workspace.store import Store

STAFF_SOURCE = STAFF_LINK_SOURCE  # the provenance and `sources` entry of a staff value
STAFF_ID_PREFIX = "cc-ws-"
# A verification date only moves forward: a source's later check is news, never a conflict.
NEWEST_WINS = ("last_verified",)
_TYPES = dict(LISTINGS.columns)
EDITED_FIELDS = (*RECORD_FIELDS, SELLS_AT)  # the listing's columns, and where a producer sells


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
                # No author: the directory file is public (open data); who edited stays in the store.
                name: {"source": STAFF_SOURCE, "ref": "", "date": v.at}
                for name, v in fields.items()
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
                if name not in EDITED_FIELDS:
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
    """Write the staff values into ``listings`` (read-write connection; the spatial extension is
    not needed); the number of listings changed or created. Idempotent: applying twice gives the
    same file. A statement per edited column, not per listing, so a territory's thousand edits
    publish as fast as one."""
    wanted = {i: {n: v[n] for n in EDITED_FIELDS if n in v} for i, v in overrides.items()}
    wanted = {i: v for i, v in wanted.items() if v}
    links = {i: list(v.pop(SELLS_AT) or []) for i, v in wanted.items() if SELLS_AT in v}
    found = con.execute("SELECT id FROM listings WHERE list_contains(?, id)", [list(wanted)]).fetchall()
    present = {i for (i,) in found}
    # An unknown id outside the staff prefix is a listing the sources dropped: its edits wait.
    created = [i for i in wanted if i not in present and i.startswith(STAFF_ID_PREFIX) and wanted[i]]
    for listing_id in created:
        _insert(con, listing_id, wanted[listing_id])
    updated = [i for i in wanted if i in present and wanted[i]]
    _update_columns(con, {i: wanted[i] for i in updated})
    moved = created + [i for i in updated if {"lat", "lon"} & set(wanted[i])]
    if moved:
        con.execute(f"UPDATE listings SET geom = {POINT} WHERE list_contains(?, id)", [moved])  # noqa: S608
    if created or updated:  # the search counts facets on these bits: they follow the lists they encode
        con.execute(FACET_BITS_UPDATE, [created + updated])
    _mark_provenance(con, created + updated, provenance or {})
    _write_slots(
        con, created + [i for i in updated if "opening_hours" in wanted[i]], slot_monday(date.today())
    )
    placed = set(created) | present
    write_staff_links(con, {i: outlets for i, outlets in links.items() if i in placed})
    return len(created) + len(updated) + len([i for i in links if i in placed and not wanted[i]])


# The point of a listing without the spatial extension (loading it costs a second): GEOMETRY
# is a core type, and this WKT gives the same bytes as the build's ST_Point(lon, lat)
# (tests/test_edits.py checks it on every listing).
POINT = "CAST('POINT (' || lon || ' ' || lat || ')' AS GEOMETRY)"


def _update_columns(con: duckdb.DuckDBPyConnection, rows: dict[str, dict[str, Any]]) -> None:
    by_column: dict[str, tuple[list[str], list[Any]]] = {}
    for listing_id, values in rows.items():
        for name, value in values.items():
            ids, new = by_column.setdefault(name, ([], []))
            ids.append(listing_id)
            new.append(value)
    for name, (ids, new) in by_column.items():
        value = f"greatest(coalesce(listings.{name}, s.v), s.v)" if name in NEWEST_WINS else "s.v"
        # Column names come from the schema (filtered on RECORD_FIELDS); values are parameters.
        con.execute(
            f"UPDATE listings SET {name} = {value} FROM (SELECT unnest(CAST(? AS VARCHAR[])) AS id, "  # noqa: S608
            f"unnest(CAST(? AS {_TYPES[name]}[])) AS v) s WHERE listings.id = s.id",
            [ids, new],
        )


def _insert(con: duckdb.DuckDBPyConnection, listing_id: str, values: dict[str, Any]) -> None:
    row: dict[str, Any] = {"channels": [], "labels": [], "products": [], "status": "active"}
    row |= values
    row |= {"id": listing_id, "is_demo": False, "sources": [STAFF_SOURCE], "field_provenance": "{}"}
    if row.get("geo_precision") is None:
        row["geo_precision"] = "exact"
    names = [name for name in LISTINGS.names() if name in row]
    casts = ", ".join(f"CAST(? AS {_TYPES[name]})" for name in names)
    con.execute(
        f"INSERT INTO listings ({', '.join(names)}) VALUES ({casts})",  # noqa: S608 - schema names
        [row[name] for name in names],
    )


def _mark_provenance(
    con: duckdb.DuckDBPyConnection, ids: list[str], marks: dict[str, dict[str, dict[str, str]]]
) -> None:
    """Each staff value's provenance: source "équipe" and its date (never the author's e-mail); "équipe" joins the
    listing's sources. Fields nobody edited keep their source's provenance."""
    ids = [i for i in ids if marks.get(i)]
    if not ids:
        return
    rows = con.execute(
        "SELECT id, field_provenance, sources FROM listings WHERE list_contains(?, id)", [ids]
    ).fetchall()
    provenance, sources = [], []
    for listing_id, raw, listed in rows:
        provenance.append(json.dumps(json.loads(raw or "{}") | marks[listing_id], ensure_ascii=False))
        sources.append([*(s for s in listed or [] if s != STAFF_SOURCE), STAFF_SOURCE])
    con.execute(
        "UPDATE listings SET field_provenance = CAST(s.p AS JSON), sources = s.src FROM (SELECT "
        "unnest(CAST(? AS VARCHAR[])) AS id, unnest(CAST(? AS VARCHAR[])) AS p, "
        "unnest(CAST(? AS VARCHAR[][])) AS src) s WHERE listings.id = s.id",
        [[r[0] for r in rows], provenance, sources],
    )


def _write_slots(con: duckdb.DuckDBPyConnection, ids: list[str], monday: date) -> None:
    """The week slots of listings whose hours staff changed, as the build computes them."""
    if not ids:
        return
    con.execute("DELETE FROM opening_slots WHERE list_contains(?, listing_id)", [ids])
    hours = con.execute(
        "SELECT id, opening_hours FROM listings WHERE list_contains(?, id) AND opening_hours IS NOT NULL",
        [ids],
    ).fetchall()
    slots = [(listing_id, *slot) for listing_id, expr in hours for slot in weekly_slots(expr, monday)]
    if slots:
        columns = list(zip(*slots, strict=True))
        con.execute(
            "INSERT INTO opening_slots SELECT unnest(CAST(? AS VARCHAR[])), unnest(CAST(? AS INTEGER[])), "
            "unnest(CAST(? AS INTEGER[])), unnest(CAST(? AS INTEGER[])), unnest(CAST(? AS INTEGER[]))",
            [list(c) for c in columns],
        )


def _source_conflicts(con: duckdb.DuckDBPyConnection, edits: StaffEdits) -> list[tuple]:
    """Before the staff values are applied: fields whose source value is neither the value
    staff replaced nor the staff value."""
    ids = [i for i in edits.values if i not in edits.created]
    linked = source_links(con, ids)  # before the next query: con.execute returns the connection
    # The schema's columns: not geom nor the facet bits, which are derived from them.
    cur = con.execute(f"SELECT {', '.join(LISTINGS.names())} FROM listings WHERE list_contains(?, id)", [ids])  # noqa: S608
    names = [d[0] for d in cur.description]
    now = datetime.now()
    rows = []
    for found in cur.fetchall():
        listing = dict(zip(names, found, strict=True))
        listing[SELLS_AT] = linked.get(listing["id"], [])
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
