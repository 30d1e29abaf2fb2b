"""The listings map renders with no CDN, escapes hostile names and stays small."""

from __future__ import annotations

import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from courtcircuit.vocab import KINDS
from ui import map_style, mapview

REPO = Path(__file__).resolve().parents[1]
STATIC_ROOT = "/app/static"
HOSTILE = ["</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def _points(n: int, seed: int = 1) -> pd.DataFrame:
    rng = random.Random(seed)
    codes = KINDS.codes()
    return pd.DataFrame(
        {
            "id": range(1, n + 1),
            "name": [f"Lieu {i}" for i in range(n)],
            "kind": [codes[i % len(codes)] for i in range(n)],
            "lat": [45.55 + rng.uniform(-0.3, 0.3) for _ in range(n)],
            "lon": [3.74 + rng.uniform(-0.4, 0.4) for _ in range(n)],
        }
    )


class _Refs(HTMLParser):
    """Every src/href of <script> and <link> elements, and the inline script bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "link", "img", "iframe") and (a.get("src") or a.get("href")):
            self.refs.append(a.get("src") or a.get("href") or "")
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _parse(page: str) -> _Refs:
    p = _Refs()
    p.feed(page)
    return p


def _rows(page: str) -> list[list]:
    """The marker rows handed to the map's code, as the browser decodes them."""
    return json.loads(re.search(r"addListings\(\s*\w+, (\[\[.*?\]\]), \[", page, re.S).group(1))


def _map_name(page: str) -> str:
    return re.search(r"var (map_\w+) = L\.map\(", page).group(1)


@pytest.fixture(scope="module")
def page() -> str:
    df = _points(50)
    outlines = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"nom": "Puy-de-Dôme"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[2.4, 45.3], [3.9, 45.3], [3.9, 46.3], [2.4, 45.3]]],
                },
            }
        ],
    }
    m = mapview.listings_map(
        df, center=(45.55, 3.74), radius_km=20, outlines=outlines, static_root=STATIC_ROOT
    )
    return mapview.map_html(m)


def test_only_vendored_assets_and_tiles_are_referenced(page: str) -> None:
    refs = _parse(page).refs
    assert refs, "the page loads scripts/styles"
    assert all(r.startswith(STATIC_ROOT + "/") for r in refs), refs
    # Any other absolute URL anywhere (inline JS included) must be the tile template or
    # the attribution link (a link the visitor may follow, not a fetch).
    allowed = {map_style.OSM_FR_TILES, "https://www.openstreetmap.org/copyright"}
    urls = set(re.findall(r"https?://[^\s\"'\\<>)]+", page))
    assert urls <= allowed, urls - allowed


def test_offline_map_has_no_external_url_at_all() -> None:
    m = mapview.listings_map(_points(5), online_tiles=False)
    assert not re.search(r"https?://", mapview.map_html(m))


def test_referenced_vendor_files_exist() -> None:
    page = mapview.map_html(mapview.listings_map(_points(5)))
    refs = [r for r in _parse(page).refs if r.startswith(STATIC_ROOT)]
    assert set(mapview.asset_urls(STATIC_ROOT)) <= set(refs)
    for url in [*refs, *mapview.asset_urls(STATIC_ROOT)]:
        assert (REPO / "static" / url.removeprefix(STATIC_ROOT + "/")).is_file(), url
    # Leaflet's CSS pulls images relative to itself, and the default icon path is set.
    css = (REPO / "static/vendor/leaflet/leaflet.css").read_text()
    for img in re.findall(r"url\((images/[^)]+)\)", css):
        assert (REPO / "static/vendor/leaflet" / img).is_file(), img
    assert f'CourtCircuitMap.setup({_map_name(page)}, "{STATIC_ROOT}/vendor/leaflet/images/", {{' in page
    assert (REPO / "static/vendor/leaflet/images/marker-icon.png").is_file()


def test_map_options_needed_without_tiles() -> None:
    page = mapview.map_html(mapview.listings_map(_points(5), online_tiles=False))
    assert '"maxZoom": 19' in page  # markercluster throws on a map without maxZoom
    assert '"preferCanvas": true' in page
    assert "L.tileLayer" not in page


def test_hostile_names_stay_text() -> None:
    df = pd.DataFrame(
        {
            "id": [1, 2],
            "name": HOSTILE,
            "kind": ["producteur", "amap"],
            "lat": [45.5, 45.6],
            "lon": [3.7, 3.8],
        }
    )
    page = mapview.map_html(mapview.listings_map(df))
    for name in HOSTILE:
        assert name not in page
    assert "</script><script>alert(1)" not in page
    assert "<img src=x" not in page
    # The only </script> tags are the ones folium writes: one per <script>.
    assert page.count("</script>") == page.count("<script")
    # The names are still there, as JSON the browser decodes back to the exact text.
    data = _rows(page)
    assert [row[3] for row in data] == HOSTILE
    assert [row[4] for row in data] == [1, 2]
    # The map's code never feeds data to innerHTML: tooltip escaped, popup and legend via textContent.
    code = (REPO / "static/map/listings.js").read_text()
    assert "innerHTML" not in code
    assert "bindTooltip(esc(row[3]))" in code
    assert 'el("strong", "", row[3])' in code


def _legend(page: str) -> tuple[str, list[dict[str, str]]]:
    match = re.search(r'addLegend\(\w+, ("[^"]*"), (\[.*?\])\);', page, re.S)
    assert match, "no legend"
    return json.loads(match.group(1)), json.loads(match.group(2))


