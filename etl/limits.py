"""Limits every source reader keeps to: size, rows, columns, cell length, nesting, time.

A partner's file or an Overpass answer is untrusted input: without limits one file can fill
the memory (`/dev/zero`), hold a build for hours (a sheet declaring a million rows) or crash
the parser (JSON nested 10,000 deep). Each limit has a French message naming the file, and
can be changed through the environment (tests lower them to stay fast).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from etl.record import SourceFileError

MB = 1024 * 1024


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        return default  # a typo in a limit must not lift it
    return number if number > 0 else default


@dataclass(frozen=True)
class ReaderLimits:
    max_bytes: int = 32 * MB  # one source file on disk (France's OSM farm shops: about 10 MB)
    max_unzipped_bytes: int = 256 * MB  # an XLSX once decompressed (zip bombs)
    max_rows: int = 100_000  # rows (lines, sheet rows, Overpass elements) in one source
    max_columns: int = 500
    max_cell_chars: int = 20_000  # one cell or tag; a description is a few hundred
    max_seconds: float = 600.0  # reading and normalising one source
    max_config_bytes: int = 1 * MB  # sources file, mapping file

    @classmethod
    def from_env(cls) -> ReaderLimits:
        d = cls()
        return cls(
            max_bytes=int(_env_number("COURT_CIRCUIT_MAX_SOURCE_MB", d.max_bytes / MB) * MB),
            max_unzipped_bytes=int(
                _env_number("COURT_CIRCUIT_MAX_UNZIPPED_MB", d.max_unzipped_bytes / MB) * MB
            ),
            max_rows=int(_env_number("COURT_CIRCUIT_MAX_ROWS", d.max_rows)),
            max_columns=int(_env_number("COURT_CIRCUIT_MAX_COLUMNS", d.max_columns)),
            max_cell_chars=int(_env_number("COURT_CIRCUIT_MAX_CELL_CHARS", d.max_cell_chars)),
            max_seconds=_env_number("COURT_CIRCUIT_MAX_SOURCE_SECONDS", d.max_seconds),
        )


def limits() -> ReaderLimits:
    """The limits in force, read from the environment at each call (cheap, and tests can patch it)."""
    return ReaderLimits.from_env()


def megabytes(n: int) -> str:
    return f"{n / MB:.1f} Mo".replace(".", ",")


def check_readable_file(path: Path, max_bytes: int) -> int:
    """Size of `path` once it is known to be a regular file within the limit; else SourceFileError."""
    try:
        info = path.stat()
    except FileNotFoundError as err:
        raise SourceFileError(f"fichier introuvable : {path}") from err
    except OSError as err:
        raise SourceFileError(f"fichier illisible : {path} ({err.strerror})") from err
    if stat.S_ISDIR(info.st_mode):
        raise SourceFileError(f"{path} est un dossier, pas un fichier")
    if not stat.S_ISREG(info.st_mode):
        # /dev/zero, a pipe, a socket: endless or blocking reads
        raise SourceFileError(f"{path} n'est pas un fichier ordinaire (périphérique, tube…) : refusé")
    if info.st_size > max_bytes:
        raise SourceFileError(
            f"{path.name} pèse {megabytes(info.st_size)}, au-delà de la limite de {megabytes(max_bytes)} "
            "(variable COURT_CIRCUIT_MAX_SOURCE_MB)"
        )
    return info.st_size


def read_bytes_limited(path: Path, max_bytes: int | None = None) -> bytes:
    """The file's bytes, refusing anything but a regular file of at most `max_bytes`."""
    max_bytes = max_bytes or limits().max_bytes
    check_readable_file(path, max_bytes)
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as err:
        raise SourceFileError(f"fichier illisible : {path} ({err.strerror})") from err
    if len(data) > max_bytes:
        raise SourceFileError(f"{path.name} dépasse la limite de {megabytes(max_bytes)}")
    return data
