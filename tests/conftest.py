"""Shared fixtures: the real commune index, the small fixture sources, a built fixture database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courtcircuit.communes import CommuneIndex
from etl.build import BuildReport, build
from etl.sources import load_sources

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
