"""The home page (the resident search, no place chosen yet) in a real browser: the map paints
its markers with no network."""

from __future__ import annotations

import pytest

from tests.browser import chromium_page, streamlit_app

# No skip when chromium is missing: `make test` installs it, and a skipped journey proves nothing.
pytestmark = pytest.mark.browser


def test_home_map_paints_markers_offline(small_build, tmp_path):
    with streamlit_app(small_build.db, tmp_path) as url, chromium_page(tmp_path) as page:
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text("lieux dans tout l'annuaire").wait_for(timeout=60_000)
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        markers = frame.locator(".marker-cluster, .leaflet-interactive")
        markers.first.wait_for(timeout=60_000)
        assert markers.count() >= 1
        assert frame.locator(".leaflet-container").count() == 1
        legend = frame.locator("text=Producteur").first
        assert legend.is_visible()
        assert page.get_by_text("Données de démonstration").is_visible()
