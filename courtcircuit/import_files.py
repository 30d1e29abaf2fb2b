"""The files of the import wizard: the sources file it adds partners to, the partners already
there (each a `producers-table` source with its mapping, reopened to reuse its choices), the
staging folder of a dry run, and publishing — the partner's file and mapping written into the
data folder and its `[[source]]` appended, undone if the build then refuses them.

Where: the sources file is COURT_CIRCUIT_SOURCES (default: the demo's data/samples/sources.toml);
files go to COURT_CIRCUIT_DATA_DIR when set (the build allows that folder, etl/sources.py),
else next to the sources file.
"""

from __future__ import annotations

import fcntl
import os
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from courtcircuit.db import REPO_ROOT
from courtcircuit.import_runner import ImportFailed
from courtcircuit.mapping_file import _string

SOURCES_ENV, DATA_DIR_ENV = "COURT_CIRCUIT_SOURCES", "COURT_CIRCUIT_DATA_DIR"
MAX_MB_ENV = "COURT_CIRCUIT_IMPORT_MAX_MB"
SUFFIXES = (".csv", ".xlsx")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


def sources_file() -> Path:
    return Path(os.environ.get(SOURCES_ENV) or REPO_ROOT / "data" / "samples" / "sources.toml")


def data_dir(sources: Path) -> Path:
    configured = os.environ.get(DATA_DIR_ENV)
    return Path(configured) if configured else sources.parent


def max_bytes() -> int:
    try:
        megabytes = float(os.environ.get(MAX_MB_ENV, "20"))
    except ValueError:
        megabytes = 20.0
    return int(max(megabytes, 0.1) * 1024 * 1024)


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME.match(name):
        raise ImportFailed(
            "nom de source attendu en minuscules, chiffres et tirets, de 2 à 40 caractères "
            "(ex. « chambre-43 »)"
        )
    return name


