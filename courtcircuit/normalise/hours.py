"""Opening hours: OSM syntax validated with opening-hours-py, French free text translated."""

from __future__ import annotations

import functools
import re

import opening_hours

from courtcircuit.messages import Message
from courtcircuit.normalise.hours_fr import UnparsedHours, parse_french_hours
from courtcircuit.record import Record


def is_valid_osm_hours(expr: str) -> bool:
    # validate() answers False on a syntax error rather than raising.
    return bool(opening_hours.validate(expr))


# Frequent slips in OSM data that the syntax rejects but whose meaning is plain.
_REPAIRS = (
    (re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b"), lambda m: m.group(1)[:2]),
    (re.compile(r"\b(Mo|Tu|We|Th|Fr|Sa|Su) +\["), lambda m: m.group(1) + "["),
    (
        re.compile(r"(\d{1,2}):(\d{2}) ?- ?(\d{1,2}):(\d{2})"),
        lambda m: f"{int(m[1]):02d}:{m[2]}-{int(m[3]):02d}:{m[4]}",
    ),
)


def repair_osm_hours(expr: str) -> str | None:
    """A valid expression from one with well-known slips ("Thu 7:00-13:00"), or None."""
    fixed = expr
    for pattern, replacement in _REPAIRS:
        fixed = pattern.sub(replacement, fixed)
    return fixed if fixed != expr and is_valid_osm_hours(fixed) else None


@functools.lru_cache(maxsize=1 << 16)
def read_hours(raw: str) -> tuple[str | None, str | None]:
    """(the OSM expression of an opening-hours text or None, what to note about it or None).

    Cached: a national build has 10^6 hours cells but few distinct texts ("samedi 9h-12h30")."""
    if is_valid_osm_hours(raw):
        return raw, None
    repaired = repair_osm_hours(raw)
    if repaired is not None:
        return repaired, Message("horaires OSM corrigés : « {hours} »", hours=repaired)
    try:
        parsed = parse_french_hours(raw)
    except UnparsedHours as err:
        return None, Message("horaires non compris, gardés en texte : {why}", why=str(err))
    if parsed.assumed_times:
        return parsed.osm, Message("horaires sans heure : « {hours} » supposé", hours=parsed.osm)
    return parsed.osm, None


def normalise_opening_hours(rec: Record) -> None:
    """Keep a valid OSM expression; translate French text; keep the original text always."""
    raw = rec.opening_hours or rec.opening_hours_text
    if not raw:
        rec.opening_hours = None
        return
    rec.opening_hours_text = rec.opening_hours_text or raw
    rec.opening_hours, why = read_hours(raw) if isinstance(raw, str) else read_hours.__wrapped__(raw)
    if why is not None:
        rec.note("opening_hours", raw, why)
