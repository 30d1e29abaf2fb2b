"""Writing the directory database: a new file, checked, then swapped in whole.

The lock and the swap live in courtcircuit/db_swap.py: staff edits are published the same way.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
import pyarrow as pa

from courtcircuit.db import connect
from courtcircuit.db_swap import BuildLocked, build_lock
from courtcircuit.db_swap import swap_in as swap_database
from courtcircuit.edits_apply import apply_staff_edits, staff_edits
from courtcircuit.hours import slot_monday, weekly_slots
from courtcircuit.schema import (
    ARBITRATIONS,
    BUILD_INFO,
    DIRECTORY_ROW_GROUP_SIZE,
    KEPT_APART,
    LISTING_LINKS,
    LISTING_SOURCES,
    LISTINGS,
    LISTINGS_GEOMETRY,
    MERGES,
    OPENING_SLOTS,
    RECORD_FIELDS,
    REJECTED,
    SCHEMA_VERSION,
    SOURCES,
    Table,
)
from courtcircuit.workspace.store import DEFAULT_PATH, ENV_VAR, Store
from etl.checks import run_checks
from etl.golden import GoldenListing, provenance_json
from etl.links import Link
from etl.open_data import swap_open_data, write_open_data
from etl.resolve import MergeNote
from etl.sources import SourceConfig
from etl.stages import stage


def previous_ids(db: Path) -> dict[tuple[str, str], str]:
    """(source, ref) → listing id of the database being replaced, so ids survive rebuilds."""
    if not db.exists():
        return {}
    try:
        con = connect(db, read_only=True, spatial=False)
    except duckdb.Error:
        return {}  # an unreadable old file gets no say; it is replaced whole
    try:
        rows = con.execute("SELECT source, source_ref, listing_id FROM listing_sources").fetchall()
    except duckdb.Error:
        rows = []
    finally:
        con.close()
    return {(s, r): i for s, r, i in rows}


_FIELDS_OF = operator.attrgetter(*RECORD_FIELDS)


def _listing_rows(listings: list[GoldenListing]) -> dict[str, list[object]]:
    # Column by column: a dict per row made pandas the slowest part of publishing 10^6 listings.
    values = zip(*(_FIELDS_OF(listing.fields) for listing in listings), strict=True)
    columns: dict[str, list[object]] = dict(zip(RECORD_FIELDS, map(list, values), strict=False))
    columns |= {name: [] for name in RECORD_FIELDS if name not in columns}  # no listing at all
    columns["id"] = [listing.id for listing in listings]
    columns["is_demo"] = [all(m.is_demo for m in listing.members) for listing in listings]
    columns["sources"] = [sorted({m.source for m in listing.members}) for listing in listings]
    columns["field_provenance"] = [provenance_json(listing) for listing in listings]
    return {name: columns[name] for name in LISTINGS.names()}


# DuckDB reads an Arrow table column by column in C; a pandas frame of Python objects it reads
# value by value (with pandas' own conversions before): the first is several times faster.
_ARROW_TYPES = {
    "VARCHAR": pa.string(), "JSON": pa.string(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(), "INTEGER": pa.int32(), "TIMESTAMP": pa.timestamp("us"), "VARCHAR[]": pa.list_(pa.string()),
}  # fmt: skip


def _frame(table: Table, rows: pd.DataFrame | list[tuple] | dict[str, list]) -> pd.DataFrame | pa.Table:
    """What DuckDB reads a batch from: an Arrow table typed as the schema says when the values
    fit those types, else (a number in a text column…) a frame of objects, cast by DuckDB."""
    if isinstance(rows, pd.DataFrame):
        return rows.astype(object)
    names = list(table.names())
    columns = (
        rows if isinstance(rows, dict) else dict(zip(names, map(list, zip(*rows, strict=True)), strict=False))
    )
    try:
        return pa.table(
            {name: pa.array(columns.get(name, []), type=_ARROW_TYPES[sql]) for name, sql in table.columns}
        )
    except (KeyError, pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, UnicodeError):
        frame = pd.DataFrame(columns if isinstance(rows, dict) else rows, columns=names)
        return frame.astype(object)


def _create(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    rows: pd.DataFrame | list[tuple] | dict[str, list],
    order_by: str | None = None,
    extra: str = "",
) -> None:
    """CREATE TABLE … AS SELECT with the schema's types, so an empty batch still has the right
    columns."""
    frame = _frame(table, rows)  # noqa: F841 - read by DuckDB by its name
    casts = ", ".join(f"CAST({name} AS {sql_type}) AS {name}" for name, sql_type in table.columns)
    order = f" ORDER BY {order_by}" if order_by else ""
    extra = f", {extra}" if extra else ""
    con.execute(f"CREATE TABLE {table.name} AS SELECT {casts}{extra} FROM frame{order}")  # noqa: S608 - our identifiers


T = TypeVar("T")
# Rows handed to DuckDB per batch: one frame of 10^6 listings (provenance JSON, object columns,
# then DuckDB's copy) was 9 GB at its peak; batches bound it to a few hundred MB.
CHUNK = 32_768  # eight row groups; two batches are held at once (one written, one made)
DUCKDB_MEMORY = "512MB"


def _insert(con: duckdb.DuckDBPyConnection, sql: str, frame: pd.DataFrame | pa.Table) -> None:
    """Run `sql`, which reads `frame` by its name (DuckDB finds it among this call's locals)."""
    con.execute(sql)


def _create_in_chunks(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    chunks: Iterable[pd.DataFrame | list[tuple] | dict[str, list]],
    order_by: str | None = None,
    extra: str = "",
) -> None:
    """`_create` over batches. With an order, they go to a temporary table, then one
    CREATE … ORDER BY writes the table whole; without one (the rows come in their order), each
    batch is appended to the table itself, `extra` computed on the way."""
    staging = f"{table.name}_staging" if order_by else table.name
    casts = ", ".join(f"CAST({name} AS {sql_type}) AS {name}" for name, sql_type in table.columns)
    added = f", {extra}" if extra and not order_by else ""
    created = False
    # DuckDB writes a batch in a thread of its own while this one makes the next (DuckDB lets go
    # of Python's lock while it works; one batch at a time uses the connection, and at most two
    # are held): the two overlap on a second core.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="publish") as writer:
        written: Future[None] | None = None
        for rows in chunks:
            frame = _frame(table, rows)
            into = "INSERT INTO" if created else ("CREATE TEMP TABLE" if order_by else "CREATE TABLE")
            sql = f"{into} {staging} {'' if created else 'AS '}SELECT {casts}{added} FROM frame"  # noqa: S608 - our identifiers
            if written is not None:
                written.result()
            written = writer.submit(_insert, con, sql, frame)
            created = True
        if written is not None:
            written.result()
    if not created:
        _create(con, table, [], order_by, extra)
        return
    if order_by:
        extra = f", {extra}" if extra else ""
        con.execute(f"CREATE TABLE {table.name} AS SELECT *{extra} FROM {staging} ORDER BY {order_by}")  # noqa: S608 - our identifiers
        con.execute(f"DROP TABLE {staging}")


def _batches(items: list[T], size: int = CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Rows in Hilbert order: a bbox prefilter then reads few row groups, and one CREATE … ORDER BY
# makes a file half the size of one built with ALTER/UPDATE (STACK-NOTES.md).
HILBERT = "ST_Hilbert(lon, lat, {'min_x': -180.0, 'min_y': -90.0, 'max_x': 180.0, 'max_y': 90.0}::BOX_2D)"


def hilbert_order(con: duckdb.DuckDBPyConnection, listings: list[GoldenListing]) -> list[GoldenListing]:
    """The listings in the order of HILBERT (ties by their order here), so the table is written
    in order as its batches come: DuckDB sorting the whole table, its text and provenance with
    it, was a tenth of a build (and spilled to disk under DUCKDB_MEMORY)."""
    positions = pa.table(  # noqa: F841 - read by DuckDB by its name
        {
            "i": pa.array(range(len(listings)), pa.int64()),
            "lon": pa.array([x.fields.lon for x in listings], pa.float64()),
            "lat": pa.array([x.fields.lat for x in listings], pa.float64()),
        }
    )
    order = con.execute(f"SELECT i FROM positions ORDER BY {HILBERT}, i").fetchnumpy()["i"]  # noqa: S608 - our expression
    return [listings[i] for i in order.tolist()]


def write_database(
    path: Path,
    listings: list[GoldenListing],
    links: list[Link],
    rejected: pd.DataFrame,
    merges: list[MergeNote],
    kept_apart: list[MergeNote],
    sources: list[SourceConfig],
    stats: dict[str, dict[str, int]],
) -> None:
    # Row groups of DIRECTORY_ROW_GROUP_SIZE rows: the search's bounding box then skips most of them.
    con = connect(path, read_only=False, row_group_size=DIRECTORY_ROW_GROUP_SIZE)
    try:
        # DuckDB would otherwise hold the sorted listings in memory, up to 80 % of the machine's;
        # beyond this it spills to a temporary file next to the database.
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        listings = hilbert_order(con, listings)
        rows = (_listing_rows(part) for part in _batches(listings))
        _create_in_chunks(con, LISTINGS, rows, extra=LISTINGS_GEOMETRY)
        members = (
            [(x.id, m.source, m.ref, m.source_date, m.precedence) for x in part for m in x.members]
            for part in _batches(listings)
        )
        _create_in_chunks(con, LISTING_SOURCES, members, order_by="listing_id, precedence")
        _create(
            con, LISTING_LINKS, [(k.producer_id, k.outlet_id, k.days, k.source, k.source_ref) for k in links]
        )
        monday = slot_monday(date.today())
        week: dict[str, tuple[tuple[int, int, int, int], ...]] = {}  # a year of slots per expression

        def slots_of(hours: str) -> tuple[tuple[int, int, int, int], ...]:
            if hours not in week:
                week[hours] = weekly_slots(hours, monday)  # many listings share their hours
            return week[hours]

        slots = (
            [
                (x.id, *slot)
                for x in part
                if x.fields.opening_hours
                for slot in slots_of(x.fields.opening_hours)
            ]
            for part in _batches(listings)
        )
        _create_in_chunks(con, OPENING_SLOTS, slots, order_by="listing_id, weekday, start_minute")
        _create(con, REJECTED, rejected)
        for table, notes in ((MERGES, merges), (KEPT_APART, kept_apart)):
            rows = [
                (n.kept[0], n.kept[1], n.merged[0], n.merged[1], n.distance_m, n.name_score, n.reason)
                for n in notes
            ]
            _create(con, table, rows)
        counts = ("read", "loaded", "merged", "rejected")
        source_rows = [
            (s.name, s.format, s.label or s.name, s.precedence, s.demo, s.date, s.licence, s.attribution,
             *(stats[s.name][k] for k in counts))
            for s in sources
        ]  # fmt: skip
        _create(con, SOURCES, source_rows)
        _create(con, BUILD_INFO, [(datetime.now(), len(listings), SCHEMA_VERSION)])
        _create(con, ARBITRATIONS, [])  # filled by the staff edits, if any (apply_workspace_edits)
        with stage("checks"):
            run_checks(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def swap_in(new: Path, db: Path) -> None:
    """Swap a built file in, with its open-data files (etl/open_data.py): written from it first,
    so a failed export keeps the previous database; published once the database is."""
    folder = write_open_data(new, db)
    swap_database(new, db)
    swap_open_data(folder, db)


def default_workspace() -> Store | None:
    """The staff workspace a command-line build applies: COURT_CIRCUIT_WORKSPACE, or the default
    SQLite file when it exists. None when there is neither: the directory is the sources alone."""
    if os.environ.get(ENV_VAR) or DEFAULT_PATH.exists():
        return Store()
    return None


def apply_workspace_edits(path: Path, store: Store) -> str:
    """Apply the staff edits to a freshly written file, before it is swapped in: staff values
    override the sources, created listings are added, and a field whose source changed since
    staff edited it is listed in `arbitrations`. The data checks run again on the result."""
    con = connect(path, read_only=False, row_group_size=DIRECTORY_ROW_GROUP_SIZE)
    try:
        changed, conflicts = apply_staff_edits(con, staff_edits(store), fresh_sources=True)
        run_checks(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return f"modifications de l'équipe appliquées : {changed} fiche(s), {conflicts} valeur(s) à arbitrer"


__all__ = [
    "BuildLocked", "apply_workspace_edits", "build_lock", "default_workspace", "previous_ids", "swap_in",
    "write_database",
]  # fmt: skip
