"""courtcircuit.schema is the one home of the database's tables: the built file matches it, the
readers take their columns from it, no column list is written twice, and the app refuses a
file of another schema version with the command that rebuilds it."""

from __future__ import annotations

import ast
import shutil
from dataclasses import fields
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from courtcircuit import schema
from courtcircuit.db import connect
from courtcircuit.export import EXPORT_COLUMNS
from courtcircuit.record import LISTING_FIELDS, ListingFields, Record
from etl.record import REJECTION_COLUMNS

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")


def test_the_built_database_has_exactly_the_schema(small_build) -> None:
    with connect(small_build.db) as con:
        for table in schema.TABLES:
            found = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table.name],
            ).fetchall()
            extra = list(schema.LISTINGS_DERIVED) if table is schema.LISTINGS else []
            assert found == [*table.columns, *extra], table.name
        assert schema.schema_version(con) == schema.SCHEMA_VERSION


def test_the_facet_bits_hold_the_codes_of_their_columns(small_build) -> None:
    """Bit i of each *_bits column is set exactly when the listing holds the vocabulary's i-th code."""
    with connect(small_build.db) as con:
        for bits, column, is_list, vocab in schema.FACET_BITS.values():
            rows = con.execute(f"SELECT {column}, {bits} FROM listings").fetchall()  # noqa: S608 - schema names
            assert rows
            for held, value in rows:
                codes = set(held or []) if is_list else {held}
                expected = sum(1 << i for i, code in enumerate(vocab.codes()) if code in codes)
                assert value == expected, (column, held)


def test_records_rejections_and_readers_take_their_columns_from_the_schema() -> None:
    assert tuple(f.name for f in fields(ListingFields)) == schema.RECORD_FIELDS == LISTING_FIELDS
    assert issubclass(Record, ListingFields)
    assert schema.REJECTED.names() == REJECTION_COLUMNS
    for columns in (schema.RESULT_COLUMNS, schema.SUPPLIER_COLUMNS):
        assert set(columns) <= set(schema.LISTINGS.names())
    exported = {column for column, _, _ in EXPORT_COLUMNS}
    assert exported <= {*schema.RESULT_COLUMNS, "distance_km"}
    with pytest.raises(KeyError):
        schema.LISTINGS.pick("id", "no_such_column")


def _column_lists(path: Path) -> list[tuple[int, list[str]]]:
    """Tuples and lists of string literals in a module, with their line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        strings = isinstance(node, ast.Tuple | ast.List) and node.elts
        if strings and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            found.append((node.lineno, [e.value for e in node.elts]))
    return found


def test_no_column_list_is_written_twice() -> None:
    """Outside schema.py, no code restates a table's columns: a list of a dozen column names or
    more is one (purpose-specific selections such as the text fields to clean are shorter)."""
    columns = {name for table in schema.TABLES for name in table.names()}
    offenders = []
    for folder in ("courtcircuit", "etl", "ui", "pages", "bench"):
        for path in sorted((REPO / folder).rglob("*.py")):
            if path.name == "schema.py":
                continue
            for line, values in _column_lists(path):
                if len([v for v in values if v in columns]) >= 12:
                    offenders.append(f"{path.relative_to(REPO)}:{line}")
    assert offenders == []


@pytest.fixture
def version_1_db(small_build, tmp_path) -> Path:
    """The small directory as the ETL wrote it before schema versions were stored."""
    db = tmp_path / "old.duckdb"
    shutil.copyfile(small_build.db, db)
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE build_info DROP COLUMN schema_version")
    con.close()
    return db


def test_an_older_database_is_refused_with_the_rebuild_command(version_1_db, monkeypatch) -> None:
    with connect(version_1_db) as con:
        assert schema.schema_version(con) == 1
        with pytest.raises(schema.SchemaOutdated, match="python -m etl build"):
            schema.check_schema(con, str(version_1_db))
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(version_1_db))
    for page in (None, "pages/fournisseurs.py", "pages/annuaire.py"):
        at = AppTest.from_file(APP, default_timeout=60)
        if page:
            at.switch_page(page)
        at.run()
        assert not at.exception, at.exception
        (error,) = [e.value for e in at.error]
        assert "version plus ancienne" in error and f"schéma 1, attendu {schema.SCHEMA_VERSION}" in error
        assert "python \\-m etl build \\-\\-db" in error  # Markdown-escaped, shown as typed
