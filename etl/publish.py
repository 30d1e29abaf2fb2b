"""Writing the directory database: a new file, checked, then swapped in whole."""

from __future__ import annotations

import fcntl
import functools
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import opening_hours
import pandas as pd

from courtcircuit.db import connect
from courtcircuit.schema import (
    BUILD_INFO,
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
from etl.checks import run_checks
from etl.links import Link
from etl.resolve import GoldenListing, MergeNote
from etl.sources import SourceConfig


class BuildLocked(RuntimeError):
    pass


@contextmanager
def build_lock(db: Path, wait: bool = True) -> Iterator[None]:
    """One build per database file at a time; a second one waits (or fails fast)."""
    lock_path = db.with_name(db.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as err:
            raise BuildLocked(f"une autre construction de {db.name} est en cours") from err
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


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


def _listing_rows(listings: list[GoldenListing]) -> pd.DataFrame:
    rows = []
    for listing in listings:
        row = {name: getattr(listing.fields, name) for name in RECORD_FIELDS}
        row["id"] = listing.id
        row["is_demo"] = all(m.is_demo for m in listing.members)
        row["sources"] = sorted({m.source for m in listing.members})
        row["field_provenance"] = json.dumps(listing.provenance, ensure_ascii=False)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(LISTINGS.names()))


SLOT_WEEKS = 52


@functools.lru_cache(maxsize=4096)  # a directory repeats a few hundred distinct expressions
def weekly_slots(expr: str, start: date) -> tuple[tuple[int, int, int, int], ...]:
    """(weekday 0=Monday, start minute, end minute, weeks out of 52) over a year from `start`.

    A precomputed week lets SQL answer "open Saturday morning" without parsing in the query,
    and is the pre-filter of "open now" (search then evaluates the real rules on the few
    candidates). A whole year, so seasonal hours ("Jun-Sep") and monthly markets ("Su[1]")
    have their slots whatever the build date; "weeks" says how regular a slot is (a
    first-Sunday market counts 12 of 52).
    """
    begin = datetime.combine(start, datetime.min.time())
    counts: dict[tuple[int, int, int], int] = {}
    try:
        spans = opening_hours.OpeningHours(expr).intervals(begin, begin + timedelta(weeks=SLOT_WEEKS))
        for lo, hi, state, _comment in spans:
            if state == opening_hours.State.OPEN and hi is not None:
                while lo < hi:  # split at midnight
                    end = min(hi, datetime.combine(lo.date() + timedelta(days=1), datetime.min.time()))
                    key = (lo.weekday(), lo.hour * 60 + lo.minute, (end - lo).seconds // 60 or 1440)
                    counts[key] = counts.get(key, 0) + 1
                    lo = end
    except (
        Exception
    ):  # expressions were validated at normalisation; a library edge case must not stop a build
        return ()
    return tuple((d, s, s + length, n) for (d, s, length), n in sorted(counts.items()))


def _create(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    rows: pd.DataFrame | list[tuple],
    order_by: str | None = None,
    extra: str = "",
) -> None:
    """CREATE TABLE … AS SELECT with the schema's types, so an empty frame still has the right
    columns."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=list(table.names()))
    frame = frame.astype(object)
    casts = ", ".join(f"CAST({name} AS {sql_type}) AS {name}" for name, sql_type in table.columns)
    order = f" ORDER BY {order_by}" if order_by else ""
    extra = f", {extra}" if extra else ""
    con.execute(f"CREATE TABLE {table.name} AS SELECT {casts}{extra} FROM frame{order}")  # noqa: S608 - our identifiers


# Rows in Hilbert order: a bbox prefilter then reads few row groups, and one CREATE … ORDER BY
# makes a file half the size of one built with ALTER/UPDATE (STACK-NOTES.md).
HILBERT = "ST_Hilbert(lon, lat, {'min_x': -180.0, 'min_y': -90.0, 'max_x': 180.0, 'max_y': 90.0}::BOX_2D)"


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
    con = connect(path, read_only=False)
    try:
        _create(con, LISTINGS, _listing_rows(listings), order_by=HILBERT, extra=LISTINGS_GEOMETRY)
        members = [(x.id, m.source, m.ref, m.source_date, m.precedence) for x in listings for m in x.members]
        _create(con, LISTING_SOURCES, members, order_by="listing_id, precedence")
        _create(
            con, LISTING_LINKS, [(k.producer_id, k.outlet_id, k.days, k.source, k.source_ref) for k in links]
        )
        monday = date.today() - timedelta(days=date.today().weekday())
        slots = [
            (x.id, *slot)
            for x in listings
            if x.fields.opening_hours
            for slot in weekly_slots(x.fields.opening_hours, monday)
        ]
        _create(con, OPENING_SLOTS, slots, order_by="listing_id, weekday, start_minute")
        _create(con, REJECTED, rejected)
        for table, notes in ((MERGES, merges), (KEPT_APART, kept_apart)):
            rows = [
                (n.kept[0], n.kept[1], n.merged[0], n.merged[1], n.distance_m, n.name_score, n.reason)
                for n in notes
            ]
            _create(con, table, rows)
        counts = ("read", "loaded", "merged", "rejected")
        source_rows = [
            (s.name, s.format, s.label or s.name, s.precedence, s.demo, s.date, s.licence,
             *(stats[s.name][k] for k in counts))
            for s in sources
        ]  # fmt: skip
        _create(con, SOURCES, source_rows)
        _create(con, BUILD_INFO, [(datetime.now(), len(listings), SCHEMA_VERSION)])
        run_checks(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def swap_in(new: Path, db: Path) -> None:
    """Atomic on one filesystem: readers see the old file or the new one, never a mix."""
    os.replace(new, db)
    wal = new.with_name(new.name + ".wal")
    if wal.exists():
        wal.unlink()
