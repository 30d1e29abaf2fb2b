"""Commune resolution both ways, and offline geocoding to the town hall.

Coordinates → the commune whose boundary holds them (most OSM elements carry no
address); postcode + name → INSEE code.  A record with no usable coordinates is
placed at its commune's town hall with precision "commune"; with no commune either,
it is rejected: never guessed, never put at 0,0.
"""

from __future__ import annotations

from collections.abc import Callable

from courtcircuit.communes import AmbiguousCommune, Commune, CommuneIndex, CommuneNotFound
from courtcircuit.record import Record, RejectRecord


def _address_commune(rec: Record, communes: CommuneIndex) -> tuple[Commune | None, str | None]:
    """The commune the record's address names, or the reason it names none."""
    if rec.commune_insee:
        try:
            return communes.get(rec.commune_insee.strip()), None
        except CommuneNotFound:
            rec.note("commune_insee", rec.commune_insee, f"code INSEE inconnu : « {rec.commune_insee} »")
    if not (rec.postcode or rec.city):
        return None, "ni coordonnées ni commune"
    try:
        return communes.resolve(rec.postcode, rec.city), None
    except (CommuneNotFound, AmbiguousCommune) as err:
        return None, str(err)


def locate_commune(communes: CommuneIndex) -> Callable[[Record], None]:
    def step(rec: Record) -> None:
        address_commune, why_not = _address_commune(rec, communes)
        if rec.lat is not None and rec.lon is not None:
            found = communes.containing(rec.lat, rec.lon)
            if found is None:
                rec.note(
                    "coordinates",
                    f"{rec.lat}, {rec.lon}",
                    "point en mer ou hors de France (aucune commune ne le contient) : coordonnées ignorées",
                )
                rec.lat = rec.lon = None
            else:
                if address_commune is not None and address_commune.insee != found.insee:
                    rec.note(
                        "commune_insee",
                        address_commune.insee,
                        f"l'adresse indique {address_commune.name} mais le point est à {found.name} : "
                        "la position est retenue",
                    )
                rec.commune_insee = found.insee
                rec.city = rec.city or found.name
                rec.geo_precision = rec.geo_precision or "exact"
                return
        if address_commune is None:
            raise RejectRecord(f"lieu introuvable : {why_not}", "commune")
        point = address_commune.point
        if point is None:
            raise RejectRecord(f"la commune {address_commune.name} n'a pas de position connue", "commune")
        rec.commune_insee = address_commune.insee
        rec.city = address_commune.name
        rec.lat, rec.lon = point
        rec.geo_precision = "commune"

    step.__name__ = "locate_commune"
    return step
