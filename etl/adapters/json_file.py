"""Reading a JSON source file (an Overpass, GoGoCarto or Agence BIO answer saved on disk) within
the reader limits, with a French message naming the file and the format expected."""

from __future__ import annotations

import json
from typing import Any

from courtcircuit.record import RejectRecord
from etl.limits import limits, read_bytes_limited
from etl.record import SourceFileError
from etl.sources import SourceConfig


def load_json(source: SourceConfig, expected: str) -> Any:
    """The decoded JSON of the source's file; `expected` names the format in messages
    ("Overpass", "GoGoCarto"…)."""
    raw = read_bytes_limited(source.path, limits().max_bytes)
    name = source.path.name
    if not raw.strip():
        raise SourceFileError(f"{name} est vide (réponse {expected} tronquée ou échouée ?)")
    if raw.lstrip()[:1] == b"<":
        # A web server's error page saved in place of the answer.
        raise SourceFileError(f"{name} est une page HTML, pas une réponse JSON {expected}")
    try:
        # From bytes, json detects UTF-8, UTF-16 and UTF-32 by itself.
        return json.loads(raw)
    except RecursionError as err:
        raise SourceFileError(
            f"{name} : JSON imbriqué trop profondément pour être une réponse {expected}"
        ) from err
    except json.JSONDecodeError as err:
        raise SourceFileError(
            f"{name} n'est pas un JSON {expected} valide : texte interrompu ou mal formé ligne {err.lineno}, "
            f"colonne {err.colno}"
        ) from err
    except UnicodeDecodeError as err:
        raise SourceFileError(f"{name} n'est pas un JSON {expected} valide : encodage illisible") from err


def check_row_count(source: SourceConfig, items: list, what: str) -> None:
    lim = limits()
    if len(items) > lim.max_rows:
        raise SourceFileError(
            f"{source.path.name} : {len(items)} {what}, au-delà de la limite de {lim.max_rows} "
            "(variable COURT_CIRCUIT_MAX_ROWS)"
        )


def longest_text(value: Any, depth: int = 0) -> int:
    """Length of the longest text anywhere in a decoded JSON value (nested a few levels)."""
    if isinstance(value, str):
        return len(value)
    if depth > 6:
        return 0
    if isinstance(value, dict):
        return max((longest_text(v, depth + 1) for v in value.values()), default=0)
    if isinstance(value, list):
        return max((longest_text(v, depth + 1) for v in value), default=0)
    return 0


def json_number(value: object, what: str) -> float | None:
    """A coordinate from a JSON value: a number, or a text with a dot or a comma; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, str):  # older exports write "45,55" or "45.55"
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            pass
    elif isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise RejectRecord(f"{what} non numérique : « {str(value)[:40]} »", "coordinates")


def json_text(value: object) -> str | None:
    """A stripped text from a JSON value (a number as text: postcodes, phones); None when empty."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a postcode or phone written as a number
    return None
