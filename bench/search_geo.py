"""bench.search's baseline B: geopandas' ``distance(point) <= r`` in Lambert-93 (EPSG:2154),
and how its circles differ from the great-circle ones of the search (they must only differ
near the edge, within the projection's scale error)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from courtcircuit.geo import haversine_km_many
from courtcircuit.search import Area

# Lambert-93 vs great-circle distances: the projection's scale error over mainland France (-0.1 % at
# 46.5°N to +0.3 % at 41.4°N) plus the GRS80 ellipsoid vs haversine's sphere: together -0.13 % to +0.55 %
# (measured with pyproj over France, 50 km in every direction).
BOUNDARY_TOLERANCE = 0.006  # of the radius


class GeoBaseline:
    """All active listings as a GeoSeries in Lambert-93, projected once (outside any timing)."""

    def __init__(self, ids: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> None:
        import geopandas
        import pyproj

        start = time.perf_counter()
        self.ids = ids
        points = geopandas.points_from_xy(lon, lat, crs="EPSG:4326")
        self.series = geopandas.GeoSeries(points).to_crs("EPSG:2154")
        self.to_l93 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
        self.setup_seconds = time.perf_counter() - start

    def query(self, area: Area) -> np.ndarray:
        import shapely

        x, y = self.to_l93.transform(area.lon, area.lat)
        inside = self.series.distance(shapely.Point(x, y)).to_numpy() <= area.radius_km * 1000.0
        return self.ids[inside]


@dataclass
class GeoCheck:
    queries: int = 0
    disagreements: int = 0
    queries_with: int = 0
    max_edge_m: float = 0.0  # farthest disagreement from the circle's edge (great-circle)
    max_edge_share: float = 0.0  # same, as a share of the radius
    beyond_tolerance: int = 0


def check_geopandas(
    geo: list[np.ndarray], exact: list[np.ndarray], areas: list[Area], where: pd.DataFrame, check: GeoCheck
) -> None:
    """Disagreements between Lambert-93 and great-circle circles, and how far from the edge they lie."""
    for found, truth, area in zip(geo, exact, areas, strict=False):
        odd = np.setxor1d(found, truth)
        check.queries += 1
        if not len(odd):
            continue
        lat, lon = where.loc[odd, "lat"].to_numpy(), where.loc[odd, "lon"].to_numpy()
        edge = np.abs(
            haversine_km_many(lat, lon, np.full_like(lat, area.lat), np.full_like(lon, area.lon))
            - area.radius_km
        )
        check.disagreements += len(odd)
        check.queries_with += 1
        check.max_edge_m = max(check.max_edge_m, float(edge.max()) * 1000)
        check.max_edge_share = max(check.max_edge_share, float(edge.max()) / area.radius_km)
        check.beyond_tolerance += int((edge > BOUNDARY_TOLERANCE * area.radius_km).sum())
