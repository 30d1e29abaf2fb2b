"""Commune outlines and names for an offline map: what the visitor sees when the tiles fail.

Offline, a map showed only département outlines on beige: no town, no name. The commune index
already holds every commune's polygon, name and population, so the map draws them itself:
outlines, and names that appear as the visitor zooms in, the bigger communes first (a name
shows from the zoom :func:`label_zoom` gives its population).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import shapely

from courtcircuit.communes.index import CommuneIndex

MAX_COMMUNES = 400  # the largest first: beyond, the HTML grows and the names would overlap anyway
# (population at least, zoom from which the name shows): a city from afar, a hamlet up close.
_LABEL_ZOOMS = ((100_000, 7), (20_000, 9), (5_000, 10), (1_000, 11), (200, 12))
_LAST_ZOOM = 13


@dataclass(frozen=True)
class Bounds:
    south: float
    west: float
    north: float
    east: float

    def grown(self, factor: float) -> Bounds:
        """The same box, ``factor`` times as wide and high, around the same centre."""
        dy = (self.north - self.south) * (factor - 1) / 2
        dx = (self.east - self.west) * (factor - 1) / 2
        return Bounds(self.south - dy, self.west - dx, self.north + dy, self.east + dx)


def label_zoom(population: int | None) -> int:
    """The map zoom from which a commune of this population shows its name."""
    for at_least, zoom in _LABEL_ZOOMS:
        if (population or 0) >= at_least:
            return zoom
    return _LAST_ZOOM


def commune_layer(index: CommuneIndex, bounds: Bounds, max_communes: int = MAX_COMMUNES) -> dict:
    """GeoJSON FeatureCollection of the communes meeting ``bounds``: simplified outlines, and
    properties ``n`` (name), ``z`` (zoom from which the name shows, :func:`label_zoom`) and
    ``p`` ([lat, lon] where the name goes: the town hall, else a point inside).

    The ``max_communes`` most populated are kept. Outlines are simplified to about a
    500th of the box's height, so a wide view stays light and a close one stays accurate.
    """
    tolerance = float(np.clip((bounds.north - bounds.south) / 500, 0.0002, 0.01))
    found = index.shapes_in(bounds.south, bounds.west, bounds.north, bounds.east)
    ranked = sorted(found, key=lambda code: -(index.get(code).population or 0))[:max_communes]
    features = []
    for code in ranked:
        commune = index.get(code)
        point = commune.point
        parts = found[code]
        shape = parts[0] if len(parts) == 1 else shapely.union_all(parts)
        shape = shapely.simplify(shape, tolerance, preserve_topology=True)
        if point is None:
            inner = shapely.point_on_surface(shape)
            point = (inner.y, inner.x)
        shape = shapely.transform(shape, lambda xy: np.round(xy, 5))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "n": commune.name,
                    "z": label_zoom(commune.population),
                    "p": [round(point[0], 5), round(point[1], 5)],
                },
                "geometry": json.loads(shapely.to_geojson(shape)),
            }
        )
    return {"type": "FeatureCollection", "features": features}
