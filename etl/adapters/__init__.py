"""Source adapters: each only maps one format's rows to canonical records.

An adapter module exposes `rows(source) -> Iterator[RawRow]` (reading the file) and
`to_record(row, source) -> Record` (mapping one row; raises RejectRecord when the row
cannot be read as a listing).  Validation and clean-up belong to `courtcircuit.normalise`.
"""

from __future__ import annotations

from types import ModuleType

from etl.adapters import agencebio, amap_table, gogocarto, markets_table, osm_overpass, producers_table

ADAPTERS: dict[str, ModuleType] = {
    "osm-overpass": osm_overpass,
    "producers-table": producers_table,
    "amap-table": amap_table,
    "markets-table": markets_table,
    "gogocarto": gogocarto,
    "agencebio": agencebio,
}
