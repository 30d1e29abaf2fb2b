"""Shared fixtures: the real commune index, the small fixture sources, a built fixture database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import connect
from courtcircuit.workspace.store import Store
from etl.build import BuildReport, build
from etl.sources import load_sources
from tests.postgres import fresh_database, postgres_server

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_OSM = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "osm" / "grand-est-farmshops.overpass.json"
)


@pytest.fixture(scope="session")
def communes() -> CommuneIndex:
    return CommuneIndex.load()


@pytest.fixture
def fixture_sources(tmp_path: Path) -> Path:
    """A private copy of the fixture sources, so a test may edit them."""
    target = tmp_path / "sources"
    shutil.copytree(FIXTURES, target)
    return target / "sources-small.toml"


@pytest.fixture(scope="session")
def small_build(tmp_path_factory: pytest.TempPathFactory, communes: CommuneIndex) -> BuildReport:
    db = tmp_path_factory.mktemp("small") / "small.duckdb"
    return build(
        db, load_sources(FIXTURES / "sources-small.toml"), decisions=None, progress=False, communes=communes
    )


@pytest.fixture(scope="session")
def synthetic_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated national directory of 60,000 listings (bench.synthetic), for the in-memory
    indexes' comparisons with SQL: dense enough that circles around towns are full."""
    from bench.synthetic import make_directory

    return make_directory(tmp_path_factory.mktemp("synthetic") / "n60000.duckdb", 60_000, 11).path


# Hostile text planted in a copy of the small database (see hostile_db).
HOSTILE_NAME = "<img src=x onerror=alert(1)>Ferme"
HOSTILE_DESCRIPTION = '<script>alert("x")</script>'
FORMULA_NAME = '=HYPERLINK("http://evil.example","clic")'
HOSTILE_PRODUCER = "Ferme Roussel"  # producteur in chambre-small.csv (P3)
FORMULA_LISTING = "Rucher du Forez"  # producteur from osm-small.overpass.json (node/1003)


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory: pytest.TempPathFactory, small_build: BuildReport) -> Path:
    """A copy of the small database where two listings carry hostile text.

    The ETL rejects names containing HTML (osm node/1004 "Fromagerie <img …>" is in `rejected`),
    so this simulates data that slipped through: a partner's file loaded by an older build, or a
    hand edit. The producer HOSTILE_PRODUCER is renamed HOSTILE_NAME with the description
    HOSTILE_DESCRIPTION, and FORMULA_LISTING is renamed FORMULA_NAME (a spreadsheet formula).
    Whatever shows or exports these listings must keep them as inert text.
    """
    db = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    shutil.copyfile(small_build.db, db)
    con = connect(db, read_only=False)
    try:
        for name, new_name, description in (
            (HOSTILE_PRODUCER, HOSTILE_NAME, HOSTILE_DESCRIPTION),
            (FORMULA_LISTING, FORMULA_NAME, None),
        ):
            (changed,) = con.execute(
                "UPDATE listings SET name = ?, description = coalesce(?, description) WHERE name = ?",
                [new_name, description, name],
            ).fetchone()
            assert changed == 1, f"{name!r} is no longer a single listing of the fixture sources"
    finally:
        con.close()
    return db


SUPPLIER_FIXTURES = FIXTURES / "suppliers"


@pytest.fixture(scope="session")
def supplier_build(tmp_path_factory: pytest.TempPathFactory, communes: CommuneIndex) -> BuildReport:
    """The tiny reverse-radius source (tests/fixtures/suppliers), built through the real ETL."""
    db = tmp_path_factory.mktemp("suppliers") / "suppliers.duckdb"
    return build(
        db,
        load_sources(SUPPLIER_FIXTURES / "sources.toml"),
        decisions=None,
        progress=False,
        communes=communes,
    )


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory, communes: CommuneIndex) -> Path:
    """The embedded demo data (data/samples) built afresh: ~400 listings around Ambert."""
    from etl.sources import DEFAULT_SOURCES

    db = tmp_path_factory.mktemp("demo-app") / "demo.duckdb"
    build(db, load_sources(DEFAULT_SOURCES), decisions=None, progress=False, communes=communes)
    return db


@pytest.fixture(scope="session", autouse=True)
def no_legacy_needs_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The app copies an old needs file (data/needs.sqlite3) into the workspace once. A checkout
    that ran the app before needs moved may still have one: point the old variable at a file that
    does not exist, so no test picks those needs up (test_needs_import sets it where it wants)."""
    absent = tmp_path_factory.mktemp("no-legacy") / "needs.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURT_CIRCUIT_NEEDS_DB", str(absent))
        yield


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """One private PostgreSQL server per test process (tests/postgres.py); a URL template."""
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace_store(request, tmp_path: Path) -> Store:
    """A fresh, empty workspace store on each backend: the embedded SQLite file and PostgreSQL."""
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    return Store(fresh_database(request.getfixturevalue("postgres")))


@pytest.fixture
def staff_db(supplier_build, tmp_path: Path) -> Path:
    """A private copy of the tiny supplier directory, for pages that write to it (staff edits)."""
    copy = tmp_path / "directory.duckdb"
    shutil.copyfile(supplier_build.db, copy)
    return copy


@pytest.fixture
def staff_app_store(tmp_path: Path, staff_db: Path, monkeypatch) -> Store:
    """The app's environment for staff pages through AppTest: the directory copy, its own
    throttle and workspace files (SQLite; needs included), and st_folium standing in (AppTest
    cannot click it)."""
    url = f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(staff_db))
    monkeypatch.setenv("COURT_CIRCUIT_THROTTLE_DB", str(tmp_path / "throttle.sqlite3"))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", url)
    monkeypatch.setattr("streamlit_folium.st_folium", lambda *a, **k: {})
    return Store(url)
