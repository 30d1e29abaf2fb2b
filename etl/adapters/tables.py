"""Reading partners' tables (CSV in any usual encoding and separator, or XLSX) and their cells."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from courtcircuit.vocab import Vocabulary, fold
from etl.record import OutletRef, Record


class SourceFileError(ValueError):
    """A whole file cannot be read; the message says why in French."""


@dataclass
class RawRow:
    ref: str
    data: dict[str, Any]
    # Problems found while reading the row, before mapping (e.g. a value not understood).
    notes: list[tuple[str, str, str]] = field(default_factory=list)


def decode(raw: bytes) -> tuple[str, str]:
    """Text and encoding of a CSV file: UTF-8 (with or without BOM), else Windows-1252.

    Partners' exports from Excel are often Latin-1/CP1252; CP1252 decodes any byte
    except five, so a file that fails both is not text.
    """
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SourceFileError("encodage illisible")  # unreachable: latin-1 decodes every byte


def read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; header names kept as written."""
    if b"\x00" in path.read_bytes()[:4096]:
        raise SourceFileError(f"{path.name} n'est pas un fichier texte CSV")
    text, _ = decode(path.read_bytes())
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    if not reader.fieldnames:
        raise SourceFileError(f"{path.name} est vide ou n'a pas de ligne d'en-tête")
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # blank line
        clean = {
            k.strip(): (v or "").strip() for k, v in row.items() if isinstance(k, str) and isinstance(v, str)
        }
        yield reader.line_num, clean


def read_xlsx(path: Path, sheet: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises several unrelated types on a bad file
        raise SourceFileError(f"{path.name} n'est pas un classeur XLSX lisible : {err}") from err
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise SourceFileError(
                f"feuille « {sheet} » absente de {path.name} (feuilles : {book.sheetnames})"
            )
        rows = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise SourceFileError(f"{path.name} est vide")
        names = [str(h).strip() if h is not None else "" for h in header]
        for line, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            yield line, {n: _cell_text(v) for n, v in zip(names, values, strict=False) if n}
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path, sheet: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.exists():
        raise SourceFileError(f"fichier introuvable : {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    return read_csv(path)


def header_lookup(headers: list[str]) -> dict[str, str]:
    """Folded header → header as written, so mappings ignore case and accents."""
    return {fold(h): h for h in headers}


# --- cells -----------------------------------------------------------------------------

_TRUE = {"oui", "o", "yes", "y", "true", "vrai", "1", "x"}
_FALSE = {"non", "n", "no", "false", "faux", "0"}


def parse_bool(rec: Record, field_name: str, value: str | None) -> bool | None:
    if not value:
        return None
    folded = fold(value)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    rec.note(field_name, value, f"valeur oui/non non comprise : « {value} »")
    return None


def parse_float(rec: Record, field_name: str, value: str | None) -> float | None:
    if not value:
        return None
    text = re.sub(r"\s|km|kilom[eè]tres?", "", value, flags=re.IGNORECASE).replace(",", ".")
    try:
        return float(text)
    except ValueError:
        rec.note(field_name, value, f"nombre non compris : « {value} »")
        return None


def parse_date(rec: Record, field_name: str, value: str | None) -> date | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value.strip()[:10], fmt).date()
        except ValueError:
            continue
    rec.note(field_name, value, f"date non comprise : « {value} » (attendu JJ/MM/AAAA)")
    return None


def parse_codes(rec: Record, field_name: str, value: str | None, vocabulary: Vocabulary) -> list[str]:
    codes, unknown = vocabulary.parse_list(value)
    for item in unknown:
        rec.note(field_name, item, f"valeur inconnue du vocabulaire « {vocabulary.name} » : « {item} »")
    return codes


def parse_term(rec: Record, field_name: str, value: str | None, vocabulary: Vocabulary) -> str | None:
    """The code of one vocabulary value, or None with a note when not understood."""
    if not value:
        return None
    term = vocabulary.lookup(value)
    if term is None:
        rec.note(field_name, value, f"valeur inconnue du vocabulaire « {vocabulary.name} » : « {value} »")
        return None
    return term.code


def parse_names(value: str | None, kind: str | None = None, days: str | None = None) -> list[OutletRef]:
    return [OutletRef(name.strip(), kind, days) for name in re.split(r"[|\n]", value or "") if name.strip()]
