"""The search page's map, by zoom: a base that changes only with the place (tiles, circle,
outlines, communes, legend of every kind), and a data layer that st_folium swaps in place
(``feature_group_to_add``) as the visitor pans and zooms: every match of the visible box as a
marker when there are at most ``courtcircuit.map_grid.DETAIL_MAX``, else counts per grid cell.
The frame is not rebuilt for a new box or new filters, and a 1,000,000-listing directory sends
a few hundred bubbles, not a million points. Its markers are those of ``ui.mapview``, and the
same rule holds: data reaches the map only through ``ui/map_elements.py`` (``ui/map_safety.py``).
"""

from __future__ import annotations

from typing import Any

import duckdb
import folium
import streamlit as st

from courtcircuit import map_grid
from courtcircuit.geo import Area
from courtcircuit.map_grid import Box, MapView
from courtcircuit.search import Filters, SearchIndex
from courtcircuit.vocab import KINDS
from ui.i18n import current
from ui.map_elements import CountCells, MapScript
from ui.map_safety import Encoded
from ui.map_style import DEFAULT_CENTER, DEFAULT_ZOOM, FIT_MAX_ZOOM, STATIC_ROOT
from ui.mapview import (
    CELL_LABEL,
    COUNTED,
    base_map,
    legend_items,
    listing_layer,
    marker_rows,
    ready_for_layers,
    show_map,
    translated,
)

# The search page's map: a base that changes only with the place (tiles, circle, outlines,
# communes, legend of every kind), and a data layer that st_folium swaps in place
# (``feature_group_to_add``) as the visitor pans and zooms: every match of the visible box as a
# marker when there are at most ``map_grid.DETAIL_MAX``, else counts per grid cell. The frame is
# not rebuilt for a new box or new filters, and a 1,000,000-listing directory sends a few
# hundred bubbles, not a million points.
MAP_WIDTH_PX = 640  # the map column's width on a desktop, to choose the zoom that fits a search
_VIEW = "_view"  # session_state suffix: the box and zoom whose data the map holds, and for which search
_HOME = "_home"  # the whole directory's view (centre, zoom): where the frame opens without a place
_MOVED = "_moved"  # the frame (place, basemap, language) st_folium was asked to move


def _search_key(area: Area | None, filters: Filters) -> tuple:
    return (area, filters)


def _fit(extent: Box | None, area: Area | None, height: int) -> tuple[tuple[float, float], int, Box]:
    """The first view of a search: its circle, else the box of its matches, else France."""
    if area is not None:
        (south, west), (north, east) = area.bounds()
        box = Box(south, west, north, east)
    elif extent is not None:
        box = extent
    else:
        return DEFAULT_CENTER, DEFAULT_ZOOM, Box(41.0, -5.5, 51.5, 10.0)
    zoom = map_grid.zoom_to_fit(box, MAP_WIDTH_PX, height, max_zoom=FIT_MAX_ZOOM)
    return ((box.south + box.north) / 2, (box.west + box.east) / 2), zoom, box


def _reported(out: dict | None) -> tuple[Box, int] | None:
    """The box and zoom st_folium last reported, if it did (its defaults hold None)."""
    try:
        return Box.from_leaflet(out["bounds"]), int(out["zoom"])
    except (KeyError, TypeError, ValueError):
        return None


def _inside(box: Box, outer: Box) -> bool:
    return (
        outer.south <= box.south
        and outer.west <= box.west
        and box.north <= outer.north
        and box.east <= outer.east
    )


def search_map_view(
    con: duckdb.DuckDBPyConnection,
    area: Area | None,
    filters: Filters,
    *,
    key: str,
    open_hours: tuple[str, ...] | None = None,
    height: int = 540,
    detail_max: int = map_grid.DETAIL_MAX,
    index: SearchIndex | None = None,
) -> tuple[MapView, tuple[tuple[float, float], int]]:
    """What the search map shows in this run, and the search's first view (centre, zoom).

    The box is the one the visitor's map last reported for this search (st_folium's ``zoom``
    and ``bounds`` under ``key``), else the search's first view. A box inside the one already
    drawn, at the same zoom (or any zoom when it holds every match as a marker), draws the
    same data again: the frame keeps it. A new box is fetched with half a screen of margin."""
    search = _search_key(area, filters)
    drawn = st.session_state.get(key + _VIEW)
    reported = _reported(st.session_state.get(key))
    if drawn and drawn["search"] == search:
        (center, zoom), box, whole = drawn["first"], drawn["view"].box, drawn["whole"]
        if reported is None:
            return drawn["view"], (center, zoom)
        seen, zoom_now = reported
        same = drawn["view"]
        if _inside(seen, same.box) and (zoom_now == same.zoom or same.detailed):
            return same, (center, zoom)
        dy, dx = (seen.north - seen.south) / 2, (seen.east - seen.west) / 2
        box = Box(seen.south - dy, seen.west - dx, seen.north + dy, seen.east + dx)
    else:  # a new search: its first view (the reported box was the last search's)
        extent = (
            map_grid.extent(con, area, filters, open_hours=open_hours, index=index) if area is None else None
        )
        center, zoom, box = _fit(extent, area, height)
        whole = box
        zoom_now = zoom
    view = map_grid.map_view(
        con, area, filters, box, zoom_now, open_hours=open_hours, detail_max=detail_max, index=index
    )
    st.session_state[key + _VIEW] = {"search": search, "view": view, "first": (center, zoom), "whole": whole}
    return view, (center, zoom)


