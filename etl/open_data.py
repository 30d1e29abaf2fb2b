"""Writing the open-data files (GeoJSON, CSV, Parquet) of a freshly built database.

They are written from the new file before it is swapped in, into a folder of their own
(`<db>.opendata-<stamp>`), then a link `<db>.opendata` is swapped to it (os.replace of a link is
atomic): a download gets the files of one build, never a mix. Older folders are removed at the
next swap, under the build lock. Fields, licence rule and locations: courtcircuit/open_data.py.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

import duckdb
import pandas as pd

from courtcircuit.db import connect
from courtcircuit.export import neutralise, readable_phone
from courtcircuit.open_data import (
    FILES,
    OPEN_DATA_FIELDS,
    PUBLISHER_SOURCE,
    SourceRights,
    dataset_licence,
    open_data_folder,
    redistributable,
)
from courtcircuit.schema import LISTINGS
from etl.sources import FORMAT_RIGHTS


def source_rights(con: duckdb.DuckDBPyConnection) -> list[SourceRights]:
    """Each source of the build, its licence and whether its listings may be redistributed."""
    rows = con.execute(
        "SELECT name, format, label, licence FROM sources ORDER BY precedence, name"
    ).fetchall()
    rights = []
    for name, fmt, label, licence in rows:
        attribution = FORMAT_RIGHTS.get(fmt, (None, None))[1] or label or name
        rights.append(SourceRights(name, label or name, licence, attribution, redistributable(licence)))
    return rights


def open_listings_sql(allowed: list[str]) -> str:
    """The query of the active listings whose every source is in `allowed`, with the open-data
    field names, by id: a SELECT with the allowed sources written in (COPY takes no parameter).

    A listing merged from an open source and a closed one carries values of the closed one
    (its phone, its hours): it stays out whole rather than be published half-redistributable."""
    columns = ", ".join(f"{column} AS {name}" for column, name, _ in OPEN_DATA_FIELDS)
    quoted = ", ".join("'" + name.replace("'", "''") + "'" for name in allowed)  # quotes doubled
    return (
        f"SELECT {columns} FROM listings WHERE status = 'active' "  # noqa: S608 - our identifiers
        f"AND list_has_all([{quoted}]::VARCHAR[], sources) AND lat IS NOT NULL AND lon IS NOT NULL "
        "AND NOT isnan(lat) AND NOT isnan(lon) ORDER BY id"
    )


def _plain(value: Any) -> Any:
    """A JSON value: lists as lists, dates as ISO text, missing as null."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


# Rows fetched and written at a time: the files are streamed to disk, never held whole (the
# GeoJSON of 10^6 listings, built in memory with its frame, was most of a build's memory peak).
EXPORT_BATCH = 20_000


_NAMES = [name for _, name, _ in OPEN_DATA_FIELDS]
_TYPES = dict(LISTINGS.columns)
# The listing table's type of each field: values are converted a column at a time by type
# (DuckDB hands over str, float, bool, date and lists of str), not a cell at a time by testing
# each value (2.6 million calls at 200,000 listings, a sixth of publishing).
_SQL_TYPES = [_TYPES.get(column, "") for column, _, _ in OPEN_DATA_FIELDS]


def _csv_column(field: str, sql_type: str, values: list) -> Iterable[Any]:
    if field == "telephone":
        return ["" if v is None else readable_phone(v) for v in values]
    if sql_type == "VARCHAR":
        return ["" if v is None else neutralise(v) for v in values]
    if sql_type == "VARCHAR[]":
        return ["" if v is None else neutralise(" | ".join(v)) for v in values]
    if sql_type in ("BOOLEAN", "INTEGER"):
        return ["" if v is None else v for v in values]
    # DATE, DOUBLE: ISO dates and numbers, which no spreadsheet runs as a formula.
    return ["" if (cell := _plain(v)) is None else cell for v in values]