def check_upload(file_name: str, size: int) -> str:
    """The upload's suffix, or a French refusal (type, size)."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFailed(f"fichier « {file_name} » refusé : seuls les CSV et XLSX sont acceptés")
    if size > max_bytes():
        limit = max_bytes() / 1024 / 1024
        raise ImportFailed(f"fichier trop gros ({size / 1024 / 1024:.1f} Mo) : {limit:.0f} Mo au plus")
    if size == 0:
        raise ImportFailed(f"le fichier « {file_name} » est vide")
    return suffix


@dataclass(frozen=True)
class Partner:
    """A producers-table source of the sources file: what reopening the wizard for it loads."""

    name: str
    label: str
    path: Path
    mapping: Path | None
    data: dict[str, Any] = field(default_factory=dict, compare=False)


def _entries(sources: Path) -> list[dict[str, Any]]:
    if not sources.exists():
        return []
    try:
        data = tomllib.loads(sources.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ImportFailed(f"fichier des sources illisible ({sources.name}) : {err}") from err
    entries = data.get("source")
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def partners(sources: Path) -> list[Partner]:
    found = []
    for entry in _entries(sources):
        if entry.get("format") != "producers-table" or not isinstance(entry.get("name"), str):
            continue
        mapping = entry.get("mapping")
        found.append(
            Partner(
                entry["name"],
                str(entry.get("label") or entry["name"]),
                sources.parent / str(entry.get("path", "")),
                sources.parent / mapping if isinstance(mapping, str) else None,
            )
        )
    return found


def source_names(sources: Path) -> list[str]:
    """The sources' names in the file's order (the order the build reads them)."""
    return [str(e.get("name")) for e in _entries(sources)]


def partner_mapping(partner: Partner) -> dict[str, Any]:
    """The partner's mapping read as TOML ({} when it has none or it cannot be read)."""
    if partner.mapping is None:
        return {}
    try:
        return tomllib.loads(partner.mapping.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def source_entry(name: str, label: str, path: str, mapping: str, when: date) -> str:
    lines = [
        "[[source]]", f"name = {_string(name)}", f"label = {_string(label or name)}",
        'format = "producers-table"', f"path = {_string(path)}", f"mapping = {_string(mapping)}",
        f"date = {_string(when.isoformat())}", "precedence = 100", "demo = false",
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def stage(folder: Path, name: str, label: str, suffix: str, content: bytes, mapping_text: str) -> Path:
    """A one-source sources file in `folder` for a dry run (check-source's --candidate)."""
    folder.mkdir(parents=True, exist_ok=True)
    file_name, mapping_name = f"{name}{suffix}", f"{name}-mapping.toml"
    (folder / file_name).write_bytes(content)
    (folder / mapping_name).write_text(mapping_text, encoding="utf-8")
    staged = folder / "sources.toml"
    staged.write_text(source_entry(name, label, file_name, mapping_name, date.today()), encoding="utf-8")
    return staged


@contextmanager
def publication_lock(sources: Path) -> Iterator[None]:
    """One publication at a time per sources file, from writing its files to the end of the
    build: two people appending at once would lose an entry, and an undo would drop the other's."""
    lock = sources.with_name(f".{sources.name}.import-lock")
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise ImportFailed("une autre publication est en cours : réessayer dans un instant") from err
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class Publication:
    """Files written for a publication, and what they replaced, to undo it if the build refuses."""

    written: dict[Path, bytes | None] = field(default_factory=dict)  # path → previous content

    def write(self, path: Path, content: bytes) -> None:
        if path not in self.written:
            self.written[path] = path.read_bytes() if path.exists() else None
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_bytes(content)
        os.replace(tmp, path)

    def undo(self) -> None:
        for path, previous in self.written.items():
            if previous is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(previous)


def _relative(path: Path, base: Path) -> str:
    resolved, root = path.resolve(), base.resolve()
    return str(resolved.relative_to(root)) if resolved.is_relative_to(root) else str(resolved)


def publish_files(
    sources: Path, name: str, label: str, suffix: str, content: bytes, mapping_text: str
) -> Publication:
    """Write the partner's file and mapping, and its `[[source]]` when it is new. An existing
    partner's file and mapping are replaced where its entry points (same kind of file)."""
    done = Publication()
    existing = {p.name: p for p in partners(sources)}
    if name in source_names(sources) and name not in existing:
        raise ImportFailed(f"la source « {name} » existe déjà et n'est pas un tableur : choisir un autre nom")
    try:
        if name in existing:
            partner = existing[name]
            if partner.path.suffix.lower() != suffix:
                raise ImportFailed(
                    f"le fichier précédent de « {name} » était un {partner.path.suffix} : envoyer un "
                    f"{partner.path.suffix}, ou importer sous un nouveau nom de source"
                )
            mapping = partner.mapping or partner.path.with_name(f"{name}-mapping.toml")
            if partner.mapping is None:
                raise ImportFailed(f"la source « {name} » n'a pas de fichier de correspondance")
            done.write(partner.path, content)
            done.write(mapping, mapping_text.encode("utf-8"))
            return done
        folder = data_dir(sources)
        folder.mkdir(parents=True, exist_ok=True)
        target, mapping = folder / f"{name}{suffix}", folder / f"{name}-mapping.toml"
        done.write(target, content)
        done.write(mapping, mapping_text.encode("utf-8"))
        before = sources.read_bytes() if sources.exists() else b""
        entry = source_entry(
            name, label, _relative(target, sources.parent), _relative(mapping, sources.parent), date.today()
        )
        separator = (
            b"" if not before or before.endswith(b"\n\n") else (b"\n" if before.endswith(b"\n") else b"\n\n")
        )
        done.write(sources, before + separator + entry.encode("utf-8"))
    except OSError as err:
        done.undo()
        raise ImportFailed(f"fichiers de la source non écrits ({err.strerror}) : rien n'est publié") from err
    except ImportFailed:
        done.undo()
        raise
    return done