def search_layer(
    view: MapView, lang: str | None = None, static_root: str = STATIC_ROOT
) -> folium.FeatureGroup:
    """The data layer of the search map: markers (with their letters and popups) or count bubbles."""
    lang = lang or current()
    layer = folium.FeatureGroup(name="cc-results", control=False)
    if view.detailed:
        rows, present = marker_rows(view.points[["id", "name", "kind", "lat", "lon"]])
        if rows:
            layer.add_child(listing_layer(rows, legend_items(present, lang), lang, static_root))
    else:
        cells = [
            [round(float(a), 5), round(float(b), 5), int(n)]
            for a, b, n in zip(view.cells["lat"], view.cells["lon"], view.cells["n"], strict=True)
        ]
        layer.add_child(CountCells(cells, {"lang": lang, "cell": translated(CELL_LABEL, lang)}))
    return layer


def search_map(
    con: duckdb.DuckDBPyConnection,
    area: Area | None,
    filters: Filters,
    *,
    key: str,
    height: int,
    open_hours: tuple[str, ...] | None = None,
    outlines: dict | Encoded | None = None,
    communes: dict | Encoded | None = None,
    basemap: str = "osmfr",
    returned_objects: tuple[str, ...] = ("last_clicked", "last_object_clicked_popup"),
    detail_max: int = map_grid.DETAIL_MAX,
    static_root: str = STATIC_ROOT,
    index: SearchIndex | None = None,
) -> tuple[MapView, dict[str, Any]]:
    """The search page's map, shown: what it holds (:class:`~courtcircuit.map_grid.MapView`) and
    st_folium's answer (``zoom`` and ``bounds`` are always asked for: they choose the next box).

    ``open_hours``: ``SearchResult.open_hours`` when « ouvert maintenant » is ticked; ``index``:
    the directory's SearchIndex (the box's matches found in memory)."""
    lang = current()
    view, (center, zoom) = search_map_view(
        con, area, filters, key=key, open_hours=open_hours, height=height, detail_max=detail_max, index=index
    )
    # The frame opens on the place's view, or the whole directory's: a first view that needs no
    # move. A move (st_folium's center/zoom) makes the map report its box, hence a rerun, which
    # could interrupt the page's first run (and a Back to the search restored by that run).
    if area is not None:
        home = (center, zoom)
    else:
        home = st.session_state.get(key + _HOME)
        if home is None:
            everything = map_grid.extent(con, None, Filters(), index=index)
            home = st.session_state[key + _HOME] = _fit(everything, None, height)[:2]
    base = base_map(
        home[0],
        home[1],
        circle=((area.lat, area.lon), area.radius_km) if area is not None else None,
        outlines=outlines,
        communes=communes,
        online_tiles=True,
        basemap=basemap,
        lang=lang,
        static_root=static_root,
    )
    ready_for_layers(base, KINDS.codes(), lang, static_root)
    layer = search_layer(view, lang, static_root)
    # The map reports its box (a rerun per move) only while it lacks something: counts, or
    # markers of part of the search. A frame that has every match needs no rerun when moved; a
    # rerun started by a move could interrupt one of the page's (a filter chosen meanwhile was
    # lost in test_search_journey). Whether it reports is part of the frame (st_folium reads
    # returned_objects once per frame): a base that says so gets its own frame.
    drawn = st.session_state[key + _VIEW]
    complete = view.detailed and _inside(drawn["whole"], view.box)
    asked = list(returned_objects) if complete else list(dict.fromkeys([*returned_objects, "zoom", "bounds"]))
    base.add_child(MapScript("follows", not complete))
    # Once this frame was moved to a search's view, every later search says where it wants it.
    frame = (area, basemap, lang)
    moved = st.session_state.get(key + _MOVED) == frame
    if (center, zoom) != home or moved:
        st.session_state[key + _MOVED] = frame
        out = show_map(
            base, key=key, height=height, returned_objects=asked, layer=layer, center=center, zoom=zoom
        )
    else:
        out = show_map(base, key=key, height=height, returned_objects=asked, layer=layer)
    return view, out


def search_map_caption(view: MapView) -> str | None:
    """What to say under the search map when it shows counts rather than markers."""
    return None if view.detailed else translated(COUNTED, current()).format(n=view.total)
