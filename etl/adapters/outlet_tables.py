"""What the AMAP and markets lists share: fixed French headers, one outlet per row."""

from __future__ import annotations

from collections.abc import Iterator

from courtcircuit.vocab import PRODUCTS
from etl.adapters.tables import RawRow, parse_codes, parse_float, read_table
from etl.record import Record, RejectRecord
from etl.sources import SourceConfig, record_of


def rows(source: SourceConfig) -> Iterator[RawRow]:
    """Rows keyed by the list's own `ref` column, else by line number."""
    for line, data in read_table(source.path):
        yield RawRow(ref=data.get("ref") or f"ligne {line}", data=data)


def outlet_record(row: RawRow, source: SourceConfig, required: tuple[str, ...], kind: str) -> Record:
    missing = [c for c in required if c not in row.data]
    if missing:
        raise RejectRecord(f"colonne(s) absente(s) du fichier : {', '.join(missing)}")
    get = row.data.get
    rec = record_of(
        source,
        row.ref,
        kind=kind,
        name=get("nom") or None,
        street=get("adresse") or None,
        postcode=get("code_postal") or None,
        city=get("commune") or None,
    )
    rec.lat = parse_float(rec, "lat", get("latitude"))
    rec.lon = parse_float(rec, "lon", get("longitude"))
    rec.products = parse_codes(rec, "products", get("produits"), PRODUCTS)
    return rec
