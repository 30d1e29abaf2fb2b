"""A synthetic directory database of any size, written directly (the ETL is far too slow for 10^6 rows).

``make_directory(path, n, seed)`` writes the two tables the resident search reads, with the schema
and the row order of etl/publish.py:

* ``listings``: exactly ``courtcircuit.schema.LISTINGS`` (imported, not copied) plus ``geom``,
  ordered by publish's own ``HILBERT`` expression, so that DuckDB's row-group min/max prune a
  bounding box as they do on a real build;
* ``opening_slots``: publish's schema, computed with ``courtcircuit.hours.weekly_slots`` once per distinct
  opening_hours expression and expanded to the listings by a join;
* ``bench_meta``: n, seed, generator version and build time; a file whose meta match is reused.

Listings are where people live: a metropolitan commune drawn with probability proportional to its
population, then a point a few km around its town hall (on the town hall itself for the share
geocoded only to the commune). Kinds, channels, labels, products and opening hours come from
courtcircuit.vocab and etl.demo.names, with per-kind probabilities (bench/synthetic_draws.py).

Everything is vectorised: numpy draws integer codes and bitmasks, DuckDB turns them into strings
and lists in one CREATE TABLE … AS SELECT; there is no Python loop over rows (only over kinds,
vocabulary terms, communes or the few distinct opening-hours expressions).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from bench.synthetic_draws import HOURS, draw_listings, sample_points, towns
from courtcircuit.db import connect
from courtcircuit.hours import weekly_slots
from courtcircuit.schema import LISTINGS, LISTINGS_GEOMETRY, OPENING_SLOTS
from courtcircuit.vocab import CHANNELS, LABELS, PRODUCTS
from etl.publish import HILBERT

__all__ = ["BuildInfo", "make_directory", "read_meta", "sample_points", "towns"]

GENERATOR_VERSION = 2  # bump when the drawn data or the table change: cached files are rebuilt
SOURCE = "bench-synthetic"


@dataclass(frozen=True)
class BuildInfo:
    path: Path
    n: int
    seed: int
    seconds: float  # time the file took to build (when reused: the original build's)
    reused: bool


def _vocab_list(codes: list[str]) -> str:
    # Codes from our own vocabulary module, never from data or users.
    return "[" + ", ".join("'" + c.replace("'", "''") + "'" for c in codes) + "]"


def _decode(mask: str, codes: list[str]) -> str:
    return f"list_filter({_vocab_list(codes)}, lambda code, i: (({mask} >> (i - 1)) & 1) = 1)"


# One SQL expression per column of LISTING_SCHEMA, over draws d, towns t and hours h.
COLUMN_SQL = {
    "id": "'cc-' || printf('%012x', d.ident)",
    "kind": "d.kind",
    "name": "CASE WHEN d.kind = 'producteur' THEN d.head || ' ' || d.lieu ELSE d.head || ' ' || t.of_city END",
    "description": "d.description",
    "street": "d.street",
    "postcode": "t.postcode",
    "city": "t.city",
    "commune_insee": "t.insee",
    "lat": "d.lat",
    "lon": "d.lon",
    "geo_precision": "d.precision",
    "phone": "CASE WHEN d.phone_zone > 0 THEN printf('+33%d%08d', d.phone_zone, d.phone_rest) END",
    "email": "CASE WHEN d.has_email THEN printf('contact@ferme-%012x.example', d.ident) END",
    "website": "CASE WHEN d.has_website THEN printf('https://www.ferme-%012x.example', d.ident) END",
    "opening_hours": "h.osm",
    "opening_hours_text": "h.text",
    "channels": _decode("d.channel_mask", CHANNELS.codes()),
    "labels": _decode("d.label_mask", LABELS.codes()),
    "ab_status": "d.ab_status",
    "products": _decode("d.product_mask", PRODUCTS.codes()),
    "delivers": "CASE d.delivers WHEN 1 THEN TRUE WHEN 0 THEN FALSE END",
    "delivery_radius_km": "d.radius",
    "volumes": "CASE WHEN d.volume_kg > 0 THEN printf('%d kg/semaine', d.volume_kg) END",
    "delivery_frequency": "d.frequency",
    "gtin_available": "CASE d.gtin WHEN 1 THEN TRUE WHEN 0 THEN FALSE END",
    "sanitary_approval": "CASE WHEN d.approval > 0 THEN printf('FR %s.%03d.%03d CE', t.departement, "
    "d.approval // 1000, d.approval % 1000) END",
    "siret": "d.siret",
    "last_verified": "DATE '2024-01-01' + d.verified_day::INTEGER",
    "status": "CASE WHEN d.closed THEN 'closed' ELSE 'active' END",
    "is_demo": "TRUE",
    "sources": f"['{SOURCE}']",
    "field_provenance": f"json_object('lat', json_object('source', '{SOURCE}', 'ref', d.ident::VARCHAR, "
    "'date', '2026-10-15'))",
}
assert tuple(COLUMN_SQL) == LISTINGS.names()


def _write(con: duckdb.DuckDBPyConnection, n: int, seed: int) -> None:
    draws = draw_listings(n, seed)  # noqa: F841 - read by DuckDB's replacement scan
    places = towns()  # noqa: F841
    hours = pd.DataFrame(  # noqa: F841
        {
            "hours": np.arange(len(HOURS), dtype=np.int32),
            "osm": [h[0] for h in HOURS],
            "text": [h[1] for h in HOURS],
        }
    )
    casts = ", ".join(
        f"CAST({COLUMN_SQL[name]} AS {sql_type}) AS {name}" for name, sql_type in LISTINGS.columns
    )
    con.execute(
        f"CREATE TABLE listings AS SELECT *, {LISTINGS_GEOMETRY} FROM (SELECT {casts} "  # noqa: S608 - our constants
        f"FROM draws d JOIN places t USING (ci) LEFT JOIN hours h USING (hours)) ORDER BY {HILBERT}"
    )
    monday = date.today() - timedelta(days=date.today().weekday())  # as etl/publish.py does
    slots = pd.DataFrame(  # noqa: F841
        [(osm, *slot) for osm, _ in HOURS for slot in weekly_slots(osm, monday)],
        columns=["osm", "weekday", "start_minute", "end_minute", "weeks"],
    )
    columns = {"listing_id": "l.id"} | {name: f"s.{name}" for name in OPENING_SLOTS.names()[1:]}
    casts = ", ".join(
        f"CAST({columns[name]} AS {sql_type}) AS {name}" for name, sql_type in OPENING_SLOTS.columns
    )
    con.execute(
        f"CREATE TABLE opening_slots AS SELECT {casts} FROM listings l "  # noqa: S608 - our constants
        "JOIN slots s ON l.opening_hours = s.osm ORDER BY listing_id, weekday, start_minute"
    )


def read_meta(path: Path) -> tuple[int, int, int, float] | None:
    """(n, seed, generator version, build seconds) of an existing benchmark file, or None."""
    if not path.exists():
        return None
    try:
        con = connect(path, read_only=True, spatial=False)
    except duckdb.Error:
        return None
    try:
        row = con.execute("SELECT n, seed, version, build_seconds FROM bench_meta").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return None if row is None else (int(row[0]), int(row[1]), int(row[2]), float(row[3]))


def make_directory(path: Path | str, n: int, seed: int) -> BuildInfo:
    """Write (or reuse, when its n, seed and generator version match) a benchmark database at ``path``."""
    path = Path(path)
    meta = read_meta(path)
    if meta is not None and meta[:3] == (n, seed, GENERATOR_VERSION):
        return BuildInfo(path, n, seed, meta[3], reused=True)
    start = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = connect(tmp, read_only=False)
    try:
        _write(con, n, seed)
        con.execute("CHECKPOINT")
        seconds = time.perf_counter() - start
        con.execute(
            "CREATE TABLE bench_meta AS SELECT ?::BIGINT AS n, ?::BIGINT AS seed, ?::INTEGER AS version, "
            "?::DOUBLE AS build_seconds, CAST(now() AS TIMESTAMP) AS built_at",
            [n, seed, GENERATOR_VERSION, seconds],
        )
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    path.with_name(path.name + ".wal").unlink(missing_ok=True)  # a stale log must not replay on the new file
    os.replace(tmp, path)
    tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    return BuildInfo(path, n, seed, seconds, reused=False)
