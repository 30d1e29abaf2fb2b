"""The sources file: which listing sources a build reads, in what format, with what precedence."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from courtcircuit.db import REPO_ROOT
from courtcircuit.record import Record
from etl.connectors.settings import SourcesFileError, live_settings
from etl.limits import limits, read_bytes_limited
from etl.record import SourceFileError, toml_error

DEFAULT_SOURCES = REPO_ROOT / "data" / "samples" / "sources.toml"
FORMATS = ("osm-overpass", "producers-table", "amap-table", "markets-table", "gogocarto", "agencebio")
# Licence and attribution a source gets when its entry names none (docs/FORMATS.md).
FORMAT_RIGHTS: dict[str, tuple[str, str]] = {
    "osm-overpass": ("ODbL 1.0", "© les contributeurs d'OpenStreetMap"),
    "gogocarto": (
        "ODbL 1.0 (licence déclarée par la carte GoGoCarto)",
        "Carte GoGoCarto et ses contributeurs",
    ),
    "agencebio": ("Licence Ouverte Etalab 2.0", "Agence BIO, annuaire des opérateurs certifiés bio"),
}


@dataclass(frozen=True)
class SourceConfig:
    name: str
    format: str
    path: Path
    precedence: int = 100
    demo: bool = False
    date: date | None = None
    mapping: Path | None = None
    label: str | None = None
    licence: str | None = None
    attribution: str | None = None
    # Live connectors (etl/connectors): where `python -m etl refresh` fetches the file at `path`.
    url: str | None = None
    territory: str | None = None  # départements / communes (INSEE) for an Overpass query
    bounds: tuple[float, float, float, float] | None = None  # west, south, east, north
    geocode: bool = False  # rows without coordinates geocoded by the Géoplateforme at refresh
    geocode_min_score: float = 0.5
    check_siret: bool = False  # SIRETs checked against recherche-entreprises at refresh


def record_of(source: SourceConfig, ref: str, **values: object) -> Record:
    """A new record carrying its source's provenance (name, date, demo flag, precedence)."""
    return Record(
        source=source.name,
        ref=ref,
        source_date=source.date,
        is_demo=source.demo,
        precedence=source.precedence,
        **values,  # type: ignore[arg-type]
    )


DATA_DIR_ENV = "COURT_CIRCUIT_DATA_DIR"


def allowed_roots(sources_file: Path) -> list[Path]:
    """Folders a sources file may point into: its own, and the configured data folder if any.

    A sources file that may point anywhere reads anything (`../../etc/passwd` read as an AMAP
    table copied its lines into `rejected.value`); that matters as soon as files are uploaded.
    """
    roots = [sources_file.resolve().parent]
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        roots.append(Path(configured).resolve())
    return roots


def _confined(base: Path, value: object, key: str, where: str, roots: list[Path]) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise SourcesFileError(f"{where} : « {key} » doit être un chemin entre guillemets, pas {value!r}")
    if "\x00" in value:
        raise SourcesFileError(f"{where} : « {key} » contient un caractère nul")
    resolved = (base / value).resolve()  # follows symbolic links: a link out is refused too
    if not any(resolved.is_relative_to(root) for root in roots):
        raise SourcesFileError(
            f"{where} : le chemin « {value} » sort du dossier des sources ({roots[0]}) ; "
            f"les fichiers doivent s'y trouver, ou dans le dossier indiqué par {DATA_DIR_ENV}"
        )
    return resolved


def _integer(entry: dict, key: str, default: int, where: str) -> int:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise SourcesFileError(f"{where} : « {key} » doit être un nombre entier (ex. 20), pas {value!r}")
    return value


def _boolean(entry: dict, key: str, where: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        # "false" in quotes is a non-empty text, which Python would take as true
        raise SourcesFileError(
            f"{where} : « {key} » doit valoir true ou false (sans guillemets), pas {value!r}"
        )
    return value


def _date(entry: dict, where: str) -> date | None:
    value = entry.get("date")
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise SourcesFileError(
        f"{where} : « date » doit être une date AAAA-MM-JJ (ex. 2026-09-30), pas {value!r}"
    )


def _text(entry: dict, key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is not None and not isinstance(value, str):
        raise SourcesFileError(f"{where} : « {key} » doit être un texte entre guillemets, pas {value!r}")
    return value


def _read_sources_text(path: Path) -> str:
    if path.is_dir():
        raise SourcesFileError(f"{path} est un dossier, pas un fichier de sources")
    try:
        raw = read_bytes_limited(path, limits().max_config_bytes)
    except SourceFileError as err:
        if not path.exists():
            raise SourcesFileError(f"fichier de sources introuvable : {path}") from err
        raise SourcesFileError(f"fichier de sources refusé : {err}") from err
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourcesFileError(f"{path} est en UTF-16 : l'enregistrer en UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SourcesFileError(f"{path} n'est pas un texte UTF-8 (fichier binaire ?)") from err


def load_sources(path: Path | str = DEFAULT_SOURCES) -> list[SourceConfig]:
    path = Path(path)
    try:
        data = tomllib.loads(_read_sources_text(path))
    except tomllib.TOMLDecodeError as err:
        raise SourcesFileError(f"{path} n'est pas un TOML valide : {toml_error(err)}") from err
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourcesFileError(f"{path} ne déclare aucune source ([[source]])")
    roots = allowed_roots(path)
    base = path.resolve().parent
    sources: list[SourceConfig] = []
    for i, entry in enumerate(entries, start=1):
        where = f"{path}, source n° {i}"
        if not isinstance(entry, dict):
            raise SourcesFileError(f"{where} : chaque source s'écrit en table [[source]], pas {entry!r}")
        missing = [k for k in ("name", "format", "path") if not entry.get(k)]
        if missing:
            raise SourcesFileError(f"{where} : champ(s) manquant(s) {', '.join(missing)}")
        name = _text(entry, "name", where) or ""
        if entry["format"] not in FORMATS:
            raise SourcesFileError(
                f"{where} : format « {entry['format']} » inconnu (attendu : {', '.join(FORMATS)})"
            )
        mapping = entry.get("mapping")
        licence, attribution = FORMAT_RIGHTS.get(entry["format"], (None, None))
        sources.append(
            SourceConfig(
                name=name.strip(),
                format=entry["format"],
                path=_confined(base, entry["path"], "path", where, roots),
                precedence=_integer(entry, "precedence", 100, where),
                demo=_boolean(entry, "demo", where),
                date=_date(entry, where),
                mapping=_confined(base, mapping, "mapping", where, roots) if mapping is not None else None,
                label=_text(entry, "label", where),
                licence=_text(entry, "licence", where) or licence,
                attribution=_text(entry, "attribution", where) or attribution,
                **live_settings(entry, where),
            )
        )
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SourcesFileError(f"{path} : noms de source en double : {', '.join(dupes)}")
    return sources
