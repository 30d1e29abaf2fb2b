"""The supplier page, paged (courtcircuit.supplier_pages.prospect_page): every page of each list
must be that slice of what courtcircuit.suppliers.prospect answers, row for row, with the same
totals, order, map points and coverage, on the tiny reverse-radius source (tests/fixtures/
suppliers, built by the real ETL)."""

from __future__ import annotations

import pandas as pd
import pytest

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import connect
from courtcircuit.supplier_pages import POINT_COLUMNS, suppliers_by_id
from courtcircuit.suppliers import Store, SupplierFilters, coverage, prospect
from tests.both_ways import prospect_page_both_ways as prospect_page  # every page by SQL and by the index

AMBERT = "63003"  # the store of tests/fixtures/suppliers: producers are placed around it
FILTERS = [
    SupplierFilters(),
    SupplierFilters(products=("oeufs", "miel")),
    SupplierFilters(labels=("ab",), gtin=True),
]


@pytest.fixture(scope="module")
def con(supplier_build):
    c = connect(supplier_build.db, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def store(communes: CommuneIndex) -> Store:
    lat, lon = communes.get(AMBERT).point
    return Store(lat, lon, "supermarche", "Ambert")


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as Python objects, every missing value as None, a fresh index."""
    return frame.reset_index(drop=True).astype(object).where(frame.reset_index(drop=True).notna(), None)


@pytest.mark.parametrize("near_km", [1, 30, 300])
@pytest.mark.parametrize("filters", FILTERS)
def test_each_page_is_that_slice_of_the_whole_lists(con, store, near_km, filters):
    whole = prospect(con, store, filters, near_km)
    assert not whole.deliverers.empty  # the fixture places producers delivering to Ambert
    for page_rows, offset in [(1, 0), (2, 1), (3, 2), (50, 0), (2, max(len(whole.deliverers) - 1, 0))]:
        page = prospect_page(
            con, store, filters, near_km, page_rows=page_rows, deliverers_offset=offset, nearby_offset=offset
        )
        for part, full in ((page.deliverers, whole.deliverers), (page.nearby, whole.nearby)):
            assert part.total == len(full)
            assert part.offset == offset
            assert part.ids == tuple(full["id"])
            expected = full.iloc[offset : offset + page_rows]
            assert list(part.rows.columns) == list(full.columns)
            pd.testing.assert_frame_equal(plain(part.rows), plain(expected))


@pytest.mark.parametrize("filters", FILTERS)
def test_counts_points_and_coverage_are_the_whole_pages(con, store, filters):
    whole = prospect(con, store, filters, 30)
    page = prospect_page(con, store, filters, 30, page_rows=2)
    assert page.unknown_radius == int((whole.nearby["delivery"] == "rayon_inconnu").sum())
    assert page.unknown_radius > 0 or filters != SupplierFilters()  # the fixture has such a producer
    longer = whole.nearby if len(whole.nearby) >= len(whole.deliverers) else whole.deliverers
    pd.testing.assert_frame_equal(plain(page.points), plain(longer[list(POINT_COLUMNS)]))
    pd.testing.assert_frame_equal(page.coverage, coverage(con, store, filters))
    assert set(page.ids) == set(whole.deliverers["id"]) | set(whole.nearby["id"])


def test_a_page_beyond_the_end_is_empty_with_the_list_columns(con, store):
    whole = prospect(con, store, SupplierFilters(), 30)
    page = prospect_page(con, store, SupplierFilters(), 30, deliverers_offset=10_000, nearby_offset=10_000)
    for part, full in ((page.deliverers, whole.deliverers), (page.nearby, whole.nearby)):
        assert part.rows.empty and part.total == len(full)
        assert list(part.rows.columns) == list(full.columns)


def test_suppliers_by_id_gives_the_shortlisted_rows_in_their_order(con, store):
    whole = prospect(con, store, SupplierFilters(), 300)
    pool = pd.concat([whole.deliverers, whole.nearby]).drop_duplicates("id").set_index("id")
    chosen = list(pool.index[::-1][:4])
    picked = suppliers_by_id(con, store, [*chosen, "cc-no-such-listing"])
    assert list(picked["id"]) == chosen
    pd.testing.assert_frame_equal(plain(picked), plain(pool.loc[chosen].reset_index()[list(picked.columns)]))
