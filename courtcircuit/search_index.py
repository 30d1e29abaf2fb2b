"""The resident search's counts from memory (no Streamlit): one index per directory file.

A search counts every listing of its circle (the numbers beside the filters). Asked of DuckDB,
that costs a query reading the circle's rows, most of a page search's time at 10^6 listings
(bench/search.py). The index holds, for each active listing, what the counting reads: its
position, its four facet bits and its opening-hours expression as a code. That is 44 bytes
a listing (44 MB at 10^6), loaded once per file by the server (ui.chrome.per_file).

The positions are on a grid (courtcircuit.point_grid), which finds a circle's listings as
courtcircuit.search_counts.area_sql does, to the last listing.

Text and day/hour filters read the names and the opening slots: :meth:`SearchIndex.answers`
says so, and courtcircuit.search counts those searches in SQL. The search map
(courtcircuit.map_grid) asks the index which matches lie in its box, and counts them per cell.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd
import pyarrow.compute as pc

from courtcircuit.geo import Area
from courtcircuit.point_grid import PointGrid
from courtcircuit.schema import FACET_BITS
from courtcircuit.search_cards import NotTheIndexFile, SearchCards
from courtcircuit.search_counts import Counts, tally
from courtcircuit.search_filters import Filters, option_bits


@dataclass(frozen=True, eq=False)
class SearchIndex:
    """The active listings of one directory file, sorted by grid cell (see the module)."""

    grid: PointGrid  # the positions (lat, lon: NaN when none), sorted by cell; the arrays below in its order
    bits: dict[str, np.ndarray]  # facet -> int32 bits, as courtcircuit.schema.FACET_BITS writes them
    hours: np.ndarray  # code into ``expressions``; len(expressions): no opening hours
    expressions: tuple[str, ...]
    # The result cards (courtcircuit.search_cards), read at the first search that lists by distance.
    _cards: list[SearchCards] = field(default_factory=list, repr=False)
    _cards_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, cur: duckdb.DuckDBPyConnection) -> SearchIndex:
        """Read the index of the directory ``cur`` is on (0.2 s at 10^6 listings)."""
        bits_columns = [bits for bits, *_ in FACET_BITS.values()]
        table = cur.execute(
            f"SELECT lat, lon, {', '.join(bits_columns)}, opening_hours "  # noqa: S608 - schema names
            "FROM listings WHERE status = 'active'"
        ).to_arrow_table()
        hours = pc.dictionary_encode(table.column("opening_hours")).combine_chunks()
        expressions = tuple(hours.dictionary.to_pylist())

        grid, order = PointGrid.of_table(table)
        # A NULL bits value passes no facet filter in SQL, nor does 0 here; it has no bit to count.
        bits = {
            facet: pc.fill_null(table.column(column), 0).to_numpy().astype(np.int32)[order]
            for facet, column in zip(FACET_BITS, bits_columns, strict=True)
        }
        return cls(
            grid=grid,
            bits=bits,
            hours=pc.fill_null(hours.indices, len(expressions)).to_numpy().astype(np.int32)[order],
            expressions=expressions,
        )

    def __len__(self) -> int:
        return len(self.hours)

    @property
    def nbytes(self) -> int:
        """The index's memory (its arrays)."""
        return self.grid.nbytes + self.hours.nbytes + sum(b.nbytes for b in self.bits.values())

    def cards(self, cur: duckdb.DuckDBPyConnection) -> SearchCards | None:
        """The result cards of the index's listings (read once: 0.75 s at 10^6 listings); None
        when ``cur`` is not on the index's file (a rebuild swapped it in between: the page's
        rows then come from SQL, and the next page run gets the new file's index)."""
        with self._cards_lock:  # two first searches at once read them once
            if not self._cards:
                try:
                    self._cards.append(SearchCards.load(cur, self.grid, self.bits))
                except NotTheIndexFile:
                    return None
            return self._cards[0]

    def cards_page(
        self,
        cur: duckdb.DuckDBPyConnection,
        area: Area,
        counts: Counts,
        columns: Sequence[str],
        limit: int,
        offset: int,
    ) -> pd.DataFrame | None:
        """The page of rows ``offset`` to ``offset + limit`` of a search around ``area`` that the
        index counted (``counts``), from the result cards; None when the cards cannot give it
        (no nearest rows were asked of the counts, or the file changed: see :meth:`cards`)."""
        if counts.nearest_rows is None:
            return None
        cards = self.cards(cur)
        if cards is None:
            return None
        return cards.page(cur, area, self.grid, counts.nearest_rows, columns, limit, offset)

    @staticmethod
    def answers(filters: Filters) -> bool:
        """Whether the index can count ``filters``: the text and day/hour filters need SQL."""
        return not filters.text.strip() and filters.day is None and filters.minute is None

    @staticmethod
    def _passing(bits: dict[str, np.ndarray], filters: Filters) -> dict[str, np.ndarray]:
        """Per facet asked, which listings hold one of its options: courtcircuit.search_filters'
        ``(bits & ?) <> 0``."""
        found = {}
        for facet, (_, _, _, vocab) in FACET_BITS.items():
            if asked := filters.facet_values(facet):
                found[facet] = (bits[facet] & option_bits(vocab, asked)) != 0
        return found

    def matches(
        self,
        cur: duckdb.DuckDBPyConnection,
        area: Area | None,
        filters: Filters,
        box: tuple[float, float, float, float],
        *,
        open_hours: Sequence[str] | None = None,
    ) -> np.ndarray:
        """The positions of the search's matches in ``box`` (south, west, north, east), as
        courtcircuit.map_grid's SQL finds them: the circle, the filters, the expressions of
        ``open_hours`` when given (« ouvert maintenant »), for filters the index :meth:`answers`."""
        if not self.answers(filters):
            raise ValueError("text and day/hour filters are matched in SQL (courtcircuit.map_grid)")
        if area is None:
            rows = self.grid.in_box(*box)
        else:
            rows = self.grid.within(self.grid.circle(cur, area)[0], *box)
        kept = np.ones(len(rows), dtype=bool)
        for passing in self._passing(
            {facet: values[rows] for facet, values in self.bits.items()}, filters
        ).values():
            kept &= passing
        if open_hours is not None:
            opened = set(open_hours)
            kept &= np.array([e in opened for e in self.expressions] + [False])[self.hours[rows]]
        return rows[kept]

    def count(
        self,
        cur: duckdb.DuckDBPyConnection,
        area: Area | None,
        filters: Filters,
        *,
        when: datetime,
        nearest: int = 0,
    ) -> Counts:
        """courtcircuit.search_counts.count_circle's counts, for filters the index
        :meth:`answers`."""
        if not self.answers(filters):
            raise ValueError("text and day/hour filters are counted in SQL (courtcircuit.search_counts)")
        if area is None:
            rows, distances = slice(None), None
        else:
            rows, distances = self.grid.circle(cur, area)
        bits = {facet: values[rows] for facet, values in self.bits.items()}
        return tally(
            bits,
            self.hours[rows],
            self.expressions,
            distances,
            self._passing(bits, filters),
            open_now=filters.open_now,
            when=when,
            nearest=nearest,
            positions=(self.grid.lat[rows], self.grid.lon[rows]),
            rows=None if area is None else rows,
        )
