"""An AMAP network's list: distribution place, day and time, producers supplying it."""

from __future__ import annotations

from collections.abc import Iterator

from courtcircuit.record import Record
from etl.adapters.cells import parse_names
from etl.adapters.outlet_tables import outlet_record, outlet_rows
from etl.adapters.tables import RawRow
from etl.sources import SourceConfig

__all__ = ["rows", "to_record"]

COLUMNS = ("nom", "commune", "jour", "horaires", "producteurs")


def rows(source: SourceConfig) -> Iterator[RawRow]:
    return outlet_rows(source, COLUMNS)


def to_record(row: RawRow, source: SourceConfig) -> Record:
    rec = outlet_record(row, source, COLUMNS, kind="amap")
    get = row.data.get
    rec.channels = ["amap"]
    day, hours = get("jour") or "", get("horaires") or ""
    rec.opening_hours_text = f"{day} {hours}".strip() or None
    rec.outlets = parse_names(get("producteurs"), kind="producteur", days=rec.opening_hours_text)
    rec.email, rec.phone, rec.website = get("contact_email"), get("telephone"), get("site")
    return rec
