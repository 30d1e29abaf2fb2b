"""Points in memory, found by circle as DuckDB finds them (no Streamlit).

The in-memory indexes of the search (courtcircuit.search_index) and of the supplier page
(courtcircuit.supplier_index) keep their listings sorted by the cell of a grid of CELL_DEG
degrees, latitude band first: a circle's candidates are one contiguous slice per band of its
bounding box, found by binary search.

Distances are courtcircuit.geo.haversine_sql's formula in numpy. numpy's last bit differs from
DuckDB's for about one listing in a thousand; a comparison is only at stake when a distance is
that close to what it is compared with (the radius, a delivery radius…). :func:`settle`
asks for DuckDB's value of those few distances (:func:`exact_distances`), so that every
comparison gives the SQL answer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from courtcircuit.geo import EARTH_RADIUS_KM, Area, haversine_sql

CELL_DEG = 0.05  # about 5.5 km of latitude: a 5 km circle spans 3 bands, a 50 km one 20
_LON_CELLS = round(360 / CELL_DEG)
_LAT_BANDS = round(180 / CELL_DEG)
NO_CELL = np.iinfo(np.int64).max  # a listing without a position: after every cell, in no circle
# Relative gap within which numpy's rounding may differ from DuckDB's (it is about 1e-16).
EDGE = 1e-9


def cells(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """The grid cell of each point (NO_CELL where it has no position)."""
    placed = ~(np.isnan(lat) | np.isnan(lon))
    found = np.full(len(lat), NO_CELL, dtype=np.int64)
    # floor((x + offset) / CELL_DEG) never decreases as x grows, in floating point too: a point
    # inside a box has its cell between the cells of the box's corners.
    band = np.clip(np.floor((lat[placed] + 90.0) / CELL_DEG), 0, _LAT_BANDS - 1)
    column = np.clip(np.floor((lon[placed] + 180.0) / CELL_DEG), 0, _LON_CELLS - 1)
    found[placed] = band.astype(np.int64) * _LON_CELLS + column.astype(np.int64)
    return found


def distances_km(area: Area, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """courtcircuit.geo.haversine_sql's great-circle distance from the centre of ``area``, in
    its order of operations."""
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


def sql_distances(cur: duckdb.DuckDBPyConnection, area: Area, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """DuckDB's own distances from the centre of ``area`` to these points, to the last bit."""
    if not len(lat):
        return np.zeros(0)
    found = cur.execute(
        f"SELECT {haversine_sql()} AS d FROM (SELECT unnest(?::DOUBLE[]) AS lat, unnest(?::DOUBLE[]) AS lon)",  # noqa: S608
        [area.lat, area.lat, area.lon, lat.tolist(), lon.tolist()],
    ).fetchnumpy()["d"]
    return np.asarray(found, dtype=np.float64)


# Up to this many points, exact_distances computes in Python (microseconds); beyond, one DuckDB
# query (half a millisecond, then faster per point).
_FEW = 256


def exact_distances(
    cur: duckdb.DuckDBPyConnection, area: Area, lat: np.ndarray, lon: np.ndarray
) -> np.ndarray:
    """DuckDB's distances from the centre of ``area`` to these points, to the last bit.

    For a few points, Python's ``math`` computes them: it calls the same C library functions as
    DuckDB's sin, cos, pow, sqrt and asin, one per operation, in haversine_sql's order (numpy's
    vectorised ones round differently). tests/test_point_grid.py holds the two to the same bits
    on this platform."""
    if len(lat) > _FEW:
        return sql_distances(cur, area, lat, lon)
    cos_centre = math.cos(math.radians(area.lat))
    found = [
        2
        * EARTH_RADIUS_KM
        * math.asin(
            math.sqrt(
                math.pow(math.sin(math.radians(y - area.lat) / 2), 2)
                + cos_centre
                * math.cos(math.radians(y))
                * math.pow(math.sin(math.radians(x - area.lon) / 2), 2)
            )
        )
        for y, x in zip(lat.tolist(), lon.tolist(), strict=True)
    ]
    return np.array(found, dtype=np.float64)


