"""The Overpass query of a territory's local food places, for the osm-overpass format.

The territory is the sources file's `territory`: départements (OSM admin_level 6), communes
(admin_level 8), both matched on `ref:INSEE`, or EPCI (SIREN) expanded to their member communes
by the commune index. What is asked is what etl/adapters/osm_overpass.py keeps, so a live
answer and a saved one go through the same reader.
"""

from __future__ import annotations

import re

from courtcircuit.communes import CommuneIndex, CommuneNotFound
from etl.adapters.osm_overpass import FOOD_VENDING, OSM_PRODUCTS
from etl.connectors.settings import SourcesFileError

OVERPASS_URL = "https://overpass-api.de/api/interpreter"
TIMEOUT_S = 180  # Overpass's own time limit for the query, in seconds
_DEPARTEMENT = re.compile(r"^(\d{2}|2[AB]|97\d)$")
_COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_EPCI = re.compile(r"^\d{9}$")


def territory_codes(territory: str, communes: CommuneIndex | None = None) -> tuple[list[str], list[str]]:
    """(départements, communes) of a territory text such as "63, 42" or "63003 200070761"."""
    departements: list[str] = []
    found: list[str] = []
    for code in (c.strip().upper() for c in re.split(r"[\s,;]+", territory) if c.strip()):
        if _DEPARTEMENT.match(code):
            departements.append(code)
        elif _COMMUNE.match(code):
            found.append(code)
        elif _EPCI.match(code):
            try:
                found += (communes or CommuneIndex.load()).epci(code)[1]
            except CommuneNotFound as err:
                raise SourcesFileError(f"territoire : EPCI inconnu « {code} »") from err
        else:
            raise SourcesFileError(
                f"territoire : « {code} » n'est ni un département, ni une commune, ni un EPCI"
            )
    return list(dict.fromkeys(departements)), list(dict.fromkeys(found))


def _vending_pattern() -> str:
    """Regex on `vending`, a list separated by `;` ("milk;eggs"): one food value anywhere."""
    values = sorted(FOOD_VENDING | set(OSM_PRODUCTS))
    alternatives = "|".join(re.escape(v).replace("\\ ", " ") for v in values)
    return f"(^|;) *({alternatives}) *(;|$)"


def territory_query(territory: str, communes: CommuneIndex | None = None) -> str:
    """The Overpass QL asking for the territory's farm shops, markets, food vending machines,
    beekeepers, greengrocers and cheese shops, with a centre for ways and relations."""
    departements, commune_codes = territory_codes(territory, communes)
    if not departements and not commune_codes:
        raise SourcesFileError("territoire vide : indiquer au moins un département ou une commune")
    # One area line per level, the codes as one anchored alternation: an EPCI of 90 communes
    # stays a short query.
    areas = [
        f'  area["boundary"="administrative"]["admin_level"="{level}"]["ref:INSEE"~"^({"|".join(codes)})$"];'
        for level, codes in (("6", departements), ("8", commune_codes))
        if codes
    ]
    selectors = (
        '["shop"="farm"]',
        '["amenity"="marketplace"]',
        f'["amenity"="vending_machine"]["vending"~"{_vending_pattern()}"]',
        '["craft"="beekeeper"]',
        '["shop"="greengrocer"]',
        '["shop"="cheese"]',
    )
    wanted = "\n".join(f"  nwr{s}(area.territoire);" for s in selectors)
    return (
        f"[out:json][timeout:{TIMEOUT_S}];\n(\n" + "\n".join(areas) + "\n)->.territoire;\n"
        f"(\n{wanted}\n);\nout center tags;\n"
    )
