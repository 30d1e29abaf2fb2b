"""A territory's communes: départements and communes given by INSEE code (an EPCI or a Parc's
charter is already a list of communes, see ``courtcircuit.workspace.accounts.Territory``)."""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np
import shapely

from courtcircuit.communes.index import CommuneIndex
from courtcircuit.communes.model import Commune, CommuneNotFound


def communes_of(index: CommuneIndex, codes: Iterable[str]) -> list[Commune]:
    """Every current commune of the départements and communes named, once each, by INSEE code;
    an unknown code raises CommuneNotFound with it."""
    found: dict[str, Commune] = {}
    for raw in codes:
        code = raw.strip().upper()
        members = index._t.by_departement.get(code)
        if members is not None:
            found |= {insee: index.get(insee) for insee in members}
        else:
            commune = index.get(code)  # raises CommuneNotFound, naming the code
            found[commune.insee] = commune
    return [found[insee] for insee in sorted(found)]


def departements(index: CommuneIndex) -> dict[str, str]:
    """Département code → name, in code order."""
    names = index._t.departement_names
    return {code: names[code] for code in sorted(names)}


def commune_shapes(index: CommuneIndex, insee_codes: Iterable[str], tolerance: float = 0.002) -> dict:
    """GeoJSON FeatureCollection of the communes' simplified outlines (WGS84), ``insee`` and
    ``nom`` in each feature's properties; communes without a polygon are left out."""
    wanted = set(insee_codes)
    _, polygons, codes = index._geometry
    features = []
    for i, code in enumerate(codes):
        if code not in wanted:
            continue
        shape = shapely.transform(shapely.simplify(polygons[i], tolerance), lambda xy: np.round(xy, 5))
        features.append(
            {
                "type": "Feature",
                "properties": {"insee": code, "nom": index.get(code).name},
                "geometry": json.loads(shapely.to_geojson(shape)),
            }
        )
    return {"type": "FeatureCollection", "features": features}


__all__ = ["CommuneNotFound", "commune_shapes", "communes_of", "departements"]
