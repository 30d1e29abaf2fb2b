"""The search map by zoom in a real browser (ui.search_map.search_map, served by bench/map_app.py on
the demo directory): count bubbles named for screen readers, a click on one zooms in until the
listings show as markers (the frame kept, its layer swapped), and a marker's click still gives
its listing back to the page."""

from __future__ import annotations

import re

import pytest

from bench.map_browser import map_app
from tests.browser import LONG, chromium_page, settle

# Run with the load tests, alone after the others (make test). The search page draws this map;
# here it is served alone (bench/map_app.py) with 40 markers at most, so that the demo shows
# bubbles. A bubble is clicked only once the page has answered the map's new box: before, the
# bubbles shown are the last zoom's, being replaced (this race made the test fail 4 runs of 5).
pytestmark = [pytest.mark.browser, pytest.mark.load]

FRAME = 'iframe[title="streamlit_folium.st_folium"]'
# The bubbles (with their centre in the frame) and the markers the map holds now.
STATE_JS = """() => {
    const map = window.map;
    if (!map) return null;
    const bubbles = [...document.querySelectorAll(".cc-count")].map((e) => {
        const r = e.getBoundingClientRect();
        return {n: Number(e.getAttribute("aria-label").match(/\\d+/)[0]), label: e.getAttribute("aria-label"),
                x: r.x + r.width / 2, y: r.y + r.height / 2};
    });
    let group = null;
    map.eachLayer((layer) => { if (layer.zoomToShowLayer) group = layer; });
    return {bubbles, markers: group ? group.getLayers().length : 0, zoom: map.getZoom(), shown: map._ccShown,
            frame: window.__ccFrame = window.__ccFrame || Math.random()};
}"""
SHOWN_JS = "() => window.map._ccShown > 0 && !window.map._animatingZoom"
# Zoom until the first listing stands alone (markercluster's own way); its container point.
LONE_JS = """() => new Promise((resolve) => {
    let group = null;
    window.map.eachLayer((layer) => { if (layer.zoomToShowLayer) group = layer; });
    const marker = group.getLayers()[0];
    group.zoomToShowLayer(marker, () => {
        const p = window.map.latLngToContainerPoint(marker.getLatLng());
        resolve({id: String(marker.options.listing_id), x: p.x, y: p.y});
    });
})"""


@pytest.fixture(scope="module")
def url(demo_db, tmp_path_factory):
    with map_app(demo_db, tmp_path_factory.mktemp("map-grid-home")) as served:
        yield served


def test_bubbles_zoom_in_to_markers_and_a_marker_opens_its_listing(url, tmp_path):
    with chromium_page(tmp_path) as page:
        page.set_default_timeout(LONG)
        page.goto(f"{url}/?mode=grid&detail=40", wait_until="domcontentloaded")
        page.get_by_text(re.compile(r"zoom \d+, secteurs")).wait_for()
        frame = page.locator(FRAME).element_handle().content_frame()
        frame.wait_for_function("() => window.map && window.map._ccShown > 0")
        state = frame.evaluate(STATE_JS)
        assert state["bubbles"], state
        first_frame = state["frame"]
        for bubble in state["bubbles"]:
            assert bubble["label"] == f"{bubble['n']} lieux ici : touchez pour zoomer"
        for _ in range(8):  # each click zooms in two steps, the page fetches that box
            # Click on a settled page: the box the map reported has been answered and its layer
            # swapped in (a click during the swap hits a bubble being replaced).
            settle(page)
            frame.wait_for_function(SHOWN_JS, polling=100)
            state = frame.evaluate(STATE_JS)
            if not state["bubbles"]:
                break
            biggest = max(state["bubbles"], key=lambda b: b["n"])
            box = page.locator(FRAME).bounding_box()
            page.mouse.click(box["x"] + biggest["x"], box["y"] + biggest["y"])
            frame.wait_for_function(f"() => window.map.getZoom() > {state['zoom']}")
            # The map reports its new box 250 ms after the zoom ends (st_folium's debounce): until
            # the page has answered with that zoom's layer, the bubbles shown are the last zoom's,
            # and one clicked while being replaced is a click on nothing.
            zoom = frame.evaluate("() => window.map.getZoom()")
            page.get_by_text(re.compile(rf"^zoom {zoom}, ")).wait_for()
        settle(page)
        frame.wait_for_function(SHOWN_JS, polling=100)
        page.get_by_text(re.compile(r"zoom \d+, marqueurs")).wait_for()
        state = frame.evaluate(STATE_JS)
        assert state["markers"] > 0 and not state["bubbles"], state
        assert state["frame"] == first_frame  # the same frame: only its layer was swapped
        lone = frame.evaluate(LONE_JS)
        box = page.locator(FRAME).bounding_box()
        page.mouse.click(box["x"] + lone["x"], box["y"] + lone["y"])
        page.get_by_text(f"clic {lone['id']}").wait_for()
