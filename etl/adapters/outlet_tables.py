"""What the AMAP and markets lists share: fixed French headers, one outlet per row."""

from __future__ import annotations

from collections.abc import Iterator

from courtcircuit.record import Record, RejectRecord
from courtcircuit.vocab import PRODUCTS
from etl.adapters.cells import parse_codes, parse_float
from etl.adapters.tables import RawRow, SourceFileError, read_table
from etl.sources import SourceConfig, record_of


def outlet_rows(source: SourceConfig, required: tuple[str, ...]) -> Iterator[RawRow]:
    """Rows keyed by the list's own `ref` column, else by line number.

    A file without one of the list's fixed columns is refused whole, before any row: each row
    rejected for the same reason would hide that it is the file that is wrong.
    """
    for i, row in enumerate(read_table(source.path)):
        if i == 0:
            missing = [c for c in required if c not in row.data]
            if missing:
                raise SourceFileError(
                    f"{source.path.name} : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)} "
                    f"(en-tête lu : {', '.join(list(row.data)[:20])})"
                )
        if row.data.get("ref"):
            row.ref = row.data["ref"][:100]
        yield row


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
