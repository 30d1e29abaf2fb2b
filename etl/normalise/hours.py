"""Opening hours: OSM syntax validated with opening-hours-py, French free text translated."""

from __future__ import annotations

import opening_hours

from etl.normalise.hours_fr import UnparsedHours, parse_french_hours
from etl.record import Record


def is_valid_osm_hours(expr: str) -> bool:
    # validate() answers False on a syntax error rather than raising.
    return bool(opening_hours.validate(expr))


def normalise_opening_hours(rec: Record) -> None:
    """Keep a valid OSM expression; translate French text; keep the original text always."""
    raw = rec.opening_hours or rec.opening_hours_text
    if not raw:
        rec.opening_hours = None
        return
    rec.opening_hours_text = rec.opening_hours_text or raw
    if is_valid_osm_hours(raw):
        rec.opening_hours = raw
        return
    try:
        parsed = parse_french_hours(raw)
    except UnparsedHours as err:
        rec.opening_hours = None
        rec.note("opening_hours", raw, f"horaires non compris, gardés en texte : {err}")
        return
    rec.opening_hours = parsed.osm
    if parsed.assumed_times:
        rec.note("opening_hours", raw, f"horaires sans heure : « {parsed.osm} » supposé")
