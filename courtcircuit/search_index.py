"""The resident search's counts from memory (no Streamlit): one index per directory file.

A search counts every listing of its circle (the numbers beside the filters). Asked of DuckDB,
that costs a query reading the circle's rows, most of a page search's time at 10^6 listings
(bench/search.py). The index holds, for each active listing, what the counting reads: its
position, its four facet bits and its opening-hours expression as a code. That is 48 bytes
a listing (48 MB at 10^6), loaded once per file by the server (ui.chrome.per_file).

The rows are bucketed on a grid of CELL_DEG degrees, sorted by cell, latitude band first: a
circle's candidates are then one contiguous slice per band of its bounding box. A candidate is
in the circle by the test of courtcircuit.search_counts.area_sql, in the same floating-point
formula; where numpy's last bit could differ from DuckDB's (a listing within a millionth of a
millimetre of the circle), DuckDB itself is asked, so that the answer is the SQL answer.

Text and day/hour filters read the names and the opening slots: :meth:`SearchIndex.answers`
says so, and courtcircuit.search counts those searches in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pyarrow.compute as pc

from courtcircuit.geo import EARTH_RADIUS_KM, Area, haversine_sql
from courtcircuit.schema import FACET_BITS
from courtcircuit.search_counts import Counts, tally
from courtcircuit.search_filters import Filters, option_bits

CELL_DEG = 0.05  # about 5.5 km of latitude: a 5 km circle spans 3 bands, a 50 km one 20
_LON_CELLS = round(360 / CELL_DEG)
_LAT_BANDS = round(180 / CELL_DEG)
NO_CELL = np.iinfo(np.int64).max  # a listing without a position: after every cell, in no circle
# Relative distance to the circle within which numpy's rounding may differ from DuckDB's.
EDGE = 1e-9


def _cells(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    # floor((x + offset) / CELL_DEG) never decreases as x grows, in floating point too: a point
    # inside a box has its cell between the cells of the box's corners.
    band = np.clip(np.floor((lat + 90.0) / CELL_DEG), 0, _LAT_BANDS - 1)
    column = np.clip(np.floor((lon + 180.0) / CELL_DEG), 0, _LON_CELLS - 1)
    return band.astype(np.int64) * _LON_CELLS + column.astype(np.int64)


def distances_km(area: Area, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """courtcircuit.geo.haversine_sql's great-circle distance, in its order of operations."""
    return (
        2
        * EARTH_RADIUS_KM
        * np.arcsin(
            np.sqrt(
                np.sin(np.radians(lat - area.lat) / 2) ** 2
                + np.cos(np.radians(area.lat))
                * np.cos(np.radians(lat))
                * np.sin(np.radians(lon - area.lon) / 2) ** 2
            )
        )
    )


def _sql_says_inside(cur: duckdb.DuckDBPyConnection, area: Area, lat: float, lon: float) -> bool:
    # DuckDB's own functions on the same doubles: the distance area_sql compares, to the last bit.
    (inside,) = cur.execute(
        f"SELECT {haversine_sql()} <= ? FROM (SELECT ?::DOUBLE AS lat, ?::DOUBLE AS lon)",  # noqa: S608 - constant SQL
        [area.lat, area.lat, area.lon, area.radius_km, lat, lon],
    ).fetchone()
    return bool(inside)


@dataclass(frozen=True, eq=False)
class SearchIndex:
    """The active listings of one directory file, sorted by grid cell (see the module)."""

    lat: np.ndarray  # float64, NaN when the listing has no position
    lon: np.ndarray
    bits: dict[str, np.ndarray]  # facet -> int32 bits, as courtcircuit.schema.FACET_BITS writes them
    hours: np.ndarray  # code into ``expressions``; len(expressions): no opening hours
    expressions: tuple[str, ...]
    cells: np.ndarray  # int64 cell per listing, ascending (NO_CELL: no position)

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

        def floats(name: str) -> np.ndarray:
            return pc.fill_null(pc.cast(table.column(name), "double"), np.nan).to_numpy()

        lat, lon = floats("lat"), floats("lon")
        placed = ~(np.isnan(lat) | np.isnan(lon))
        cells = np.full(len(lat), NO_CELL, dtype=np.int64)
        cells[placed] = _cells(lat[placed], lon[placed])
        order = np.argsort(cells, kind="stable")
        # A NULL bits value passes no facet filter in SQL, nor does 0 here; it has no bit to count.
        bits = {
            facet: pc.fill_null(table.column(column), 0).to_numpy().astype(np.int32)[order]
            for facet, column in zip(FACET_BITS, bits_columns, strict=True)
        }
        return cls(
            lat=lat[order],
            lon=lon[order],
            bits=bits,
            hours=pc.fill_null(hours.indices, len(expressions)).to_numpy().astype(np.int32)[order],
            expressions=expressions,
            cells=cells[order],
        )

    def __len__(self) -> int:
        return len(self.lat)

    @staticmethod
    def answers(filters: Filters) -> bool:
        """Whether the index can count ``filters``: the text and day/hour filters need SQL."""
        return not filters.text.strip() and filters.day is None and filters.minute is None

    def circle(self, cur: duckdb.DuckDBPyConnection, area: Area) -> tuple[np.ndarray, np.ndarray]:
        """The listings in ``area`` as courtcircuit.search_counts.area_sql finds them: their
        positions in the index, and their distances in km."""
        south, north, west, east = area.bbox()
        corners = _cells(np.array([south, north]), np.array([west, east]))
        first_band, last_band = corners // _LON_CELLS
        west_cell, east_cell = corners % _LON_CELLS
        bands = np.arange(first_band, last_band + 1, dtype=np.int64) * _LON_CELLS
        starts = np.searchsorted(self.cells, bands + west_cell, side="left")
        ends = np.searchsorted(self.cells, bands + east_cell, side="right")
        slices = [np.arange(s, e) for s, e in zip(starts.tolist(), ends.tolist(), strict=True) if e > s]
        candidates = np.concatenate(slices) if slices else np.zeros(0, dtype=np.int64)
        lat, lon = self.lat[candidates], self.lon[candidates]
        boxed = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
        candidates, lat, lon = candidates[boxed], lat[boxed], lon[boxed]
        distance = distances_km(area, lat, lon)
        inside = distance <= area.radius_km
        edge = np.flatnonzero(np.abs(distance - area.radius_km) <= EDGE * area.radius_km)
        for at in edge.tolist():  # one listing in a million: a rounding error from the circle
            inside[at] = _sql_says_inside(cur, area, float(lat[at]), float(lon[at]))
        return candidates[inside], distance[inside]

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
            rows, distances = self.circle(cur, area)
        bits = {facet: values[rows] for facet, values in self.bits.items()}
        passing = {}
        for facet, (_, _, _, vocab) in FACET_BITS.items():
            asked = filters.facet_values(facet)
            if asked:
                passing[facet] = (bits[facet] & option_bits(vocab, asked)) != 0
        return tally(
            bits,
            self.hours[rows],
            self.expressions,
            distances,
            passing,
            open_now=filters.open_now,
            when=when,
            nearest=nearest,
        )
