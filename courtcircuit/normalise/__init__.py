"""The normalisation steps, in the order they run.

Each step takes one record, fixes what it can (noting every dropped or corrected value
in `record.issues`) and raises `RejectRecord` when the record cannot become a listing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from courtcircuit.communes import CommuneIndex
from courtcircuit.normalise.contacts import (
    normalise_email,
    normalise_phone,
    normalise_siret,
    normalise_website,
)
from courtcircuit.normalise.coordinates import check_coordinates, project_lambert93
from courtcircuit.normalise.hours import normalise_opening_hours
from courtcircuit.normalise.place import locate_commune
from courtcircuit.normalise.text import clean_text_fields, require_name
from courtcircuit.record import Record, RejectRecord
from courtcircuit.vocab import KINDS

Step = Callable[[Record], None]


def require_kind(rec: Record) -> None:
    if rec.kind not in KINDS:
        raise RejectRecord(f"type de lieu inconnu : « {rec.kind} »", "kind")


def build_steps(communes: CommuneIndex) -> list[Step]:
    return [
        clean_text_fields,
        require_name,
        require_kind,
        normalise_phone,
        normalise_email,
        normalise_website,
        normalise_siret,
        normalise_opening_hours,
        project_lambert93,
        check_coordinates,
        locate_commune(communes),
    ]


def normalise(rec: Record, steps: Sequence[Step]) -> Record:
    for step in steps:
        step(rec)
    return rec
