"""The offline map names its towns; its symbols do not rest on colour alone (issue 13, 3 and 4).

Commune outlines and names come from the commune index (courtcircuit.communes.map_layer), the
closer the zoom the more names; online tiles stay first (the communes are drawn once a tile
fails). Markers carry their kind's letter, clusters use no kind's colour, the legend folds
and the scale bar is metric: the browser side is tests/test_browser_first_visit.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from courtcircuit.communes import CommuneIndex
from courtcircuit.communes.map_layer import Bounds, commune_layer, label_zoom
from courtcircuit.geo import Area
from ui import map_style, mapview

REPO = Path(__file__).resolve().parents[1]
AMBERT = (45.549014, 3.743204)
AMBERT_INSEE = "63003"


def _around(radius_km: float) -> Bounds:
    (south, west), (north, east) = Area(*AMBERT, radius_km).bounds()
    return Bounds(south, west, north, east)


def _points() -> pd.DataFrame:
    return pd.DataFrame(
        {"id": [1, 2], "name": ["Ferme", "Marché"], "kind": ["producteur", "amap"],
         "lat": [45.55, 45.56], "lon": [3.74, 3.75]}
    )  # fmt: skip


def test_the_communes_around_ambert_have_outlines_names_and_label_zooms(communes: CommuneIndex) -> None:
    layer = commune_layer(communes, _around(10))
    by_name = {f["properties"]["n"]: f for f in layer["features"]}
    assert {"Ambert", "Job", "Marsac-en-Livradois"} <= set(by_name)
    ambert = by_name["Ambert"]
    assert ambert["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert ambert["properties"]["p"] == [round(c, 5) for c in communes.get(AMBERT_INSEE).point]
    # Ambert (~6,800 inhabitants) is named from zoom 10; a village only from close up.
    assert ambert["properties"]["z"] == 10
    assert by_name["Job"]["properties"]["z"] > ambert["properties"]["z"]


def test_bigger_communes_are_named_from_further_away() -> None:
    zooms = [label_zoom(p) for p in (2_000_000, 150_000, 30_000, 6_000, 1_500, 300, 40, None)]
    assert zooms == sorted(zooms) and zooms[0] < zooms[-1]


def test_a_wide_view_keeps_the_biggest_communes_and_stays_light(communes: CommuneIndex) -> None:
    box = _around(100)
    layer = commune_layer(communes, box, max_communes=50)
    inside = communes.shapes_in(box.south, box.west, box.north, box.east)
    biggest = sorted(inside, key=lambda c: -(communes.get(c).population or 0))[:50]
    assert [f["properties"]["n"] for f in layer["features"]] == [communes.get(c).name for c in biggest]
    assert "Clermont-Ferrand" in {f["properties"]["n"] for f in layer["features"]}
    assert len(json.dumps(layer)) < 150_000  # simplified to the view's scale


def test_online_the_communes_wait_for_a_failed_tile_offline_they_show_at_once(communes) -> None:
    layer = commune_layer(communes, _around(3))
    online = mapview.map_html(mapview.listings_map(_points(), center=AMBERT, zoom=13, communes=layer))
    assert "CourtCircuitMap.communeLayer(" in online
    name = re.search(r"var (\w+) = CourtCircuitMap\.communeLayer\(", online).group(1)
    assert re.search(rf"communesWhenTilesFail\(\s*\w+, tile_layer_\w+, {name}\)", online)
    assert f"{name}.addTo(" not in online  # the tiles stay first
    offline = mapview.map_html(
        mapview.listings_map(_points(), center=AMBERT, zoom=13, communes=layer, online_tiles=False)
    )
    name = re.search(r"var (\w+) = CourtCircuitMap\.communeLayer\(", offline).group(1)
    assert "communesWhenTilesFail" not in offline and re.search(rf"{name}\.addTo\(map_\w+\);", offline)
    assert '"n":"Ambert"' in offline


def test_the_scale_bar_is_metric_only() -> None:
    page = mapview.map_html(mapview.listings_map(_points()))
    assert "L.control.scale()" not in page  # folium's, with miles
    js = (REPO / "static/map/listings.js").read_text()
    assert "L.control.scale({imperial: false" in js


def test_cluster_colours_are_no_kind_colour() -> None:
    css = (REPO / "static/map/listings.css").read_text()
    rules = re.findall(r"\.marker-cluster[^{]*\{([^}]*)\}", css)
    colours = {c.lower() for rule in rules for c in re.findall(r"#[0-9a-fA-F]{6}", rule)}
    kinds = {s.color.lower() for s in map_style.KIND_STYLES.values()}
    assert colours and not colours & kinds
    vendor = (REPO / "static/vendor/leaflet.markercluster/MarkerCluster.Default.css").read_text()
    assert ".marker-cluster-small" in vendor  # the vendor's colours we override are still its names