def test_legend_lists_every_kind_present_as_text() -> None:
    df = _points(9 * 3)
    df.loc[0, "kind"] = "<b>inconnu</b>"  # a code the vocabulary lacks: legend says "Autre"
    page = mapview.map_html(mapview.listings_map(df, lang="fr"))
    title, items = _legend(page)
    assert title == "Types de lieu"
    expected = [map_style.KIND_STYLES[c].glyph + KINDS.label(c, "fr") for c in KINDS.codes()] + ["?Autre"]
    assert [k["g"] + k["l"] for k in items] == expected
    assert "<b>" not in page


def test_legend_only_lists_kinds_present() -> None:
    items = mapview.legend_items(["amap", "marche"], "en")
    assert [k["l"] for k in items] == ["AMAP / box scheme", "Market"]
    assert mapview.legend_items(["magasin_producteurs"], "en")[0]["l"] == "Producers' shop"


def test_every_kind_has_a_distinct_colour_and_glyph() -> None:
    assert set(map_style.KIND_STYLES) == set(KINDS.codes())
    styles = [*map_style.KIND_STYLES.values(), map_style.OTHER_STYLE]
    assert len({s.color.lower() for s in styles}) == len(styles)
    assert len({s.glyph for s in styles}) == len(styles)


def test_search_circle_and_view() -> None:
    page = mapview.map_html(mapview.listings_map(_points(5), center=(45.55, 3.74), radius_km=15))
    assert "L.circle(" in page and '"radius": 15000' in page
    assert '"interactive": false' in page
    assert "fitBounds" in page  # fit to the circle when no zoom is given
    page = mapview.map_html(mapview.listings_map(_points(5), center=(45.55, 3.74), zoom=11))
    assert "L.circle(" not in page and "fitBounds" not in page and '"zoom": 11' in page
    with pytest.raises(ValueError):
        mapview.listings_map(_points(5), radius_km=10)


def test_fits_bounds_without_center_and_handles_no_points() -> None:
    page = mapview.map_html(mapview.listings_map(_points(20)))
    assert "fitBounds" in page
    empty = mapview.listings_map(_points(0))
    page = mapview.map_html(empty)
    assert "markerClusterGroup" not in page and "fitBounds" not in page


def test_rows_without_position_are_skipped() -> None:
    df = _points(3)
    df["lat"] = df["lat"].astype(object)
    df.loc[1, "lat"] = None
    page = mapview.map_html(mapview.listings_map(df))
    data = _rows(page)
    assert [row[4] for row in data] == [1, 3]


def test_popup_text_round_trips_the_id() -> None:
    # What st_folium returned in Chromium: the popup element's innerText.
    assert mapview.clicked_listing_id("Ferme du Bourg\nP\nProducteur\nRéf. 1234") == "1234"
    assert mapview.clicked_listing_id("Farm\nP Producer\nRef. osm:n42\n") == "osm:n42"
    assert mapview.clicked_listing_id("Réf. 99 fake name\nP Producteur\nRéf. 7") == "7"
    assert mapview.clicked_listing_id(None) is None
    assert mapview.clicked_listing_id("no reference here") is None
    page = mapview.map_html(mapview.listings_map(_points(2)))
    assert re.search(r'\]\],\s*\[\{.*?\}\],\s*"Réf\. ",', page, re.S)  # addListings(…, rows, kinds, ref)


def test_twenty_thousand_points_build_small() -> None:
    page = mapview.map_html(mapview.listings_map(_points(20_000), online_tiles=False))
    assert len(page.encode()) < 3_000_000
    # Markers are made in the browser, from rows, by static/map/listings.js.
    assert "circleMarker" not in page and page.count("CourtCircuitMap.addListings(") == 1
    assert len(_rows(page)) == 20_000


def _setup_texts(page: str) -> dict[str, str]:
    match = re.search(r"CourtCircuitMap\.setup\(\w+, \"[^\"]*\", (\{.*?\})\);", page, re.S)
    assert match, "no setup call"
    return json.loads(match.group(1))


def test_the_maps_words_follow_the_language() -> None:
    """Leaflet's own controls are English (« Zoom in »): the map is made without its zoom control
    and setup() adds one titled in the page's language, with the legend, the popups' reference
    and the clusters' names (issue 13)."""
    fr = mapview.map_html(mapview.listings_map(_points(30), lang="fr"))
    en = mapview.map_html(mapview.listings_map(_points(30), lang="en"))
    assert '"zoomControl": false' in fr and "L.control.zoom" not in fr
    assert _setup_texts(fr) == {
        "zoomIn": "Zoomer",
        "zoomOut": "Dézoomer",
        "leaflet": "Leaflet, une bibliothèque JavaScript de cartes interactives",
        "cluster": "{n} lieux regroupés : touchez pour zoomer",
    }
    texts = _setup_texts(en)
    assert (texts["zoomIn"], texts["zoomOut"]) == ("Zoom in", "Zoom out")
    assert texts["cluster"] == "{n} places grouped together: tap to zoom in"
    assert "JavaScript library" in texts["leaflet"]
    assert _legend(en)[0] == "Kinds of place" and _legend(fr)[0] == "Types de lieu"
    assert re.search(r'\]\],\s*\[\{.*?\}\],\s*"Ref\. ",', en, re.S)
    assert "OpenStreetMap contributors" in en and "les contributeurs d" in fr
    assert mapview.clicked_listing_id("Farm\nRef. 12") == "12" == mapview.clicked_listing_id("Ferme\nRéf. 12")
    # The browser side: the zoom control takes these titles, the clusters their name.
    code = (REPO / "static/map/listings.js").read_text()
    assert "zoomInTitle = texts.zoomIn" in code and 'setAttribute("aria-label"' in code
    with pytest.raises(ValueError):
        mapview.listings_map(_points(2), lang="de")
