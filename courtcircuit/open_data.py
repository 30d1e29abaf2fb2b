"""Open data: the directory as GeoJSON, CSV and Parquet, written by each build (etl/open_data.py)
and offered on the « Données ouvertes » page. The fields, their vocabularies and the licence
rule live here, once: the writer, the page and docs/OPEN-DATA.md (checked by a test) use them.

Codes, not labels, in the files: a reuser's program keeps working when a label is reworded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from courtcircuit.vocab import AB_STATUS, CHANNELS, GEO_PRECISION, KINDS, LABELS, PRODUCTS, Vocabulary, fold

# (column of `listings`, field in the files, vocabulary of its codes)
OPEN_DATA_FIELDS: tuple[tuple[str, str, Vocabulary | None], ...] = (
    ("id", "identifiant", None),
    ("name", "nom", None),
    ("kind", "type", KINDS),
    ("description", "description", None),
    ("street", "adresse", None),
    ("postcode", "code_postal", None),
    ("city", "commune", None),
    ("commune_insee", "code_insee", None),
    ("lat", "latitude", None),
    ("lon", "longitude", None),
    ("geo_precision", "precision_position", GEO_PRECISION),
    ("phone", "telephone", None),
    ("email", "email", None),
    ("website", "site_web", None),
    ("opening_hours", "horaires_osm", None),
    ("opening_hours_text", "horaires", None),
    ("channels", "modes_de_vente", CHANNELS),
    ("labels", "labels", LABELS),
    ("ab_status", "etat_bio", AB_STATUS),
    ("products", "produits", PRODUCTS),
    ("last_verified", "derniere_verification", None),
    ("is_demo", "donnee_de_demonstration", None),
    ("sources", "sources", None),
)

FILES = {
    "geojson": "annuaire.geojson",
    "csv": "annuaire.csv",
    "parquet": "annuaire.parquet",
    "sources": "sources.json",
}
MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "sources": "application/json",
}

# Staff edits and listings created in the staff space are the publisher's own work.
PUBLISHER_SOURCE = "équipe"

# Licences that let anyone redistribute, commercial reuse included (what an open-data file
# promises). Matched on folded words; anything else, or no licence at all, keeps the source's
# listings out of the files: a missing licence is no permission.
_OPEN_LICENCES = (
    "odbl",
    "open database license",
    "licence ouverte",
    "etalab",
    "open licence",
    "cc by",
    "cc0",
    "domaine public",
    "public domain",
)
_RESTRICTIONS = ("nc", "nd", "non commercial", "pas d utilisation commerciale", "pas de modification")


def redistributable(licence: str | None) -> bool:
    """Whether a source's licence lets its listings into the open-data files."""
    words = f" {fold(licence or '')} "
    if any(f" {r} " in words for r in _RESTRICTIONS):
        return False
    return any(f" {name} " in words for name in _OPEN_LICENCES)


def open_data_folder(db: Path) -> Path:
    """Where the files of the database `db` are published: a link swapped at each build to a
    folder written whole (etl/open_data.py), so a download never mixes two builds."""
    return db.with_name(f"{db.name}.opendata")


@dataclass(frozen=True)
class SourceRights:
    name: str
    label: str
    licence: str | None
    attribution: str
    included: bool


@dataclass(frozen=True)
class Published:
    """What a build published: its files (format → path) and the sources they draw from."""

    files: dict[str, Path]
    built_at: str
    listings: int
    licence: str
    sources: tuple[SourceRights, ...]


def published(db: Path) -> Published | None:
    """The files last published next to `db`, or None when no build wrote any yet."""
    folder = open_data_folder(db)
    about = folder / FILES["sources"]
    try:
        info = json.loads(about.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = {fmt: folder / name for fmt, name in FILES.items() if (folder / name).is_file()}
    sources = tuple(SourceRights(**s) for s in info.get("sources", []))
    return Published(
        files, str(info.get("built_at", "")), int(info.get("listings", 0)), info["licence"], sources
    )


def dataset_licence(sources: list[SourceRights]) -> str:
    """ODbL as soon as OpenStreetMap data is in (share-alike: a database derived from it stays
    under ODbL); otherwise the Licence Ouverte the other open sources allow."""
    if any("odbl" in fold(s.licence or "") for s in sources if s.included):
        return "ODbL 1.0 (Open Database License)"
    return "Licence Ouverte Etalab 2.0"
