"""Reading partners' tables (CSV in any usual encoding and separator, or XLSX); their cells are
parsed by etl/adapters/cells.py.

Every row of a file is read or reported: a row the reader cannot take as it is comes out with
a `problem` (the build rejects it with that reason), never silently merged into another.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from courtcircuit.vocab import fold
from etl.limits import ReaderLimits, check_readable_file, limits, megabytes, read_bytes_limited
from etl.record import SourceFileError

__all__ = ["RawRow", "SourceFileError", "decode", "read_csv", "read_table", "read_xlsx"]


@dataclass
class RawRow:
    ref: str
    data: dict[str, Any]
    # Problems found while reading the row, before mapping: (field, value, reason).
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    # Notes about the whole file (value, reason), carried by the first row read.
    file_notes: list[tuple[str, str]] = field(default_factory=list)
    # Where the row is, for messages ("ligne 7", "élément n° 3").
    where: str = ""
    # Set when the reader could not read the row as written: the build rejects it with this reason.
    problem: str | None = None


def decode(raw: bytes) -> tuple[str, str]:
    """Text and encoding of a CSV file: UTF-16 with BOM, UTF-8 (with or without BOM), else Windows-1252.

    Partners' exports from Excel are often Latin-1/CP1252 ("Unicode text" ones UTF-16); CP1252
    decodes any byte except five, so a file that fails both is read as Latin-1.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise SourceFileError(f"texte UTF-16 illisible : {err.reason}") from err
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SourceFileError("encodage illisible")  # unreachable: latin-1 decodes every byte


