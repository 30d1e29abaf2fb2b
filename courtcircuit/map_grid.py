"""What the search map shows of a search, by zoom (no Streamlit): every match in the visible box
when there are few enough, else the matches counted per grid cell, drawn as count bubbles.

Why: with no place chosen, a directory of 1,000,000 listings has 1,000,000 matches; sending
them (or even 20,000 of them) to the browser costs megabytes and seconds of clustering, and
shows nothing but bubbles anyway. Counting them per cell in DuckDB (``floor(lat / cell)``,
``floor(lon / cell)``: a count and the cell's mean position) costs one scan of the box and
a few hundred rows; detail comes as the visitor zooms in, for the box the map reports.

Cells are about :data:`CELL_PX` pixels wide at the zoom asked for, and boxes are snapped
outwards to whole cells (plus one), so that a small pan asks the same question again (and the
page's cache answers it). Every value reaches SQL as a ``?`` parameter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from courtcircuit.geo import Area
from courtcircuit.search import MAP_COLUMNS, Filters, SearchIndex
from courtcircuit.search_counts import area_sql
from courtcircuit.search_filters import both, filter_sql

# At most this many matches in the box: send them all, as markers. Markers swapped into the frame
# cost about 0.5 ms each in the browser on a loaded machine (bench/map_browser.py, grid20k: 20,000
# in 11 s at a load of 30, 1,000 in 1.2 s), bubbles almost nothing: past a few thousand, counts.
DETAIL_MAX = 2_000
CELL_PX = 64  # a cell's width on screen, at its zoom
MIN_ZOOM, MAX_ZOOM = 2, 19
# A degree of latitude spans 1/cos(lat) times the pixels of a degree of longitude on the map
# (Web Mercator); mainland France's middle keeps cells about square there. A constant, so that
# a zoom always gives the same cells.
_LAT_SCALE = math.cos(math.radians(46.5))
CELL_COLUMNS = ("lat", "lon", "n")


@dataclass(frozen=True)
class Box:
    """A map's visible box, in degrees (Leaflet's bounds)."""

    south: float
    west: float
    north: float
    east: float

    def __post_init__(self) -> None:
        if not (self.south <= self.north and self.west <= self.east):
            raise ValueError(f"empty box: {self}")

    @classmethod
    def from_leaflet(cls, bounds: dict) -> Box:
        """From st_folium's ``bounds`` (``{"_southWest": {"lat", "lng"}, "_northEast": …}``),
        clamped to the world."""
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        return cls(
            max(-90.0, float(sw["lat"])),
            max(-180.0, float(sw["lng"])),
            min(90.0, float(ne["lat"])),
            min(180.0, float(ne["lng"])),
        )

    def snapped(self, zoom: int) -> Box:
        """The box grown outwards to whole cells of ``zoom``, one more on each side."""
        dlat, dlon = cell_degrees(zoom)
        return Box(
            max(-90.0, (math.floor(self.south / dlat) - 1) * dlat),
            max(-180.0, (math.floor(self.west / dlon) - 1) * dlon),
            min(90.0, (math.ceil(self.north / dlat) + 1) * dlat),
            min(180.0, (math.ceil(self.east / dlon) + 1) * dlon),
        )


def cell_degrees(zoom: int) -> tuple[float, float]:
    """(latitude, longitude) size in degrees of a grid cell at map ``zoom``: about
    :data:`CELL_PX` pixels (a 256-pixel tile spans 360 / 2**zoom degrees of longitude)."""
    zoom = min(max(int(zoom), MIN_ZOOM), MAX_ZOOM)
    dlon = 360.0 / 2**zoom * CELL_PX / 256
    return dlon * _LAT_SCALE, dlon


@dataclass(frozen=True)
class MapView:
    """What the map draws for one box and zoom: ``points`` (MAP_COLUMNS, nearest first when a
    place is chosen) when the box holds at most ``detail_max`` matches, else ``cells``
    (``lat``, ``lon``: the mean position of the cell's matches; ``n``: how many)."""

    box: Box
    zoom: int
    total: int  # matches in the box
    points: pd.DataFrame
    cells: pd.DataFrame

    @property
    def detailed(self) -> bool:
        return self.cells.empty


def _matching(
    area: Area | None, filters: Filters, open_hours: Sequence[str] | None, box: Box
) -> tuple[str, list[object]]:
    """SELECT of the active listings of the search (circle, filters, open hours) in ``box``."""
    inner, params = area_sql(area, ("*",))
    conditions = list(filter_sql(filters).values())
    if open_hours is not None:
        conditions.append(("list_contains(?::VARCHAR[], opening_hours)", [list(open_hours)]))
    conditions.append(
        ("lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?", [box.south, box.north, box.west, box.east])
    )
    where, where_params = both(*conditions)
    return f"SELECT * FROM ({inner}) WHERE {where}", [*params, *where_params]  # noqa: S608 - constants


def _indexed(
    con: duckdb.DuckDBPyConnection,
    index: SearchIndex | None,
    area: Area | None,
    filters: Filters,
    open_hours: Sequence[str] | None,
    box: Box,
) -> np.ndarray | None:
    """The index's positions of the search's matches in ``box``; None when it cannot say."""
    if index is None or not index.answers(filters):
        return None
    cur = con.cursor()
    try:
        return index.matches(
            cur, area, filters, (box.south, box.west, box.north, box.east), open_hours=open_hours
        )
    finally:
        cur.close()


def _cells(index: SearchIndex, rows: np.ndarray, dlat: float, dlon: float) -> pd.DataFrame:
    """grid_cells' SQL, on the index's ``rows``: GROUP BY floor(lat / dlat), floor(lon / dlon)
    (the same divisions, so the same cells), the mean position and the count of each."""
    lat, lon = index.grid.lat[rows], index.grid.lon[rows]
    if not len(rows):
        return pd.DataFrame({"lat": lat, "lon": lon, "n": np.zeros(0, dtype=np.int64)})
    y, x = np.floor(lat / dlat).astype(np.int64), np.floor(lon / dlon).astype(np.int64)
    y, x = y - y.min(), x - x.min()
    cell = y * (x.max() + 1) + x
    if cell.max() >= 1 << 22:  # a box of millions of cells at its zoom (not the map's): numbered anew
        cell = np.unique(cell, return_inverse=True)[1]
    n = np.bincount(cell)
    present = np.flatnonzero(n)
    n = n[present]
    found = pd.DataFrame(
        {
            "lat": np.bincount(cell, weights=lat)[present] / n,
            "lon": np.bincount(cell, weights=lon)[present] / n,
            "n": n.astype(np.int64),
        }
    )
    # ORDER BY n DESC, lat, lon
    return found.iloc[np.lexsort((found["lon"], found["lat"], -found["n"]))].reset_index(drop=True)


def grid_cells(
    con: duckdb.DuckDBPyConnection,
    area: Area | None,
    filters: Filters,
    box: Box,
    zoom: int,
    *,
    open_hours: Sequence[str] | None = None,
    index: SearchIndex | None = None,
) -> pd.DataFrame:
    """The matches in ``box`` counted per cell of ``zoom``: columns ``lat``, ``lon`` (the mean
    position of the cell's matches, so a bubble sits where its listings are) and ``n``.

    ``index``: the directory's SearchIndex; the cells are then counted in memory."""
    dlat, dlon = cell_degrees(zoom)
    rows = _indexed(con, index, area, filters, open_hours, box)
    if rows is not None:
        return _cells(index, rows, dlat, dlon)
    matching, params = _matching(area, filters, open_hours, box)
    sql = (
        "SELECT avg(lat) AS lat, avg(lon) AS lon, count(*) AS n "  # noqa: S608 - constants
        f"FROM ({matching}) GROUP BY floor(lat / ?), floor(lon / ?) ORDER BY n DESC, lat, lon"
    )
    cur = con.cursor()
    try:
        return cur.execute(sql, [*params, dlat, dlon]).df()
    finally:
        cur.close()


def points_in(
    con: duckdb.DuckDBPyConnection,
    area: Area | None,
    filters: Filters,
    box: Box,
    *,
    open_hours: Sequence[str] | None = None,
    columns: Sequence[str] = MAP_COLUMNS,
    limit: int = DETAIL_MAX,
) -> pd.DataFrame:
    """The matches in ``box`` (``columns``), nearest first when a place is chosen, then by name."""
    matching, params = _matching(area, filters, open_hours, box)
    sql = f"SELECT {', '.join(columns)} FROM ({matching}) ORDER BY distance_km NULLS LAST, name, id LIMIT ?"  # noqa: S608
    cur = con.cursor()
    try:
        return cur.execute(sql, [*params, limit]).df()
    finally:
        cur.close()


def map_view(
    con: duckdb.DuckDBPyConnection,
    area: Area | None,
    filters: Filters,
    box: Box,
    zoom: int,
    *,
    open_hours: Sequence[str] | None = None,
    detail_max: int = DETAIL_MAX,
    index: SearchIndex | None = None,
) -> MapView:
    """What the map shows of the search in ``box`` at ``zoom`` (see :class:`MapView`): one
    grouped scan of the box, then the points themselves if there are at most ``detail_max``.

    ``box`` is snapped to the zoom's cells first (:meth:`Box.snapped`); ``open_hours``: the
    search's open expressions when « ouvert maintenant » is ticked (``SearchResult.open_hours``).
    ``index``: the directory's SearchIndex; the box's matches are then found in memory, and only
    the points shown are read from the file.
    """
    zoom = min(max(int(zoom), MIN_ZOOM), MAX_ZOOM)
    box = box.snapped(zoom)
    rows = _indexed(con, index, area, filters, open_hours, box)
    if rows is not None:
        if len(rows) <= detail_max:
            points = points_in(con, area, filters, box, open_hours=open_hours, limit=detail_max)
            return MapView(box, zoom, len(rows), points, pd.DataFrame(columns=list(CELL_COLUMNS)))
        cells = _cells(index, rows, *cell_degrees(zoom))
        return MapView(box, zoom, len(rows), pd.DataFrame(columns=list(MAP_COLUMNS)), cells)
    cells = grid_cells(con, area, filters, box, zoom, open_hours=open_hours)
    total = int(cells["n"].sum()) if not cells.empty else 0
    if total <= detail_max:
        points = points_in(con, area, filters, box, open_hours=open_hours, limit=detail_max)
        return MapView(box, zoom, total, points, cells.iloc[0:0])
    return MapView(box, zoom, total, pd.DataFrame(columns=list(MAP_COLUMNS)), cells)


def extent(
    con: duckdb.DuckDBPyConnection,
    area: Area | None,
    filters: Filters,
    *,
    open_hours: Sequence[str] | None = None,
    index: SearchIndex | None = None,
) -> Box | None:
    """The box of every match of the search (None when nothing matches): the first view."""
    world = Box(-90.0, -180.0, 90.0, 180.0)
    rows = _indexed(con, index, area, filters, open_hours, world)
    if rows is not None:
        if not len(rows):
            return None
        lat, lon = index.grid.lat[rows], index.grid.lon[rows]
        return Box(float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max()))
    matching, params = _matching(area, filters, open_hours, world)
    sql = f"SELECT min(lat), min(lon), max(lat), max(lon) FROM ({matching})"  # noqa: S608 - constants
    cur = con.cursor()
    try:
        south, west, north, east = cur.execute(sql, params).fetchone()
    finally:
        cur.close()
    return None if south is None else Box(south, west, north, east)


def zoom_to_fit(box: Box, width_px: int = 640, height_px: int = 540, max_zoom: int = 14) -> int:
    """The largest zoom at which ``box`` fits ``width_px`` × ``height_px`` (Web Mercator), as
    Leaflet's fitBounds chooses it."""

    def y(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    for zoom in range(max_zoom, MIN_ZOOM - 1, -1):
        scale = 256 * 2**zoom
        width = (box.east - box.west) / 360 * scale
        height = (y(box.north) - y(box.south)) / (2 * math.pi) * scale
        if width <= width_px and height <= height_px:
            return zoom
    return MIN_ZOOM
