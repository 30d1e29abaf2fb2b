"""A territory's communes: départements and communes given by INSEE code (an EPCI or a Parc's
charter is already a list of communes, see ``courtcircuit.workspace.accounts.Territory``)."""

from __future__ import annotations

from collections.abc import Iterable

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


__all__ = ["CommuneNotFound", "communes_of", "departements"]