def decode_lines(raw: bytes) -> tuple[str, str, set[int]]:
    """(text, encoding, numbers of the lines decoded apart) of a CSV file.

    One row pasted from a Windows-1252 file into a UTF-8 one must not turn the whole file
    into CP1252 ("GenÃªts"): when some lines are valid UTF-8 beyond ASCII, each line is
    decoded on its own and the odd ones are reported.
    """
    text, encoding = decode(raw)
    if encoding != "cp1252":
        return text, encoding, set()
    lines = raw.split(b"\n")
    utf8_lines = 0
    for line in lines:
        if not line.isascii():
            try:
                line.decode("utf-8")
                utf8_lines += 1
            except UnicodeDecodeError:
                pass
    if utf8_lines == 0:
        return text, encoding, set()
    odd: set[int] = set()
    parts = []
    for number, line in enumerate(lines, start=1):
        try:
            parts.append(line.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            odd.add(number)
            parts.append(line.decode("cp1252", errors="replace"))
    return "\n".join(parts), "utf-8", odd


class Header:
    """A table's header row: names as written, and what to do with a name given twice."""

    def __init__(self, names: list[str], file_name: str, lim: ReaderLimits) -> None:
        if len(names) > lim.max_columns:
            raise SourceFileError(
                f"{file_name} a {len(names)} colonnes, au-delà de la limite de {lim.max_columns} "
                "(variable COURT_CIRCUIT_MAX_COLUMNS)"
            )
        self.names = names
        self.first: dict[str, int] = {}  # folded name → first column holding it
        self.duplicates: dict[int, list[int]] = {}  # first column → every column with that name
        for i, name in enumerate(names):
            if not name:
                continue
            key = fold(name)
            if key in self.first:
                self.duplicates.setdefault(self.first[key], [self.first[key]]).append(i)
            else:
                self.first[key] = i
        self.notes = [
            (
                names[first],
                f"colonne « {names[first]} » en double (colonnes "
                f"{', '.join(str(c + 1) for c in cols)}) : pour chaque ligne, la première valeur "
                "non vide est prise ; supprimer ou renommer les autres",
            )
            for first, cols in self.duplicates.items()
        ]

    def row(self, values: list[str]) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
        """The row keyed by header, and notes on values the header could not place."""
        if not self.duplicates and len(values) == len(self.names):
            # The usual row: one value per column, no name twice (a third of reading a CSV).
            return {self.names[i]: values[i] for i in self.first.values()}, []
        data: dict[str, str] = {}
        notes: list[tuple[str, str, str]] = []
        for i in self.first.values():
            cols = self.duplicates.get(i, [i])
            found = [values[c] for c in cols if c < len(values) and values[c]]
            data[self.names[i]] = found[0] if found else ""
            for other in found[1:]:
                if other != found[0]:
                    notes.append(
                        (
                            self.names[i],
                            other,
                            f"colonne « {self.names[i]} » en double : « {found[0][:80]} » gardé, "
                            f"« {other[:80]} » ignoré",
                        )
                    )
        extra = [v for v in values[len(self.names) :] if v]
        if extra:
            notes.append(
                ("(ligne)", " | ".join(extra)[:200], f"{len(extra)} valeur(s) au-delà de la dernière colonne")
            )
        return data, notes


def _too_long(values: Iterable[str], lim: ReaderLimits) -> str | None:
    longest = max((len(v) for v in values), default=0)
    if longest > lim.max_cell_chars:
        return (
            f"cellule de {longest} caractères, au-delà de la limite de {lim.max_cell_chars} "
            "(variable COURT_CIRCUIT_MAX_CELL_CHARS) : ligne écartée"
        )
    return None


def _sniff(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel()
        dialect.delimiter = ";" if sample.count(";") >= sample.count(",") else ","
        return dialect


def _looks_swallowed(values: list[str], delimiter: str, columns: int) -> bool:
    """A cell spanning lines that hold delimiters like rows do: an unclosed quote ate the rows."""
    needed = max(1, min(columns - 1, 3))
    return any(
        "\n" in v and any(line.count(delimiter) >= needed for line in v.splitlines()[1:]) for v in values
    )


def read_csv(path: Path) -> Iterator[RawRow]:
    """Each data row (blank lines skipped), keyed by header as written, with its line number."""
    lim = limits()
    raw = read_bytes_limited(path, lim.max_bytes)
    if not raw.strip():
        raise SourceFileError(f"{path.name} est vide")
    text, _encoding, odd_lines = decode_lines(raw)
    if "\x00" in text:
        raise SourceFileError(f"{path.name} n'est pas un fichier texte CSV (octets nuls : fichier binaire ?)")
    dialect = _sniff(text[:8192])
    # The standard 128 KiB cell limit raised an English error mid-file; long cells are reported per row.
    csv.field_size_limit(max(lim.max_bytes, 131072))
    physical = io.StringIO(text, newline="").readlines()
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        names = next(reader, None)
    except csv.Error as err:
        raise SourceFileError(f"{path.name} : ligne d'en-tête illisible") from err
    if not names or not any(n.strip() for n in names):
        raise SourceFileError(f"{path.name} est vide ou n'a pas de ligne d'en-tête")
    header = Header([n.strip() for n in names], path.name, lim)
    file_notes = list(header.notes)
    delimiter = dialect.delimiter

    def make(first: int, last: int, values: list[str]) -> RawRow:
        data, notes = header.row([v.strip() for v in values])
        row = RawRow(ref=f"ligne {first}", data=data, notes=notes, where=f"ligne {first}")
        row.problem = _too_long(values, lim)
        if not odd_lines:
            return row
        for number in sorted(odd_lines.intersection(range(first, last + 1))):
            row.notes.append(
                (
                    "(ligne)",
                    "",
                    f"ligne {number} codée en Windows-1252 dans un fichier UTF-8 : décodée à part",
                )
            )
        return row

    def attach_file_notes(row: RawRow) -> RawRow:
        nonlocal file_notes
        row.file_notes, file_notes = file_notes, []
        return row

    while True:
        first = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise SourceFileError(
                f"{path.name}, ligne {first} : CSV illisible à partir de cette ligne"
            ) from err
        last = reader.line_num
        if last > lim.max_rows:
            raise SourceFileError(
                f"{path.name} dépasse {lim.max_rows} lignes (variable COURT_CIRCUIT_MAX_ROWS)"
            )
        if not any(v.strip() for v in values):
            continue  # blank line
        if last > first and _looks_swallowed(values, delimiter, len(header.names)):
            # Read the lines one by one: the one with the unclosed quote is reported, the others kept.
            for number in range(first, last + 1):
                line = physical[number - 1].rstrip("\r\n")
                if not line.strip():
                    continue
                if line.count(dialect.quotechar or '"') % 2:
                    row = make(number, number, next(csv.reader([line], dialect, quoting=csv.QUOTE_NONE)))
                    row.problem = (
                        f"guillemet non fermé à la ligne {number} (il avalait les lignes {first} à {last}) : "
                        "ligne écartée, les autres relues une à une"
                    )
                else:
                    row = make(number, number, next(csv.reader([line], dialect)))
                yield attach_file_notes(row)
            continue
        yield attach_file_notes(make(first, last, values))
    if file_notes:  # a header with no data row still says what is wrong with it
        raise SourceFileError(f"{path.name} n'a aucune ligne de données ({file_notes[0][1]})")


def _check_zip(path: Path, lim: ReaderLimits) -> None:
    """Refuse a workbook that would decompress beyond the limit before openpyxl opens it."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise SourceFileError(f"{path.name} n'est pas un classeur XLSX lisible (archive abîmée)") from err
    if total > lim.max_unzipped_bytes:
        raise SourceFileError(
            f"{path.name} se décompresse en {megabytes(total)}, au-delà de la limite de "
            f"{megabytes(lim.max_unzipped_bytes)} (bombe de décompression ?) : refusé"
        )


def read_xlsx(path: Path, sheet: str | None = None) -> Iterator[RawRow]:
    from openpyxl import load_workbook

    lim = limits()
    check_readable_file(path, lim.max_bytes)
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        raise SourceFileError(f"{path.name} est vide")
    if not head.startswith(b"PK"):
        if head and b"\x00" not in head:
            # A CSV saved with a .xlsx name: read it as what it is, and say so.
            rows = read_csv(path)
            note = (path.name, "fichier nommé .xlsx mais c'est un texte CSV : lu comme CSV")
            for i, row in enumerate(rows):
                if i == 0:
                    row.file_notes.insert(0, note)
                yield row
            return
        raise SourceFileError(f"{path.name} n'est pas un classeur XLSX (ni un CSV)")
    _check_zip(path, lim)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises several unrelated types on a bad file
        raise SourceFileError(
            f"{path.name} n'est pas un classeur XLSX lisible (parties manquantes ou abîmées : {type(err).__name__})"
        ) from err
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise SourceFileError(
                f"feuille « {sheet} » absente de {path.name} (feuilles : {book.sheetnames})"
            )
        ws = book[sheet] if sheet else book.worksheets[0]
        # The sheet's <dimension> is only a claim: trusted, it hides rows beyond it (1 row read of
        # 50) or pads millions of empty ones. Read the rows actually present.
        ws.reset_dimensions()
        rows = ws.iter_rows(values_only=True)
        first_row = next(rows, None)
        if not first_row or not any(v not in (None, "") for v in first_row):
            raise SourceFileError(f"{path.name} est vide ou n'a pas de ligne d'en-tête")
        header = Header([_cell_text(h) for h in first_row], path.name, lim)
        file_notes = list(header.notes)
        for line, values in enumerate(rows, start=2):
            if line > lim.max_rows:
                raise SourceFileError(
                    f"{path.name} dépasse {lim.max_rows} lignes (variable COURT_CIRCUIT_MAX_ROWS)"
                )
            if not any(v not in (None, "") for v in values):
                continue
            texts = [_cell_text(v) for v in values]
            data, notes = header.row(texts)
            row = RawRow(ref=f"ligne {line}", data=data, notes=notes, where=f"ligne {line}")
            row.problem = _too_long(texts, lim)
            row.file_notes, file_notes = file_notes, []
            yield row
        if file_notes:
            raise SourceFileError(f"{path.name} n'a aucune ligne de données ({file_notes[0][1]})")
    except SourceFileError:
        raise
    except Exception as err:  # openpyxl and expat raise many types on a damaged or hostile sheet
        raise SourceFileError(
            f"{path.name} : feuille illisible (XML abîmé, entités en cascade ou archive incomplète : "
            f"{type(err).__name__})"
        ) from err
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


def read_table(path: Path, sheet: str | None = None) -> Iterator[RawRow]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    return read_csv(path)


def header_lookup(headers: list[str]) -> dict[str, str]:
    """Folded header → header as written, so mappings ignore case and accents."""
    return {fold(h): h for h in headers}
