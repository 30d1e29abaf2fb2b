"""The supplier page's map: a base that changes only with the store and the distance (tiles,
the distance's circle, the communes around it, the legend), and the producers and the buyers'
needs as a layer that st_folium swaps in place (``feature_group_to_add``) when a filter changes.

The map used to be rebuilt for every filter: Leaflet, the outlines and the markers' scripts
reloaded in a new frame, and a view the buyer had moved went back to the store. Like the search
page's map (ui.search_map), data reaches it only through ``ui/map_elements.py``
(``ui/map_safety.py`` checks both parts).
"""

from __future__ import annotations

from typing import Any

import folium
import pandas as pd

from courtcircuit.geo import Area
from ui.i18n import current
from ui.map_background import communes_around
from ui.map_style import STATIC_ROOT
from ui.mapview import (
    base_map,
    legend_items,
    listing_layer,
    marker_rows,
    ready_for_layers,
    show_map,
)

# What the map can hold, in its legend whatever the filters (the legend is part of the base).
KINDS_SHOWN = ["producteur", "besoin"]


def supplier_base(
    store: tuple[float, float], near_km: float, lang: str, static_root: str = STATIC_ROOT
) -> folium.Map:
    """The map without its points: opens on the circle of ``near_km`` around the store."""
    area = Area(store[0], store[1], near_km)
    base = base_map(
        store,
        12,
        circle=(store, near_km),
        outlines=None,
        communes=communes_around(area),  # drawn when the tiles fail (offline)
        online_tiles=True,
        basemap="osmfr",
        lang=lang,
        static_root=static_root,
    )
    base.fit_bounds(area.bounds(), padding=(10, 10))
    ready_for_layers(base, KINDS_SHOWN, lang, static_root)
    return base


def supplier_layer(points: pd.DataFrame, lang: str, static_root: str = STATIC_ROOT) -> folium.FeatureGroup:
    """The points (columns id, name, kind, lat, lon) as the layer swapped into the base."""
    layer = folium.FeatureGroup(name="cc-suppliers", control=False)
    rows, present = marker_rows(points)
    if rows:
        layer.add_child(listing_layer(rows, legend_items(present, lang), lang, static_root))
    return layer


def supplier_map(
    points: pd.DataFrame, store: tuple[float, float], near_km: float, *, key: str, height: int
) -> dict[str, Any]:
    """The map shown: st_folium's answer (``last_clicked``: a click moves the store)."""
    lang = current()
    return show_map(
        supplier_base(store, near_km, lang),
        key=key,
        height=height,
        returned_objects=["last_clicked"],
        layer=supplier_layer(points, lang),
    )