def write_geojson(
    out: TextIO, con: duckdb.DuckDBPyConnection, sql: str, licence: str, attribution: str
) -> int:
    """The FeatureCollection of the query's listings, written a batch of features at a time;
    their number. DuckDB writes each feature's JSON (`to_json`, text unescaped as with
    `ensure_ascii=False`): building and dumping the dicts in Python was 2 s at 200,000 rows."""
    head = {"type": "FeatureCollection", "licence": licence, "attribution": attribution}
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [')
    features = con.execute(
        "SELECT to_json({'type': 'Feature', 'id': identifiant, "  # noqa: S608 - our own query
        "'geometry': {'type': 'Point', 'coordinates': [longitude, latitude]}, 'properties': listing})::VARCHAR "
        f"FROM ({sql}) AS listing ORDER BY listing.identifiant"
    )
    count = 0
    while rows := features.fetchmany(EXPORT_BATCH):
        out.write((", " if count else "") + ", ".join(feature for (feature,) in rows))
        count += len(rows)
    out.write("]}")
    return count


def write_csv(out: TextIO, con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """The CSV of the query's listings, a batch at a time: UTF-8, comma-separated (the
    data.gouv.fr convention), missing values empty, text cells safe in a spreadsheet.

    Read as Arrow batches, a column at a time (`to_pylist`): DuckDB's rows as Python tuples,
    then turned into columns, took twice as long."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_NAMES)
    for batch in con.execute(sql).to_arrow_reader(EXPORT_BATCH):
        columns = (
            _csv_column(field, sql_type, batch.column(i).to_pylist())
            for i, (field, sql_type) in enumerate(zip(_NAMES, _SQL_TYPES, strict=True))
        )
        writer.writerows(zip(*columns, strict=True))


def _write_geojson_and_parquet(
    folder: Path, con: duckdb.DuckDBPyConnection, sql: str, licence: str, attribution: str
) -> int:
    with (folder / FILES["geojson"]).open("w", encoding="utf-8", newline="") as geojson_out:
        listings = write_geojson(geojson_out, con, sql, licence, attribution)
    # GeoParquet: the spatial extension writes the geometry with its metadata (CRS84); the
    # columns keep the listing table's types (a date is a DATE, an empty column still text).
    target = str(folder / FILES["parquet"]).replace("'", "''")  # our own path, quotes doubled
    copy = f"COPY (SELECT *, ST_Point(longitude, latitude) AS geometry FROM ({sql})) TO '{target}'"  # noqa: S608
    con.execute(copy + " (FORMAT parquet)")
    return listings


def write_files(
    folder: Path, con: duckdb.DuckDBPyConnection, sql: str, licence: str, attribution: str
) -> int:
    """The GeoJSON, CSV and GeoParquet files of the query's listings; their number.

    The GeoJSON and the Parquet are mostly DuckDB's work, which lets go of Python's lock: they
    are written in a thread, on a cursor of their own, while this one writes the CSV."""
    cursor = con.cursor()
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="open-data") as duckdb_files:
            listings = duckdb_files.submit(
                _write_geojson_and_parquet, folder, cursor, sql, licence, attribution
            )
            with (folder / FILES["csv"]).open("w", encoding="utf-8", newline="") as csv_out:
                write_csv(csv_out, con, sql)
            return listings.result()
    finally:
        cursor.close()


def write_open_data(new: Path, db: Path) -> Path:
    """Write the files of the database file `new` (to be published as `db`) into a new folder."""
    # A new folder every time (mkdtemp): two builds within one second used to get the same name,
    # and the second one deleted the folder being served before writing it again.
    db.parent.mkdir(parents=True, exist_ok=True)
    prefix = f"{open_data_folder(db).name}-{time.strftime('%Y%m%dT%H%M%S')}-"
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=db.parent))
    folder.chmod(0o755)  # mkdtemp makes it private; the files are public data
    con = connect(new, read_only=True)
    try:
        rights = source_rights(con)
        allowed = [r.name for r in rights if r.included] + [PUBLISHER_SOURCE]
        sql = open_listings_sql(allowed)
        licence = dataset_licence(rights)
        attribution = "Court-Circuit, annuaire des circuits courts. Sources : " + " ; ".join(
            f"{r.attribution} ({r.licence})" for r in rights if r.included
        )
        listings = write_files(folder, con, sql, licence, attribution)
        (built_at,) = con.execute("SELECT max(built_at) FROM build_info").fetchone() or (None,)
    finally:
        con.close()
    about = {
        "built_at": built_at.isoformat(timespec="seconds") if built_at else "",
        "listings": listings,
        "licence": licence,
        "attribution": attribution,
        "sources": [r.__dict__ for r in rights],
    }
    (folder / FILES["sources"]).write_text(json.dumps(about, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


def swap_open_data(folder: Path, db: Path) -> None:
    """Point `<db>.opendata` at `folder` in one step, then remove the folders it replaced.

    Called under the build lock: no other build is writing a folder of this database."""
    link = open_data_folder(db)
    tmp = link.with_name(f"{link.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(folder.name)  # relative: the data folder may be moved or mounted elsewhere
    os.replace(tmp, link)
    for old in db.parent.glob(f"{link.name}-*"):
        if old.is_dir() and old.name != folder.name:
            shutil.rmtree(old, ignore_errors=True)
