"""What an offline map draws under its markers: département outlines (ui.chrome) and, from the
commune index, commune outlines and names around the place shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from courtcircuit.communes.map_layer import Bounds, commune_layer
from courtcircuit.geo import Area
from ui.chrome import communes
from ui.map_safety import Encoded, encoded

_GRID = 0.02  # degrees: boxes are snapped outwards to this grid, so nearby searches share a cache entry


# Kept encoded, once per box and shared by every session (a str cannot be changed): as a cached
# dict, each run unpickled a copy and encoded it again, a third of a search's server time
# (py-spy under bench.protocol_load: 16 % and 17 %).
@st.cache_resource(show_spinner=False, max_entries=256)
def _layer(south: float, west: float, north: float, east: float) -> Encoded:
    layer = commune_layer(communes(), Bounds(south, west, north, east))
    return encoded(layer, empty=not layer.get("features"))


def _snapped(bounds: Bounds) -> tuple[float, float, float, float]:
    def down(x: float) -> float:
        return round((x // _GRID) * _GRID, 4)

    def up(x: float) -> float:
        return round(-((-x) // _GRID) * _GRID, 4)

    return down(bounds.south), down(bounds.west), up(bounds.north), up(bounds.east)


def communes_around(area: Area) -> Encoded:
    """Commune outlines and names over the search circle and a margin (the map shows more
    than the circle on a wide screen)."""
    (south, west), (north, east) = area.bounds()
    return _layer(*_snapped(Bounds(south, west, north, east).grown(1.6)))


def communes_over(points: pd.DataFrame) -> Encoded | None:
    """Commune outlines and names over the box of ``points`` (lat, lon), the biggest first."""
    lat = pd.to_numeric(points["lat"], errors="coerce").dropna()
    lon = pd.to_numeric(points["lon"], errors="coerce").dropna()
    if lat.empty or lon.empty:
        return None
    return _layer(*_snapped(Bounds(lat.min(), lon.min(), lat.max(), lon.max()).grown(1.2)))


def communes_near(lat: float, lon: float) -> Encoded:
    """Commune outlines and names around one point: a listing's small map, at zoom 13."""
    return _layer(*_snapped(Bounds(lat - 0.05, lon - 0.08, lat + 0.05, lon + 0.08)))
