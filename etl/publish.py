"""Writing the directory database: a new file, checked, then swapped in whole."""

from __future__ import annotations

import fcntl
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
from etl.checks import run_checks
from etl.links import Link
from etl.resolve import Listing, MergeNote
from etl.sources import SourceConfig

LISTING_SCHEMA: tuple[tuple[str, str], ...] = (
    ("id", "VARCHAR"), ("kind", "VARCHAR"), ("name", "VARCHAR"), ("description", "VARCHAR"),
    ("street", "VARCHAR"), ("postcode", "VARCHAR"), ("city", "VARCHAR"), ("commune_insee", "VARCHAR"),
    ("lat", "DOUBLE"), ("lon", "DOUBLE"), ("geo_precision", "VARCHAR"),
    ("phone", "VARCHAR"), ("email", "VARCHAR"), ("website", "VARCHAR"),
    ("opening_hours", "VARCHAR"), ("opening_hours_text", "VARCHAR"),
    ("channels", "VARCHAR[]"), ("labels", "VARCHAR[]"), ("ab_status", "VARCHAR"), ("products", "VARCHAR[]"),
    ("delivers", "BOOLEAN"), ("delivery_radius_km", "DOUBLE"), ("volumes", "VARCHAR"),
    ("delivery_frequency", "VARCHAR"), ("gtin_available", "BOOLEAN"), ("sanitary_approval", "VARCHAR"),
    ("siret", "VARCHAR"), ("last_verified", "DATE"), ("status", "VARCHAR"), ("is_demo", "BOOLEAN"),
    ("sources", "VARCHAR[]"), ("field_provenance", "JSON"),
)  # fmt: skip


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


def _listing_rows(listings: list[Listing]) -> pd.DataFrame:
    rows = []
    for listing in listings:
        row = dict(listing.values)
        row["id"] = listing.id
        row["is_demo"] = all(m.is_demo for m in listing.members)
        row["sources"] = sorted({m.source for m in listing.members})
        row["field_provenance"] = json.dumps(listing.provenance, ensure_ascii=False)
        rows.append(row)
    return pd.DataFrame(rows)


def weekly_slots(expr: str, start: date) -> list[tuple[int, int, int, int]]:
    """(weekday 0=Monday, start minute, end minute, weeks out of 4) over four weeks from `start`.

    A precomputed week lets SQL answer "open Saturday morning" without parsing in the query;
    "weeks" says how regular a slot is (a first-Sunday market counts 1 of 4).
    """
    begin = datetime.combine(start, datetime.min.time())
    counts: dict[tuple[int, int, int], int] = {}
    try:
        spans = opening_hours.OpeningHours(expr).intervals(begin, begin + timedelta(days=28))
        for lo, hi, state, _comment in spans:
            if str(state).endswith("OPEN") and hi is not None:
                while lo < hi:  # split at midnight
                    end = min(hi, datetime.combine(lo.date() + timedelta(days=1), datetime.min.time()))
                    key = (lo.weekday(), lo.hour * 60 + lo.minute, (end - lo).seconds // 60 or 1440)
                    counts[key] = counts.get(key, 0) + 1
                    lo = end
    except Exception:  # expressions were validated at normalisation; a library edge case must not stop a build
        return []
    return [(d, s, s + length, n) for (d, s, length), n in sorted(counts.items())]


def write_database(
    path: Path,
    listings: list[Listing],
    links: list[Link],
    rejected: pd.DataFrame,
    merges: list[MergeNote],
    kept_apart: list[MergeNote],
    sources: list[SourceConfig],
    stats: dict[str, dict[str, int]],
) -> None:
    con = connect(path, read_only=False)
    try:
        frame = _listing_rows(listings)  # noqa: F841 - read by DuckDB's replacement scan
        casts = ", ".join(f"CAST({name} AS {sql_type}) AS {name}" for name, sql_type in LISTING_SCHEMA)
        # One CREATE … ORDER BY, rows in Hilbert order: a bbox prefilter then reads few row
        # groups, and the file is half the size of one built with ALTER/UPDATE (STACK-NOTES.md).
        con.execute(
            f"CREATE TABLE listings AS SELECT {casts}, ST_Point(lon, lat) AS geom FROM frame "  # noqa: S608
            "ORDER BY ST_Hilbert(lon, lat, {'min_x': -180.0, 'min_y': -90.0, 'max_x': 180.0, 'max_y': 90.0}::BOX_2D)"
        )
        source_rows = pd.DataFrame(  # noqa: F841
            [
                (listing.id, m.source, m.ref, m.source_date, m.precedence)
                for listing in listings
                for m in listing.members
            ],
            columns=["listing_id", "source", "source_ref", "source_date", "precedence"],
        )
        con.execute("CREATE TABLE listing_sources AS SELECT * FROM source_rows ORDER BY listing_id, precedence")
        link_rows = pd.DataFrame(  # noqa: F841
            [(k.producer_id, k.outlet_id, k.days, k.source, k.source_ref) for k in links],
            columns=["producer_id", "outlet_id", "days", "source", "source_ref"],
        )
        con.execute("CREATE TABLE listing_links AS SELECT * FROM link_rows")
        today = date.today()
        monday = today - timedelta(days=today.weekday())
        slot_rows = pd.DataFrame(  # noqa: F841
            [
                (listing.id, *slot)
                for listing in listings
                if listing.values.get("opening_hours")
                for slot in weekly_slots(str(listing.values["opening_hours"]), monday)
            ],
            columns=["listing_id", "weekday", "start_minute", "end_minute", "weeks"],
        )
        con.execute("CREATE TABLE opening_slots AS SELECT * FROM slot_rows ORDER BY listing_id")
        con.execute("CREATE TABLE rejected AS SELECT * FROM rejected")
        for table, notes in (("merges", merges), ("kept_apart", kept_apart)):
            frame_notes = pd.DataFrame(  # noqa: F841
                [(n.kept[0], n.kept[1], n.merged[0], n.merged[1], n.distance_m, n.name_score, n.reason) for n in notes],
                columns=["source_a", "ref_a", "source_b", "ref_b", "distance_m", "name_score", "reason"],
            )
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM frame_notes")
        source_info = pd.DataFrame(  # noqa: F841
            [
                (
                    s.name, s.format, s.label or s.name, s.precedence, s.demo, s.date, s.licence,
                    *(stats[s.name][k] for k in ("read", "loaded", "merged", "rejected")),
                )
                for s in sources
            ],
            columns=["name", "format", "label", "precedence", "demo", "date", "licence",
                     "read", "loaded", "merged", "rejected"],
        )  # fmt: skip
        con.execute("CREATE TABLE sources AS SELECT * FROM source_info")
        con.execute("CREATE TABLE build_info AS SELECT now() AS built_at, ? AS listings", [len(listings)])
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
