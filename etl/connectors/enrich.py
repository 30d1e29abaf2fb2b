"""What the build adds to a source's records from the saved answers of its live checks: a
position for an address (geocode = true), a flag on a closed business (check_siret = true)."""

from __future__ import annotations

from collections.abc import Callable

from courtcircuit.record import Record
from etl.connectors.geocoding import geocoder
from etl.connectors.sirene import closure_flagger
from etl.sources import SourceConfig

Enrich = Callable[[Record], Record]


def enrichment(source: SourceConfig) -> Enrich:
    """One function applied to each record before normalisation (identity for most sources)."""
    steps: list[Enrich] = []
    if source.geocode:
        steps.append(geocoder(source))
    if source.check_siret:
        steps.append(closure_flagger(source))

    def apply(rec: Record) -> Record:
        for step in steps:
            rec = step(rec)
        return rec

    return apply
