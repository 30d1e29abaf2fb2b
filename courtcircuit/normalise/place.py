"""Commune resolution both ways, and offline geocoding to the town hall.

Coordinates → the commune whose boundary holds them (most OSM elements carry no
address); postcode + name → INSEE code.  A record with no usable coordinates is
placed at its commune's town hall with precision "commune"; with no commune either,
it is rejected: never guessed, never put at 0,0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from courtcircuit.communes import AmbiguousCommune, Commune, CommuneIndex, CommuneNotFound
from courtcircuit.messages import Message
from courtcircuit.record import Record, RejectRecord


def _address_commune(rec: Record, communes: CommuneIndex) -> tuple[Commune | None, str | None]:
    """The commune the record's address names, or the reason it names none."""
    if rec.commune_insee:
        try:
            return communes.get(rec.commune_insee.strip()), None
        except CommuneNotFound:
            rec.note(
                "commune_insee",
                rec.commune_insee,
                Message("code INSEE inconnu : « {code} »", code=rec.commune_insee),
            )
    if not (rec.postcode or rec.city):
        return None, Message("ni coordonnées ni commune")
    try:
        return communes.resolve(rec.postcode, rec.city), None
    except (CommuneNotFound, AmbiguousCommune) as err:
        return None, str(err)


class _LocateCommune:
    """The step placing a record in its commune; `prepare` finds the communes of a whole batch
    of points in one query (`normalise_many`), as one lookup per record was most of its cost."""

    __name__ = "locate_commune"

    def __init__(self, communes: CommuneIndex) -> None:
        self.communes = communes
        self._found: dict[tuple[float, float], str | None] = {}  # (lat, lon) → INSEE code

    def prepare(self, records: Sequence[Record]) -> None:
        points = list(
            dict.fromkeys((r.lat, r.lon) for r in records if r.lat is not None and r.lon is not None)
        )
        codes = (
            self.communes.containing_many([p[0] for p in points], [p[1] for p in points]) if points else []
        )
        self._found = dict(zip(points, codes, strict=True))

    def _containing(self, lat: float, lon: float) -> Commune | None:
        point = (lat, lon)
        if point not in self._found:
            return self.communes.containing(lat, lon)
        code = self._found[point]
        return None if code is None else self.communes.get(code)

    def __call__(self, rec: Record) -> None:
        address_commune, why_not = _address_commune(rec, self.communes)
        if rec.lat is not None and rec.lon is not None:
            found = self._containing(rec.lat, rec.lon)
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
                        Message(
                            "l'adresse indique {address} mais le point est à {point} : la position est retenue",
                            address=address_commune.name,
                            point=found.name,
                        ),
                    )
                rec.commune_insee = found.insee
                rec.city = rec.city or found.name
                rec.geo_precision = rec.geo_precision or "exact"
                return
        if address_commune is None:
            raise RejectRecord(Message("lieu introuvable : {why}", why=why_not), "commune")
        point = address_commune.point
        if point is None:
            raise RejectRecord(
                Message("la commune {name} n'a pas de position connue", name=address_commune.name), "commune"
            )
        rec.commune_insee = address_commune.insee
        rec.city = address_commune.name
        rec.lat, rec.lon = point
        rec.geo_precision = "commune"


def locate_commune(communes: CommuneIndex) -> Callable[[Record], None]:
    """The step: coordinates → their commune; else the address's commune and its town hall."""
    return _LocateCommune(communes)
