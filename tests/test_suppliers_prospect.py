"""The supplier page's one call (courtcircuit.suppliers.prospect) reads both producer lists in
one query and slices it: each list must be what its own query (suppliers()) answers, row for
row, on the tiny reverse-radius source (tests/fixtures/suppliers)."""

from __future__ import annotations

import pandas as pd
import pytest

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import connect
from courtcircuit.suppliers import Store, SupplierFilters, prospect, suppliers
from etl.build import build
from etl.sources import load_sources
from tests.conftest import SUPPLIER_FIXTURES

AMBERT = "63003"  # the store of tests/fixtures/suppliers: producers are placed around it


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory, communes: CommuneIndex):
    db = tmp_path_factory.mktemp("prospect") / "suppliers.duckdb"
    build(
        db,
        load_sources(SUPPLIER_FIXTURES / "sources.toml"),
        decisions=None,
        progress=False,
        communes=communes,
    )
    c = connect(db, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def store(communes: CommuneIndex) -> Store:
    lat, lon = communes.get(AMBERT).point
    return Store(lat, lon, "supermarche", "Ambert")


@pytest.mark.parametrize("near_km", [1, 30, 300])
@pytest.mark.parametrize("filters", [SupplierFilters(), SupplierFilters(products=("oeufs", "miel"))])
def test_prospect_lists_are_the_two_supplier_queries(con, store, near_km, filters):
    result = prospect(con, store, filters, near_km)
    assert not result.deliverers.empty  # the fixture places producers delivering to Ambert
    assert near_km < 30 or not result.nearby.empty
    for frame, alone in (
        (result.deliverers, suppliers(con, store, filters)),
        (result.nearby, suppliers(con, store, filters, within_km=near_km)),
    ):
        # A slice keeps its frame's column types: a text column empty in the slice reads as
        # object (None) from its own query, as text (NaN) here. The values must be the same.
        pd.testing.assert_frame_equal(plain(frame.drop(columns="delivery_label")), plain(alone))


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as Python objects, every missing value as None."""
    return frame.astype(object).where(frame.notna(), None)
