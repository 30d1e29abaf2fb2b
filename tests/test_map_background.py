"""ui/map_background.py: the commune layer under a map is encoded once per box and shared."""

from __future__ import annotations

from courtcircuit.communes.map_layer import Bounds, commune_layer
from courtcircuit.geo import Area
from ui import map_background
from ui.chrome import communes
from ui.map_safety import Encoded, js_literal
from ui.mapview import listings_map, map_html

AMBERT = Area(45.54901, 3.74320, 10.0)


def test_the_commune_layer_is_encoded_once_and_shared() -> None:
    first = map_background.communes_around(AMBERT)
    again = map_background.communes_around(Area(45.5491, 3.7433, 10.0))  # the same snapped box
    assert isinstance(first, Encoded) and again is first  # no copy, no new encoding
    (south, west), (north, east) = AMBERT.bounds()
    box = map_background._snapped(Bounds(south, west, north, east).grown(1.6))
    layer = commune_layer(communes(), Bounds(*box))
    assert layer["features"] and not first.empty
    assert first.js == js_literal(layer)


def test_a_map_draws_the_encoded_layer_as_it_drew_the_dict() -> None:
    import pandas as pd

    points = pd.DataFrame(
        {"id": ["a"], "name": ["Ferme"], "kind": ["producteur"], "lat": [45.55], "lon": [3.74]}
    )
    shared = map_background.communes_near(45.55, 3.74)
    html = map_html(listings_map(points, communes=shared))
    assert "CourtCircuitMap.communeLayer(" in html and shared.js in html
    empty = Encoded(js_literal({"type": "FeatureCollection", "features": []}), empty=True)
    assert "CourtCircuitMap.communeLayer(" not in map_html(listings_map(points, communes=empty))
