"""The directory database's schema, in one place: every published table, its columns and their
types, the column selections the readers use, and the schema version.

The ETL writes the tables from here (``etl/publish.py``), the queries read the column lists from
here (``search``, ``suppliers``, ``listing``, ``export``), and the benchmarks build their synthetic
directories from here. A change of columns bumps :data:`SCHEMA_VERSION`: the app then refuses an
older file with the command that rebuilds it, instead of failing on a missing column.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS, Vocabulary

# 1: the first published layout (no version stored). 2: build_info.schema_version.
# 3: arbitrations (a source changed a field staff edited). 4: sources.attribution (connectors).
# 5: listings.kind_bits, channel_bits, label_bits, product_bits (the search's facet counts).
SCHEMA_VERSION = 5
REBUILD_COMMAND = "python -m etl build"
# Rows per row group of the published file (DuckDB's default is 122,880). The listings are in
# Hilbert order and the search's bounding box skips row groups by their min/max of lat and lon:
# groups of 4,096 rows let a 10 km circle read a few dozen of them instead of one ninth of a
# national file (bench/search.py; the file grows by about a third). Written by
# courtcircuit.db.connect(..., row_group_size=DIRECTORY_ROW_GROUP_SIZE).
DIRECTORY_ROW_GROUP_SIZE = 4096


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type)

    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def ddl(self) -> str:
        """CREATE TABLE IF NOT EXISTS with these columns (for tables written row by row)."""
        columns = ", ".join(f"{name} {sql_type}" for name, sql_type in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({columns})"

    def pick(self, *names: str) -> tuple[str, ...]:
        """``names``, checked against this table: a reader's column list cannot drift from it."""
        unknown = set(names) - set(self.names())
        if unknown:
            raise KeyError(f"{self.name} has no column {sorted(unknown)}")
        return names


LISTINGS = Table(
    "listings",
    (
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
    ),
)  # fmt: skip


def _bits_sql(column: str, is_list: bool, vocab: Vocabulary) -> str:
    """The codes of ``column`` as one integer: bit i set when it holds the vocabulary's i-th code.
    Codes are vocabulary constants; a code outside the vocabulary sets no bit."""
    codes = vocab.codes()
    if len(codes) > 31:
        raise ValueError(f"{vocab.name}: more codes than bits in an INTEGER")
    test = "list_contains({column}, '{code}')" if is_list else "{column} = '{code}'"
    return (
        "("
        + " | ".join(
            f"(CASE WHEN {test.format(column=column, code=code)} THEN {1 << i} ELSE 0 END)"
            for i, code in enumerate(codes)
        )
        + ")"
    )


# Facet -> (its bits column, the listing column it encodes, is a list, vocabulary). The resident
# search counts the options of each facet over a circle with integer arithmetic on these rather
# than by unnesting lists (bench/search.py). Bit positions follow the vocabulary's order: a code
# inserted or reordered in courtcircuit/vocab.py needs a rebuild (append new codes at the end).
FACET_BITS = {
    "kind": ("kind_bits", "kind", False, KINDS),
    "channel": ("channel_bits", "channels", True, CHANNELS),
    "label": ("label_bits", "labels", True, LABELS),
    "product": ("product_bits", "products", True, PRODUCTS),
}
_BITS = {bits: _bits_sql(column, is_list, vocab) for bits, column, is_list, vocab in FACET_BITS.values()}
# Written besides the columns above, derived from them: the point, for spatial SQL, and the facet
# bits. etl/publish.py and bench/synthetic.py add them when they create the table; staff edits
# (courtcircuit/edits_apply.py) recompute them with FACET_BITS_UPDATE.
LISTINGS_DERIVED: tuple[tuple[str, str], ...] = (("geom", "GEOMETRY"), *((b, "INTEGER") for b in _BITS))
LISTINGS_GEOMETRY = "ST_Point(lon, lat) AS geom, " + ", ".join(
    f"CAST({sql} AS INTEGER) AS {b}" for b, sql in _BITS.items()
)
_SET_BITS = ", ".join(f"{b} = {sql}" for b, sql in _BITS.items())
FACET_BITS_UPDATE = f"UPDATE listings SET {_SET_BITS} WHERE list_contains(?, id)"  # noqa: S608 - vocabulary constants
# What a source record carries into its listing: every column but the id and what publishing
# adds (demo flag, sources, provenance), in the table's order.
RECORD_FIELDS: tuple[str, ...] = LISTINGS.names()[1 : LISTINGS.names().index("status") + 1]

