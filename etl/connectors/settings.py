"""The live keys of a `[[source]]` entry: url, territory, bounds, geocode, check_siret.

Apart from etl/sources.py so that the sources file's reader stays about the file itself.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

_CODE = re.compile(r"^(\d{2}|2[AB]|97\d|\d{5}|2[AB]\d{3}|\d{9})$")


class SourcesFileError(ValueError):
    """The sources file itself is wrong; the message says where."""


def _url(entry: dict, where: str) -> str | None:
    value = entry.get("url")
    if value is None:
        return None
    parsed = urllib.parse.urlparse(value) if isinstance(value, str) else None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SourcesFileError(f"{where} : « url » doit être une adresse http(s)://…, pas {value!r}")
    return value.strip()


def _territory(entry: dict, where: str) -> str | None:
    value = entry.get("territory")
    if value is None:
        return None
    codes = (
        value if isinstance(value, list) else re.split(r"[\s,;]+", value) if isinstance(value, str) else None
    )
    if not codes or not all(isinstance(c, str) and _CODE.match(c.strip().upper()) for c in codes if c):
        raise SourcesFileError(
            f"{where} : « territory » doit lister des départements (63), des communes (63003) ou des "
            f"EPCI (SIREN à 9 chiffres), pas {value!r}"
        )
    return ", ".join(c.strip().upper() for c in codes if c.strip())


def _bounds(entry: dict, where: str) -> tuple[float, float, float, float] | None:
    value = entry.get("bounds")
    if value is None:
        return None
    numbers = value if isinstance(value, list) else value.split(",") if isinstance(value, str) else []
    try:
        west, south, east, north = (float(n) for n in numbers)
    except (TypeError, ValueError):
        west = south = east = north = float("nan")
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise SourcesFileError(
            f"{where} : « bounds » doit être [ouest, sud, est, nord] en degrés "
            f"(ex. [3.3, 45.2, 4.0, 45.9]), pas {value!r}"
        )
    return (west, south, east, north)


def _flag(entry: dict, key: str, where: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise SourcesFileError(
            f"{where} : « {key} » doit valoir true ou false (sans guillemets), pas {value!r}"
        )
    return value


def _score(entry: dict, where: str) -> float:
    value = entry.get("geocode_min_score", 0.5)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise SourcesFileError(
            f"{where} : « geocode_min_score » doit être un nombre entre 0 et 1, pas {value!r}"
        )
    return float(value)


def live_settings(entry: dict, where: str) -> dict[str, Any]:
    """SourceConfig's live fields from one entry; SourcesFileError names a wrong value."""
    return {
        "url": _url(entry, where),
        "territory": _territory(entry, where),
        "bounds": _bounds(entry, where),
        "geocode": _flag(entry, "geocode", where),
        "geocode_min_score": _score(entry, where),
        "check_siret": _flag(entry, "check_siret", where),
    }
