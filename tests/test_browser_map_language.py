"""The maps speak the page's language (issue 13): Leaflet's zoom buttons, its attribution link,
the legend and the cluster bubbles' accessible names, in French by default and in English with
``?lang=en``. The French side is also scanned for any English word by
tests/test_browser_french.py::test_no_english_in_the_maps."""

from __future__ import annotations

import pytest

from tests.browser import IDLE, LONG, chromium_browser, streamlit_app

pytestmark = pytest.mark.browser

SEARCH = "/?lieu=Ambert&lat=45.54901&lon=3.74163&rayon=30"
# What the map's frame says about itself, once its controls and clusters are drawn.
READ = """() => {
  const zoomIn = document.querySelector('.leaflet-control-zoom-in');
  const cluster = document.querySelector('.marker-cluster');
  const leaflet = document.querySelector('.leaflet-control-attribution a[href="https://leafletjs.com"]');
  return {
    zoomIn: zoomIn && zoomIn.title, zoomOut: document.querySelector('.leaflet-control-zoom-out').title,
    leaflet: leaflet && leaflet.title,
    legend: document.querySelector('.cc-legend-title').textContent,
    cluster: cluster && cluster.getAttribute('aria-label'),
    count: cluster && cluster.textContent.trim(),
  };
}"""
READY = "() => !!document.querySelector('.leaflet-control-zoom-in') && !!document.querySelector('.marker-cluster')"


@pytest.fixture
def app(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    app_db = tmp_path / "demo.duckdb"
    app_db.write_bytes(demo_db.read_bytes())
    with streamlit_app(app_db, tmp_path) as url:
        yield url


def map_words(browser, url: str) -> dict[str, str]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(LONG)
    page.goto(url, wait_until="domcontentloaded")
    page.locator(IDLE).wait_for()
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]').first
    iframe.wait_for()
    frame = iframe.element_handle().content_frame()
    frame.wait_for_function(READY)
    words = frame.evaluate(READ)
    page.close()
    return words


def test_the_map_speaks_french_then_english(app, tmp_path):
    with chromium_browser(tmp_path) as browser:
        fr = map_words(browser, f"{app}{SEARCH}")
        en = map_words(browser, f"{app}{SEARCH}&lang=en")
    assert (fr["zoomIn"], fr["zoomOut"], fr["legend"]) == ("Zoomer", "Dézoomer", "Types de lieu")
    assert fr["leaflet"] == "Leaflet, une bibliothèque JavaScript de cartes interactives"
    assert fr["cluster"] == f"{fr['count']} lieux regroupés : touchez pour zoomer"
    assert (en["zoomIn"], en["zoomOut"], en["legend"]) == ("Zoom in", "Zoom out", "Kinds of place")
    assert en["leaflet"] == "Leaflet, a JavaScript library for interactive maps"
    assert en["cluster"] == f"{en['count']} places grouped together: tap to zoom in"
