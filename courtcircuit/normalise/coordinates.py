"""Coordinates: Lambert-93 to WGS84 (also when typed into lat/lon), swapped lat/lon, points far
outside France.

The precise test (a point at sea or abroad, just off the coast) is the commune lookup
in `place.py`; here we only catch what a bounding box can tell.
"""

from __future__ import annotations

import math
from functools import cache

from pyproj import Transformer

from courtcircuit.messages import Message
from courtcircuit.record import Record

# (min_lat, max_lat, min_lon, max_lon): metropolitan France with Corsica, then the DROM.
FRANCE_BOXES: tuple[tuple[float, float, float, float], ...] = (
    (41.3, 51.15, -5.25, 9.65),
    (15.8, 16.55, -61.85, -60.95),  # Guadeloupe
    (14.35, 14.9, -61.25, -60.8),  # Martinique
    (2.1, 5.8, -54.65, -51.6),  # Guyane
    (-21.4, -20.85, 55.2, 55.85),  # La Réunion
    (-13.05, -12.6, 44.95, 45.35),  # Mayotte
)
# Lambert-93 covers metropolitan France only.
L93_X = (50_000.0, 1_300_000.0)
L93_Y = (6_000_000.0, 7_200_000.0)


def in_france_box(lat: float, lon: float) -> bool:
    return any(a <= lat <= b and c <= lon <= d for a, b, c, d in FRANCE_BOXES)


@cache
def _l93_to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)


def lambert93_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(lat, lon) of a Lambert-93 point."""
    lon, lat = _l93_to_wgs84().transform(x, y)
    return lat, lon


def project_lambert93(rec: Record) -> None:
    if rec.x_l93 is None or rec.y_l93 is None:
        return
    x, y = rec.x_l93, rec.y_l93
    rec.x_l93 = rec.y_l93 = None
    if rec.lat is not None and rec.lon is not None:
        return  # WGS84 given too: it wins, it is what the source was geocoded in
    if not _in_lambert93(x, y):
        if _in_lambert93(y, x):
            rec.note("coordinates", f"{x}, {y}", "X et Y Lambert-93 inversés : corrigés")
            x, y = y, x
        else:
            rec.note(
                "coordinates",
                f"{x}, {y}",
                Message("coordonnées Lambert-93 hors de France : X={x}, Y={y}", x=x, y=y),
            )
            return
    rec.lat, rec.lon = lambert93_to_wgs84(x, y)


def _in_lambert93(x: float, y: float) -> bool:
    return L93_X[0] <= x <= L93_X[1] and L93_Y[0] <= y <= L93_Y[1]


def lambert93_in_degrees(rec: Record) -> None:
    """Lambert-93 metres typed into the latitude/longitude columns, in either order, converted.

    A spreadsheet that mixes both systems is common (one column pasted from a GIS export); the
    values cannot be degrees (beyond 360), and X and Y ranges do not overlap, so the order is
    never a guess.
    """
    if rec.lat is None or rec.lon is None:
        return
    lat, lon = rec.lat, rec.lon
    if not (math.isfinite(lat) and math.isfinite(lon)) or max(abs(lat), abs(lon)) <= 360:
        return
    for x, y in ((lon, lat), (lat, lon)):
        if _in_lambert93(x, y):
            rec.lat, rec.lon = lambert93_to_wgs84(x, y)
            rec.note(
                "coordinates",
                f"{lat}, {lon}",
                Message(
                    "coordonnées Lambert-93 en mètres (X={x}, Y={y}) dans les colonnes latitude/longitude : "
                    "converties en degrés ({lat}, {lon})",
                    x=format(x, ".0f"),
                    y=format(y, ".0f"),
                    lat=format(rec.lat, ".6f"),
                    lon=format(rec.lon, ".6f"),
                ),
            )
            return


def check_coordinates(rec: Record) -> None:
    if rec.lat is None or rec.lon is None:
        rec.lat = rec.lon = None
        return
    lat, lon = rec.lat, rec.lon
    if not (math.isfinite(lat) and math.isfinite(lon)):
        rec.lat = rec.lon = None
        rec.note(
            "coordinates",
            f"{lat}, {lon}",
            "coordonnées qui ne sont pas des nombres finis (NaN, infini) : ignorées",
        )
        return
    if lat == 0 and lon == 0:
        rec.lat = rec.lon = None
        rec.note("coordinates", f"{lat}, {lon}", "coordonnées nulles (0, 0) : ignorées")
        return
    if in_france_box(lat, lon):
        return
    if in_france_box(lon, lat):
        rec.lat, rec.lon = lon, lat
        rec.note("coordinates", f"{lat}, {lon}", "latitude et longitude inversées : corrigées")
        return
    rec.lat = rec.lon = None
    rec.note(
        "coordinates",
        f"{lat}, {lon}",
        Message(
            "point hors de France ({lat}, {lon}) : coordonnées ignorées",
            lat=format(lat, ".6g"),
            lon=format(lon, ".6g"),
        ),
    )
