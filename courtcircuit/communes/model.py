"""What the commune index holds: communes, its lookup tables and polygons, and its errors."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postcodes: tuple[str, ...]
    departement: str
    population: int | None
    townhall_lat: float | None
    townhall_lon: float | None
    # A point inside the boundary, for the ~50 communes whose town hall is not located.
    rep_lat: float | None = None
    rep_lon: float | None = None

    @property
    def point(self) -> tuple[float, float] | None:
        """(lat, lon) of the town hall, else of a point inside the commune."""
        if self.townhall_lat is not None and self.townhall_lon is not None:
            return (self.townhall_lat, self.townhall_lon)
        if self.rep_lat is not None and self.rep_lon is not None:
            return (self.rep_lat, self.rep_lon)
        return None


class CommuneNotFound(LookupError):
    pass


class AmbiguousCommune(LookupError):
    def __init__(self, query: str, candidates: list[Commune]) -> None:
        self.candidates = sorted(candidates, key=lambda c: -(c.population or 0))
        listed = ", ".join(f"{c.name} ({c.insee})" for c in self.candidates[:8])
        more = f" et {len(self.candidates) - 8} autres" if len(self.candidates) > 8 else ""
        super().__init__(f"commune ambiguë : {query} correspond à {listed}{more}")


@dataclass
class Tables:
    communes: dict[str, Commune]  # current communes (COM + ARM) by INSEE code
    names: dict[str, tuple[str, ...]]  # exact normalised name -> codes
    loose: dict[str, tuple[str, ...]]  # same without articles
    former: dict[str, tuple[str, ...]]  # COMD/COMA name without articles -> current parent codes
    former_codes: dict[str, str]  # COMD/COMA code -> current parent code
    arrondissements: dict[str, tuple[str, ...]]  # 75056 -> (75101, ...)
    by_postcode: dict[str, tuple[str, ...]]
    by_departement: dict[str, frozenset[str]]
    departement_names: dict[str, str]
    keys: dict[str, str]  # code -> normalised name, for suggest and fuzzy matching
    # EPCI (intercommunalités) by SIREN: (name, member communes' INSEE codes).
    epci: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


@dataclass
class Shapes:
    codes: list[str]  # the commune each polygon belongs to; polygons do not overlap
    wkb: list[bytes]
