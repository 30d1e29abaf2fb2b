"""A markets list: days and hours as people write them, seasonal markets, producers present."""

from __future__ import annotations

from collections.abc import Iterator

from courtcircuit.normalise.hours_fr import UnparsedHours, parse_french_hours
from courtcircuit.record import Record
from etl.adapters.cells import parse_names
from etl.adapters.outlet_tables import outlet_record, outlet_rows
from etl.adapters.tables import RawRow
from etl.sources import SourceConfig

__all__ = ["rows", "to_record"]

COLUMNS = ("nom", "commune", "jours")


def rows(source: SourceConfig) -> Iterator[RawRow]:
    return outlet_rows(source, COLUMNS)


def to_record(row: RawRow, source: SourceConfig) -> Record:
    rec = outlet_record(row, source, COLUMNS, kind="marche")
    get = row.data.get
    rec.channels = ["marche"]
    days, season = get("jours") or "", get("saison") or ""
    rec.opening_hours_text = f"{days} ({season})" if season else days or None
    if days:
        try:
            parsed = parse_french_hours(days, season or None)
        except UnparsedHours:
            pass  # the hours step tries the text again and records why it failed
        else:
            rec.opening_hours = parsed.osm
            if parsed.assumed_times:
                rec.note("opening_hours", days, f"horaires sans heure : « {parsed.osm} » supposé")
    if get("type"):
        rec.description = f"Marché {get('type')}"
    rec.outlets = parse_names(get("producteurs"), kind="producteur", days=rec.opening_hours_text)
    return rec
