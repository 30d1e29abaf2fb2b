"""The search map by zoom (courtcircuit/map_grid.py): counts per grid cell from DuckDB, every
match as a marker when few enough, on the demo directory built by the real ETL; and the search
map that draws it (ui/search_map.py), through AppTest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from courtcircuit import map_grid
from courtcircuit.db import connect
from courtcircuit.geo import Area
from courtcircuit.map_grid import Box, cell_degrees, extent, grid_cells, map_view, zoom_to_fit
from courtcircuit.search import Filters, search

AMBERT = (45.5498, 3.7431)
FRANCE = Box(41.0, -5.5, 51.5, 10.0)


@pytest.fixture(scope="module")
def con(demo_db: Path):
    with connect(demo_db, read_only=True) as con:
        yield con


def _active_in(con, box: Box, where: str = "TRUE", params: list | None = None) -> int:
    sql = f"SELECT count(*) FROM listings WHERE status = 'active' AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? AND {where}"  # noqa: S608
    return con.execute(sql, [box.south, box.north, box.west, box.east, *(params or [])]).fetchone()[0]


def test_cells_halve_with_each_zoom_and_stay_about_square_on_screen() -> None:
    for zoom in range(3, 18):
        (dlat, dlon), (next_lat, next_lon) = cell_degrees(zoom), cell_degrees(zoom + 1)
        assert next_lon == pytest.approx(dlon / 2) and next_lat == pytest.approx(dlat / 2)
        assert 0.6 < dlat / dlon < 0.75  # cos(46.5°): square on a Mercator map of France
    assert cell_degrees(6)[1] == pytest.approx(360 / 64 / 4)  # 64 px of a 256-px tile


def test_a_snapped_box_holds_the_box_on_whole_cells() -> None:
    box = Box(45.31, 3.42, 45.77, 4.01)
    for zoom in (6, 10, 14):
        snapped, (dlat, dlon) = box.snapped(zoom), cell_degrees(zoom)
        assert snapped.south < box.south and snapped.west < box.west
        assert snapped.north > box.north and snapped.east > box.east
        for edge, step in (
            (snapped.south, dlat),
            (snapped.north, dlat),
            (snapped.west, dlon),
            (snapped.east, dlon),
        ):
            assert edge / step == pytest.approx(round(edge / step), abs=1e-6)
        # a pan that stays within the edge cells asks the same question again (the page's cache)
        i, j = round(45.3 / dlat), round(3.4 / dlon)
        cells = Box((i + 0.4) * dlat, (j + 0.4) * dlon, (i + 5.4) * dlat, (j + 5.4) * dlon)
        moved = Box((i + 0.6) * dlat, (j + 0.2) * dlon, (i + 5.6) * dlat, (j + 5.2) * dlon)
        assert moved.snapped(zoom) == cells.snapped(zoom)
    assert Box(-89.9, -179.9, 89.9, 179.9).snapped(2) == Box(-90.0, -180.0, 90.0, 180.0)
    with pytest.raises(ValueError):
        Box(46.0, 3.0, 45.0, 4.0)


def test_from_leaflet_reads_st_folium_bounds() -> None:
    bounds = {"_southWest": {"lat": 45.1, "lng": 3.2}, "_northEast": {"lat": 45.9, "lng": 4.3}}
    assert Box.from_leaflet(bounds) == Box(45.1, 3.2, 45.9, 4.3)
    wide = {"_southWest": {"lat": -95, "lng": -400}, "_northEast": {"lat": 95, "lng": 400}}
    assert Box.from_leaflet(wide) == Box(-90.0, -180.0, 90.0, 180.0)


def test_cells_count_every_active_listing_of_the_box_once(con) -> None:
    for zoom in (5, 8, 11):
        cells = grid_cells(con, None, Filters(), FRANCE, zoom)
        assert list(cells.columns) == list(map_grid.CELL_COLUMNS)
        assert int(cells["n"].sum()) == _active_in(con, FRANCE) > 300
        assert cells["lat"].between(FRANCE.south, FRANCE.north).all()
        assert cells["lon"].between(FRANCE.west, FRANCE.east).all()
    coarse, fine = grid_cells(con, None, Filters(), FRANCE, 6), grid_cells(con, None, Filters(), FRANCE, 12)
    assert len(coarse) < len(fine)  # zooming in splits the bubbles


def test_cells_follow_the_filters_and_the_circle(con) -> None:
    markets = grid_cells(con, None, Filters(kinds=("marche",)), FRANCE, 8)
    assert int(markets["n"].sum()) == _active_in(con, FRANCE, "kind = ?", ["marche"]) > 0
    area = Area(*AMBERT, 10.0)
    around = grid_cells(con, area, Filters(), FRANCE, 10)
    assert int(around["n"].sum()) == search(con, area, Filters(), limit=1).total > 0
    nothing = grid_cells(con, None, Filters(text="zzzqqq'; DROP TABLE listings; --"), FRANCE, 8)
    assert nothing.empty
    assert _active_in(con, FRANCE) > 0  # the text was a parameter


def test_the_view_sends_markers_when_few_else_counts(con) -> None:
    total = _active_in(con, FRANCE)
    detailed = map_view(con, None, Filters(), FRANCE, 6, detail_max=total)
    assert detailed.detailed and detailed.total == total == len(detailed.points)
    assert {"id", "name", "kind", "lat", "lon"} <= set(detailed.points.columns)
    counted = map_view(con, None, Filters(), FRANCE, 6, detail_max=total - 1)
    assert not counted.detailed and counted.points.empty
    assert counted.total == total == int(counted.cells["n"].sum())
    assert len(counted.cells) < total / 5  # a few bubbles instead of every listing
    # the box asked is snapped: what was drawn covers what was asked
    assert counted.box == FRANCE.snapped(6)


def test_a_chosen_place_lists_its_markers_nearest_first(con) -> None:
    area = Area(*AMBERT, 15.0)
    view = map_view(con, area, Filters(), FRANCE, 11)
    expected = search(con, area, Filters(), limit=5).listings["id"].tolist()
    assert view.detailed and view.points["id"].tolist()[:5] == expected


def test_extent_and_the_zoom_that_fits_it(con) -> None:
    box = extent(con, None, Filters())
    assert box is not None and box.south < AMBERT[0] < box.north and box.west < AMBERT[1] < box.east
    assert extent(con, None, Filters(text="zzzqqq")) is None
    assert zoom_to_fit(FRANCE) == 5  # mainland France in a 640 × 540 map
    assert zoom_to_fit(Box(45.5, 3.7, 45.6, 3.8)) == 12
    assert zoom_to_fit(Box(45.5, 3.7, 45.5, 3.7), max_zoom=14) == 14


# ------------------------------------------------------------------ the search map, through AppTest


def _search_map_page(detail_max: int) -> None:
    import streamlit as st

    from courtcircuit.search import Filters
    from ui.chrome import cursor
    from ui.search_map import search_map

    view, _out = search_map(cursor(), None, Filters(), key="cc_map", height=540, detail_max=detail_max)
    st.write(f"detailed={view.detailed} total={view.total} cells={len(view.cells)} zoom={view.zoom}")


def _script(at: AppTest) -> dict:
    frames = [c for c in at.get("component_instance") if "st_folium" in str(c.proto.component_name)]
    assert len(frames) == 1, "no map"
    return json.loads(frames[0].proto.json_args)


def _run(demo_db: Path, monkeypatch, detail_max: int, state: dict | None = None) -> AppTest:
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(demo_db))
    at = AppTest.from_function(_search_map_page, kwargs={"detail_max": detail_max}, default_timeout=60)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.run()


def test_the_search_map_swaps_a_layer_of_markers_or_of_counts(demo_db, monkeypatch) -> None:
    at = _run(demo_db, monkeypatch, detail_max=100_000)
    assert not at.exception, at.exception
    args = _script(at)
    assert "addListings" in args["feature_group"] and "addListings" not in args["script"]
    assert "addLegend" in args["script"]  # every kind, with the base: the layer alone changes
    assert "detailed=True" in at.markdown[0].value
    # The frame opens on the directory's view: no move asked (a move would make it report, and
    # rerun the page before its first run is over).
    assert args.get("center") is None and args.get("zoom") is None
    # Every match is drawn: the map need not report its moves (each report reruns the page).
    assert not {"zoom", "bounds"} & set(args["returned_objects"])

    counted = _run(demo_db, monkeypatch, detail_max=10)
    args_counted = _script(counted)
    assert "addCounts" in args_counted["feature_group"] and "addListings" not in args_counted["feature_group"]
    assert "lieux ici" in args_counted["feature_group"]  # the bubbles' accessible name
    # Counts: the map reports its moves, to fetch the box the visitor zooms to.
    assert {"zoom", "bounds"} <= set(args_counted["returned_objects"])
    assert "follows(map_div, true)" in args_counted["script"] and "follows(map_div, false)" in args["script"]
    # Same place, same filters, another zoom: st_folium keeps the frame and swaps the layer.
    again = _run(demo_db, monkeypatch, detail_max=10)
    assert _script(again)["script"] == args_counted["script"]


def test_the_search_map_fetches_the_box_the_visitor_zoomed_to(demo_db, monkeypatch) -> None:
    at = _run(demo_db, monkeypatch, detail_max=10)
    first = at.markdown[0].value
    assert "detailed=False" in first
    # The visitor zooms in around Ambert: st_folium reports the new box and zoom.
    bounds = {"_southWest": {"lat": 45.53, "lng": 3.72}, "_northEast": {"lat": 45.57, "lng": 3.77}}
    at.session_state["cc_map"] = {"zoom": 15, "bounds": bounds}
    at.run()
    assert not at.exception, at.exception
    second = at.markdown[0].value
    assert "zoom=15" in second and second != first
    # A pan inside the box already drawn, at the same zoom, draws the same data.
    inner = {"_southWest": {"lat": 45.54, "lng": 3.73}, "_northEast": {"lat": 45.56, "lng": 3.76}}
    layer = _script(at)["feature_group"]
    at.session_state["cc_map"] = {"zoom": 15, "bounds": inner}
    at.run()
    assert at.markdown[0].value == second and _script(at)["feature_group"] == layer