def settle(
    cur: duckdb.DuckDBPyConnection,
    area: Area,
    lat: np.ndarray,
    lon: np.ndarray,
    distance: np.ndarray,
    limits: Iterable[float | np.ndarray],
) -> np.ndarray:
    """``distance`` with DuckDB's value wherever it is within rounding of one of ``limits`` (a
    number, or one per point): compared with those limits, it then gives the SQL answer."""
    close = np.zeros(len(distance), dtype=bool)
    for limit in limits:
        with np.errstate(invalid="ignore"):  # a NaN limit (none given) is close to nothing
            close |= np.abs(distance - limit) <= EDGE * np.maximum(np.abs(limit), 1e-9)
    at = np.flatnonzero(close)
    if len(at):  # a few listings in a million
        distance = distance.copy()
        distance[at] = exact_distances(cur, area, lat[at], lon[at])
    return distance


class PointGrid:
    """Positions sorted by grid cell; :meth:`candidates` gives the rows in a bounding box."""

    def __init__(self, lat: np.ndarray, lon: np.ndarray, cells: np.ndarray) -> None:
        self.lat, self.lon, self.cells = lat, lon, cells  # sorted by cell: see sort()

    @classmethod
    def sort(cls, lat: np.ndarray, lon: np.ndarray) -> tuple[PointGrid, np.ndarray]:
        """The grid of these points, and the order it put them in: apply it to every column kept
        with the grid (the order itself is not kept)."""
        found = cells(lat, lon)
        order = np.argsort(found, kind="stable")
        return cls(lat[order], lon[order], found[order]), order

    @classmethod
    def of_table(cls, table: pa.Table) -> tuple[PointGrid, np.ndarray]:
        """:meth:`sort` of a table's ``lat`` and ``lon`` columns (NULL: no position)."""

        def degrees(name: str) -> np.ndarray:
            return pc.fill_null(pc.cast(table.column(name), "double"), np.nan).to_numpy()

        return cls.sort(degrees("lat"), degrees("lon"))

    @property
    def nbytes(self) -> int:
        return self.cells.nbytes + self.lat.nbytes + self.lon.nbytes

    def in_box(self, south: float, west: float, north: float, east: float) -> np.ndarray:
        """The rows with ``lat BETWEEN south AND north AND lon BETWEEN west AND east``."""
        corners = cells(np.array([south, north]), np.array([west, east]))
        first_band, last_band = corners // _LON_CELLS
        west_cell, east_cell = corners % _LON_CELLS
        bands = np.arange(first_band, last_band + 1, dtype=np.int64) * _LON_CELLS
        starts = np.searchsorted(self.cells, bands + west_cell, side="left")
        ends = np.searchsorted(self.cells, bands + east_cell, side="right")
        slices = [np.arange(s, e) for s, e in zip(starts.tolist(), ends.tolist(), strict=True) if e > s]
        rows = np.concatenate(slices) if slices else np.zeros(0, dtype=np.int64)
        return self.within(rows, south, west, north, east)

    def within(self, rows: np.ndarray, south: float, west: float, north: float, east: float) -> np.ndarray:
        """Those of ``rows`` with ``lat BETWEEN south AND north AND lon BETWEEN west AND east``."""
        lat, lon = self.lat[rows], self.lon[rows]
        return rows[(lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)]

    def candidates(self, area: Area) -> tuple[np.ndarray, np.ndarray]:
        """The rows in ``area``'s bounding box (as area_sql's ``lat BETWEEN … AND lon BETWEEN``
        keeps them), and their distances from its centre (numpy's)."""
        south, north, west, east = area.bbox()
        rows = self.in_box(south, west, north, east)
        return rows, distances_km(area, self.lat[rows], self.lon[rows])

    def circle(self, cur: duckdb.DuckDBPyConnection, area: Area) -> tuple[np.ndarray, np.ndarray]:
        """The rows in ``area`` as courtcircuit.search_counts.area_sql finds them (bounding box,
        then distance <= radius), and their distances."""
        rows, distance = self.candidates(area)
        distance = settle(cur, area, self.lat[rows], self.lon[rows], distance, [area.radius_km])
        inside = distance <= area.radius_km
        return rows[inside], distance[inside]
