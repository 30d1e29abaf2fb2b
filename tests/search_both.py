"""search() answered both ways: by SQL alone, and with the in-memory index as the page asks it."""

from __future__ import annotations

from datetime import datetime

from courtcircuit.search import PARIS, Filters, SearchIndex, SearchResult, search


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
    two answers must be the same; the indexed one is returned for the caller's own checks."""
    kwargs.setdefault("now", datetime.now(PARIS))
    plain = search(con, area, filters, **kwargs)
    indexed = search(con, area, filters, index=SearchIndex.load(con.cursor()), **kwargs)
    assert_same_answer(indexed, plain)
    return indexed