LISTING_SOURCES = Table(
    "listing_sources",
    (("listing_id", "VARCHAR"), ("source", "VARCHAR"), ("source_ref", "VARCHAR"), ("source_date", "DATE"),
     ("precedence", "INTEGER")),
)  # fmt: skip
LISTING_LINKS = Table(
    "listing_links",
    (("producer_id", "VARCHAR"), ("outlet_id", "VARCHAR"), ("days", "VARCHAR"), ("source", "VARCHAR"),
     ("source_ref", "VARCHAR")),
)  # fmt: skip
OPENING_SLOTS = Table(
    "opening_slots",
    (("listing_id", "VARCHAR"), ("weekday", "INTEGER"), ("start_minute", "INTEGER"), ("end_minute", "INTEGER"),
     ("weeks", "INTEGER")),
)  # fmt: skip
REJECTED = Table(
    "rejected",
    (("source", "VARCHAR"), ("record_ref", "VARCHAR"), ("scope", "VARCHAR"), ("field", "VARCHAR"),
     ("value", "VARCHAR"), ("reason", "VARCHAR")),
)  # fmt: skip
_MERGE_NOTE = (
    ("source_a", "VARCHAR"), ("ref_a", "VARCHAR"), ("source_b", "VARCHAR"), ("ref_b", "VARCHAR"),
    ("distance_m", "DOUBLE"), ("name_score", "DOUBLE"), ("reason", "VARCHAR"),
)  # fmt: skip
MERGES = Table("merges", _MERGE_NOTE)
KEPT_APART = Table("kept_apart", _MERGE_NOTE)
SOURCES = Table(
    "sources",
    (("name", "VARCHAR"), ("format", "VARCHAR"), ("label", "VARCHAR"), ("precedence", "INTEGER"),
     ("demo", "BOOLEAN"), ("date", "DATE"), ("licence", "VARCHAR"), ("attribution", "VARCHAR"), ("read", "INTEGER"),
     ("loaded", "INTEGER"), ("merged", "INTEGER"), ("rejected", "INTEGER")),
)  # fmt: skip
BUILD_INFO = Table(
    "build_info", (("built_at", "TIMESTAMP"), ("listings", "INTEGER"), ("schema_version", "INTEGER"))
)

# "À arbitrer": a source now gives another value for a field staff edited. The staff value stays
# published; both are kept here (as JSON) until someone keeps theirs or takes the source's
# (courtcircuit/edits.py).
ARBITRATIONS = Table(
    "arbitrations",
    (("listing_id", "VARCHAR"), ("field", "VARCHAR"), ("staff_value", "JSON"), ("source_value", "JSON"),
     ("source", "VARCHAR"), ("found_at", "TIMESTAMP")),
)  # fmt: skip

TABLES = (LISTINGS, LISTING_SOURCES, LISTING_LINKS, OPENING_SLOTS, REJECTED, MERGES, KEPT_APART, SOURCES,
          BUILD_INFO, ARBITRATIONS)  # fmt: skip

# The columns a search result row carries: enough for the map, the list and the exports.
RESULT_COLUMNS = LISTINGS.pick(
    "id", "kind", "name", "description", "street", "postcode", "city", "commune_insee", "lat", "lon",
    "geo_precision", "phone", "email", "website", "opening_hours", "opening_hours_text", "channels",
    "labels", "ab_status", "products", "is_demo", "last_verified", "sources",
)  # fmt: skip
# What a result card of the search page shows (ui/results.py): the page reads only these.
CARD_COLUMNS = LISTINGS.pick(
    "id", "kind", "name", "city", "geo_precision", "opening_hours", "channels", "is_demo"
)
# What the import wizard's preview shows of each normalised record (etl/import_check.py).
PREVIEW_COLUMNS = LISTINGS.pick(
    "kind", "name", "street", "postcode", "city", "commune_insee", "lat", "lon", "geo_precision", "phone",
    "email", "website", "products", "labels", "channels", "description",
)  # fmt: skip
# The columns a buyer's supplier list carries.
SUPPLIER_COLUMNS = LISTINGS.pick(
    "id", "name", "street", "postcode", "city", "commune_insee", "lat", "lon", "phone", "email", "website",
    "products", "labels", "ab_status", "delivers", "delivery_radius_km", "volumes", "delivery_frequency",
    "gtin_available", "sanitary_approval", "siret", "is_demo", "last_verified", "sources",
)  # fmt: skip


class SchemaOutdated(RuntimeError):
    """The database file was written by another version of the ETL."""


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The version a database was written with (1 for files from before versions were stored)."""
    columns = {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'build_info'"
        ).fetchall()
    }
    if "schema_version" not in columns:
        return 1
    row = con.execute("SELECT max(schema_version) FROM build_info").fetchone()
    return int(row[0]) if row and row[0] is not None else 1


def check_schema(con: duckdb.DuckDBPyConnection, where: str = "") -> None:
    """Raise :class:`SchemaOutdated`, in French with the rebuild command, unless the database
    has this code's schema."""
    found = schema_version(con)
    if found == SCHEMA_VERSION:
        return
    db = f" --db {where}" if where else ""
    age = "plus ancienne" if found < SCHEMA_VERSION else "plus récente"
    raise SchemaOutdated(
        f"La base de l'annuaire{f' ({where})' if where else ''} a été construite par une version {age} "
        f"de Court-Circuit (schéma {found}, attendu {SCHEMA_VERSION}). "
        f"Reconstruisez-la : « {REBUILD_COMMAND}{db} »."
    )
