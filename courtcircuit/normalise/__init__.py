"""The normalisation steps, in the order they run.

Each step takes one record, fixes what it can (noting every dropped or corrected value
in `record.issues`) and raises `RejectRecord` when the record cannot become a listing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from courtcircuit.communes import CommuneIndex
from courtcircuit.messages import Message
from courtcircuit.normalise.contacts import (
    normalise_email,
    normalise_phone,
    normalise_siret,
    normalise_website,
)
from courtcircuit.normalise.coordinates import check_coordinates, lambert93_in_degrees, project_lambert93
from courtcircuit.normalise.hours import normalise_opening_hours
from courtcircuit.normalise.place import locate_commune
from courtcircuit.normalise.text import clean_text_fields, require_name
from courtcircuit.record import Record, RejectRecord
from courtcircuit.vocab import KINDS
from courtcircuit.vocab_match import match_value

Step = Callable[[Record], None]


_KIND_CODES = frozenset(KINDS.codes())  # `in KINDS` walks the terms: a set answers 10^6 records


def require_kind(rec: Record) -> None:
    if isinstance(rec.kind, str) and rec.kind in _KIND_CODES:
        return
    # Say what the value might mean, so the person fixing it (or the import wizard) can choose.
    found = match_value(rec.kind or "", KINDS, one_term=True)
    options = " ou ".join(f"« {KINDS.label(c)} » ({c})" for c in found.candidates[:3])
    if found.ambiguous:
        said = Message(
            "type de lieu inconnu : « {kind} » : peut être {options}, à préciser ([values.kind] de la "
            "correspondance)",
            kind=rec.kind,
            options=options,
        )
    elif options:
        said = Message(
            "type de lieu inconnu : « {kind} » (proche : {options})", kind=rec.kind, options=options
        )
    else:
        said = Message("type de lieu inconnu : « {kind} »", kind=rec.kind)
    raise RejectRecord(said, "kind")


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
        lambert93_in_degrees,
        check_coordinates,
        locate_commune(communes),
    ]


def normalise(rec: Record, steps: Sequence[Step]) -> Record:
    for step in steps:
        step(rec)
    return rec


def detached(err: BaseException) -> BaseException:
    """The exception without its traceback and chained exceptions, for keeping after the fact.

    A traceback holds its frames, and each frame its caller's, with their variables: a batch
    of rejected rows kept them all alive in a reference cycle (until a collection of the
    oldest generation, and none while a build has the collector paused)."""
    seen = err
    while seen is not None:
        following = seen.__cause__ or seen.__context__
        seen.__traceback__ = seen.__cause__ = seen.__context__ = None
        seen = following
    return err


def normalise_many(records: Sequence[Record], steps: Sequence[Step]) -> list[Record | Exception]:
    """Each record through the steps, as `normalise` would take it: the record, or the exception
    (`RejectRecord` or unforeseen) that stopped it, in the order given.

    Step by step over the batch rather than record by record, so that a step with a `prepare`
    hook (the commune lookup) answers the whole batch in one query before its per-record work.
    A record stopped by a step goes through no later step, as with `normalise`.
    """
    outcomes: list[Record | Exception] = list(records)
    alive = list(range(len(records)))
    for step in steps:
        prepare = getattr(step, "prepare", None)
        if prepare is not None:
            prepare([records[i] for i in alive])
        still = []
        for i in alive:
            try:
                step(records[i])
            except Exception as err:  # handed back to the caller, who reports it
                outcomes[i] = detached(err)
            else:
                still.append(i)
        alive = still
    return outcomes
