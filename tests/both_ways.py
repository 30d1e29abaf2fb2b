"""The page calls answered both ways: by SQL alone, and with the file's in-memory index as the
pages ask them (search() and prospect_page()): the answers must be the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pandas as pd

from courtcircuit.schema import CARD_COLUMNS
from courtcircuit.search import PARIS, Filters, SearchIndex, SearchResult, search
from courtcircuit.supplier_index import SupplierIndex
from courtcircuit.supplier_pages import ProspectPage, prospect_page


def assert_same_answer(indexed: SearchResult, plain: SearchResult) -> None:
    assert indexed.facets == plain.facets
    assert (indexed.in_area, indexed.total, indexed.open_now_count) == (
        plain.in_area,
        plain.total,
        plain.open_now_count,
    )
    assert sorted(indexed.open_hours) == sorted(plain.open_hours)
    assert indexed.listings.equals(plain.listings)


def search_both_ways(con, area, filters: Filters = Filters(), **kwargs) -> SearchResult:  # noqa: B008 - frozen
    """search() without and with the index (loaded afresh: the file may have been edited): the
    two answers must be the same; the indexed one is returned for the caller's own checks.
    Unless ``columns`` are asked, the page's cards too (from memory around a place): the same
    rows as the columns they show of the plain answer."""
    kwargs.setdefault("now", datetime.now(PARIS))
    plain = search(con, area, filters, **kwargs)
    index = SearchIndex.load(con.cursor())
    indexed = search(con, area, filters, index=index, **kwargs)
    assert_same_answer(indexed, plain)
    if "columns" not in kwargs:
        cards = search(con, area, filters, index=index, columns=CARD_COLUMNS, **kwargs)
        shown = plain.listings[[*CARD_COLUMNS, "distance_km"]]
        assert_same_answer(cards, replace(plain, listings=shown))
    return indexed


def assert_same_page(indexed: ProspectPage, plain: ProspectPage) -> None:
    for part, other in ((indexed.deliverers, plain.deliverers), (indexed.nearby, plain.nearby)):
        assert (part.ids, part.total, part.offset) == (other.ids, other.total, other.offset)
        pd.testing.assert_frame_equal(part.rows, other.rows)
    assert indexed.unknown_radius == plain.unknown_radius
    pd.testing.assert_frame_equal(indexed.points, plain.points)
    pd.testing.assert_frame_equal(indexed.coverage, plain.coverage)


def prospect_page_both_ways(con, store, filters, near_km, **kwargs) -> ProspectPage:
    """prospect_page() without and with the index (loaded afresh): the same page, returned."""
    plain = prospect_page(con, store, filters, near_km, **kwargs)
    indexed = prospect_page(con, store, filters, near_km, index=SupplierIndex.load(con.cursor()), **kwargs)
    assert_same_page(indexed, plain)
    return indexed
