"""The territory's map for the printed directory, drawn as SVG with no network: the communes'
outlines from the offline commune index, and a numbered marker per listing. No tiles, no
colour: black lines and white markers with black numbers print the same in black and white.

Only coordinates and listing numbers go into the SVG; no text from the data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
import shapely

from courtcircuit.communes import CommuneIndex

WIDTH = 1000.0  # SVG units; the page scales it to the text width
MAX_HEIGHT = 1250.0  # A4's text area is about 1:1.4


def commune_polygons(index: CommuneIndex, insee_codes: Iterable[str]) -> list[shapely.Geometry]:
    """The communes' polygons (WGS 84), those without a polygon left out."""
    wanted = set(insee_codes)
    _, polygons, codes = index._geometry  # the index's decoded polygons, shared with `containing`
    return [polygons[i] for i, code in enumerate(codes) if code in wanted]


def _path(shape: shapely.Geometry, project: Callable[[np.ndarray], np.ndarray]) -> str:
    parts = []
    for polygon in getattr(shape, "geoms", [shape]):
        if polygon.is_empty or not hasattr(polygon, "exterior"):
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            xy = project(np.asarray(ring.coords))
            parts.append("M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in xy) + " Z")
    return " ".join(parts)


def territory_svg(polygons: list[shapely.Geometry], points: list[tuple[int, float, float]]) -> str:
    """SVG of the communes and the numbered points ((number, lat, lon)), north up."""
    located = [(n, lat, lon) for n, lat, lon in points if lat is not None and lon is not None]
    if polygons:
        west, south, east, north = shapely.total_bounds(polygons)
    elif located:
        lats, lons = [p[1] for p in located], [p[2] for p in located]
        west, south, east, north = min(lons), min(lats), max(lons), max(lats)
    else:
        return ""
    squeeze = math.cos(math.radians((south + north) / 2))  # a degree of longitude is shorter
    span_x, span_y = max((east - west) * squeeze, 1e-3), max(north - south, 1e-3)
    scale = min(WIDTH / span_x, MAX_HEIGHT / span_y) * 0.96
    height = span_y * scale / 0.96
    pad_x, pad_y = (WIDTH - span_x * scale) / 2, (height - span_y * scale) / 2

    def project(lonlat: np.ndarray) -> np.ndarray:
        x = pad_x + (lonlat[:, 0] - west) * squeeze * scale
        y = pad_y + (north - lonlat[:, 1]) * scale
        return np.column_stack([x, y])

    tolerance = (north - south) / 800  # about a point at print size
    communes = " ".join(_path(shapely.simplify(p, tolerance), project) for p in polygons)
    outline = (
        shapely.coverage_union_all(polygons) if len(polygons) > 1 else (polygons[0] if polygons else None)
    )
    # as large as a dense map allows: about 2 mm across on paper, numbers of about 5 pt
    radius = 13.0 if len(located) <= 60 else 10.5 if len(located) <= 200 else 9.0
    markers = []
    for number, lat, lon in located:
        ((x, y),) = project(np.array([[lon, lat]]))
        size = radius * (1.0 if number < 100 else 1.25)
        font = size * (1.15 if number < 10 else 0.95 if number < 100 else 0.75)
        markers.append(
            f'<g><circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}"/>'
            f'<text x="{x:.1f}" y="{y + font * 0.36:.1f}" font-size="{font:.1f}">{number}</text></g>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {height:.0f}" '
        'role="img" aria-label="Carte du territoire et des lieux numérotés">'
        f'<path d="{communes}" fill="none" stroke="#888" stroke-width="0.8"/>'
        + (f'<path d="{_path(shapely.simplify(outline, tolerance), project)}" fill="none" stroke="#000" '
           'stroke-width="2.2"/>' if outline is not None else "")
        + '<g fill="#fff" stroke="#000" stroke-width="1.4" font-family="DejaVu Sans, sans-serif" '
        'text-anchor="middle" font-weight="bold">'
        + "".join(markers).replace("<text ", '<text fill="#000" stroke="none" ')
        + "</g></svg>"
    )  # fmt: skip
