"""Geography, in one place: the Earth's radius, great-circle distance (in Python and in SQL),
the search circle and its bounding box, and the département of a commune.

Every distance in the directory (the ETL's duplicate radius, the resident's circle, the
supplier's delivery radius, the benchmarks' baselines) is this haversine on this sphere, so
that two parts of the code never disagree about whether a place is inside.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG): haversine's error stays under 0.5 %


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two (lat, lon) points in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def haversine_km_many(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """:func:`haversine_km` over arrays of points, pairwise."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def haversine_sql(lat: str = "lat", lon: str = "lon") -> str:
    """The same distance as a SQL expression, in km, from the columns ``lat``/``lon`` to a
    point given as three ``?`` parameters: its latitude, its latitude again, its longitude."""
    return (
        f"2 * {EARTH_RADIUS_KM} * asin(sqrt("
        f"pow(sin(radians({lat} - ?) / 2), 2) + "
        f"cos(radians(?)) * cos(radians({lat})) * pow(sin(radians({lon} - ?) / 2), 2)))"
    )


@dataclass(frozen=True)
class Area:
    """A search circle: a centre and a radius in km."""

    lat: float
    lon: float
    radius_km: float

    def __post_init__(self) -> None:
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValueError(f"position hors limites : {self.lat}, {self.lon}")
        if not self.radius_km > 0:
            raise ValueError(f"rayon invalide : {self.radius_km}")

    def bbox(self) -> tuple[float, float, float, float]:
        """(south, north, west, east) containing the circle, a little generous."""
        dlat = math.degrees(self.radius_km / EARTH_RADIUS_KM) * 1.001
        coslat = max(math.cos(math.radians(min(abs(self.lat) + dlat, 89.9))), 1e-6)
        dlon = min(dlat / coslat, 180.0)
        return self.lat - dlat, self.lat + dlat, self.lon - dlon, self.lon + dlon

    def bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]]: the bounding box as Leaflet takes it."""
        south, north, west, east = self.bbox()
        return [[south, west], [north, east]]

    def contains(self, lat: float, lon: float) -> bool:
        return haversine_km(self.lat, self.lon, lat, lon) <= self.radius_km


def departement_of(insee: str) -> str:
    """The département code of a commune's INSEE code: "63" for 63003, "2A" for 2A004, and
    three characters overseas ("974" for 97411), where two would name no département."""
    code = insee.strip().upper()
    return code[:3] if code.startswith(("97", "98")) else code[:2]


def departements_of(insee_codes: Iterable[str | None]) -> list[str]:
    """The distinct départements of these communes, sorted; empty or missing codes skipped."""
    return sorted({departement_of(c) for c in insee_codes if c and str(c).strip()})
