"""The sources file: which listing sources a build reads, in what format, with what precedence."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from courtcircuit.db import REPO_ROOT
from etl.record import Record

DEFAULT_SOURCES = REPO_ROOT / "data" / "samples" / "sources.toml"
FORMATS = ("osm-overpass", "producers-table", "amap-table", "markets-table")


class SourcesFileError(ValueError):
    """The sources file itself is wrong; the message says where."""


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


def load_sources(path: Path | str = DEFAULT_SOURCES) -> list[SourceConfig]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise SourcesFileError(f"fichier de sources introuvable : {path}") from err
    except tomllib.TOMLDecodeError as err:
        raise SourcesFileError(f"{path} n'est pas un TOML valide : {err}") from err
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourcesFileError(f"{path} ne déclare aucune source ([[source]])")
    sources: list[SourceConfig] = []
    for i, entry in enumerate(entries, start=1):
        where = f"{path}, source n° {i}"
        missing = [k for k in ("name", "format", "path") if not entry.get(k)]
        if missing:
            raise SourcesFileError(f"{where} : champ(s) manquant(s) {', '.join(missing)}")
        if entry["format"] not in FORMATS:
            raise SourcesFileError(
                f"{where} : format « {entry['format']} » inconnu (attendu : {', '.join(FORMATS)})"
            )
        when = entry.get("date")
        if isinstance(when, str):
            when = date.fromisoformat(when)
        mapping = entry.get("mapping")
        sources.append(
            SourceConfig(
                name=str(entry["name"]),
                format=entry["format"],
                path=(path.parent / entry["path"]).resolve(),
                precedence=int(entry.get("precedence", 100)),
                demo=bool(entry.get("demo", False)),
                date=when,
                mapping=(path.parent / mapping).resolve() if mapping else None,
                label=entry.get("label"),
                licence=entry.get("licence"),
            )
        )
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SourcesFileError(f"{path} : noms de source en double : {', '.join(dupes)}")
    return sources
