"""A producers' directory kept as a spreadsheet (Chambre d'agriculture, Parc, PAT…).

The partner's headers are mapped to canonical fields by a TOML mapping file, so a new
partner's file needs configuration, not code (docs/FORMATS.md).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from courtcircuit.column_mapping import FIELDS
from courtcircuit.normalise.terms import apply_flags, read_kind, read_terms
from courtcircuit.record import Record
from courtcircuit.value_mapping import NO_CHOICES, ValueMapping, ValueMappingError, parse_value_mapping
from courtcircuit.vocab import AB_STATUS, STATUS, fold
from etl.adapters.cells import parse_bool, parse_date, parse_float, parse_names, parse_term
from etl.adapters.tables import (
    RawRow,
    SourceFileError,
    header_lookup,
    read_table,
)
from etl.limits import limits, read_bytes_limited
from etl.record import toml_error
from etl.sources import SourceConfig, record_of


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]
    sheet: str | None = None
    crs: str = "EPSG:4326"
    default_kind: str = "producteur"
    # The partner's remembered choices: [values.*] and [flags] (courtcircuit/value_mapping.py).
    choices: ValueMapping = NO_CHOICES


def _text_option(data: dict, key: str, where: str, default: str | None) -> str | None:
    value = data.get(key, default)
    if value is not None and not isinstance(value, str):
        raise SourceFileError(f"{where} : « {key} » doit être un texte entre guillemets, pas {value!r}")
    return value


def load_mapping(path: Path | None) -> Mapping:
    if path is None:
        raise SourceFileError(
            "une source « producers-table » doit indiquer un fichier de correspondance (mapping)"
        )
    raw = read_bytes_limited(path, limits().max_config_bytes)
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise SourceFileError(f"correspondance {path.name} : ce n'est pas un texte UTF-8") from err
    except tomllib.TOMLDecodeError as err:
        raise SourceFileError(f"correspondance illisible {path.name} : {toml_error(err)}") from err
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        raise SourceFileError(
            f'{path.name} : [columns] doit être une table (champ = "En-tête"), pas {columns!r}'
        )
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise SourceFileError(
            f"{path.name} : champs inconnus {unknown} (champs possibles : {', '.join(FIELDS)})"
        )
    not_text = sorted(k for k, v in columns.items() if not isinstance(v, str) or not v.strip())
    if not_text:
        raise SourceFileError(
            f"{path.name} : l'en-tête de {', '.join(not_text)} doit être un texte entre guillemets "
            f"(reçu : {', '.join(repr(columns[k]) for k in not_text)})"
        )
    if "name" not in columns:
        raise SourceFileError(f"{path.name} : la colonne du nom (name) doit être indiquée")
    crs = _text_option(data, "crs", path.name, "EPSG:4326")
    if crs not in ("EPSG:4326", "EPSG:2154"):
        raise SourceFileError(
            f"{path.name} : système de coordonnées {crs} non pris en charge (EPSG:4326 ou 2154)"
        )
    sheet = _text_option(data, "sheet", path.name, None)
    kind = _text_option(data, "kind", path.name, "producteur") or "producteur"
    try:
        choices = parse_value_mapping(data)
    except ValueMappingError as err:
        raise SourceFileError(f"correspondance {path.name} : {err}") from err
    return Mapping(columns, sheet, crs, kind, choices)


def rows(source: SourceConfig) -> Iterator[RawRow]:
    mapping = load_mapping_cached(source, check=True)
    for i, row in enumerate(read_table(source.path, mapping.sheet)):
        present = _headers(row)
        if i == 0:  # said once, on the first row: it is the file that lacks it
            name_header = mapping.columns["name"]
            if fold(name_header) not in present:
                raise SourceFileError(
                    f"{source.path.name} : colonne du nom « {name_header} » absente "
                    f"(en-tête lu : {', '.join(list(row.data)[:20])})"
                )
            row.file_notes += [
                (h, f"colonne « {h} » absente du fichier")
                for h in dict.fromkeys([*mapping.columns.values(), *mapping.choices.flags])
                if fold(h) not in present
            ]
        # The partner's own id is stable when rows move; the line number is the fallback.
        own_ref = row.data.get(present.get(fold(mapping.columns.get("ref", "")), ""), "")
        if own_ref:
            row.ref = own_ref[:100]
        yield row


def to_record(row: RawRow, source: SourceConfig) -> Record:
    mapping = load_mapping_cached(source)
    present = _headers(row)

    def cell(name: str) -> str | None:
        header = mapping.columns.get(name)
        if header is None or fold(header) not in present:
            return None
        return row.data[present[fold(header)]] or None

    rec = record_of(source, row.ref)

    kind_text = cell("kind")
    rec.kind = read_kind(rec, kind_text, mapping.choices) if kind_text else mapping.default_kind
    rec.name, rec.description = cell("name"), cell("description")
    rec.street, rec.postcode, rec.city, rec.commune_insee = (
        cell("street"),
        cell("postcode"),
        cell("city"),
        cell("insee"),
    )
    if mapping.crs == "EPSG:2154":
        rec.x_l93, rec.y_l93 = parse_float(rec, "x", cell("x")), parse_float(rec, "y", cell("y"))
    else:
        rec.lat, rec.lon = parse_float(rec, "lat", cell("lat")), parse_float(rec, "lon", cell("lon"))
    rec.phone, rec.email, rec.website = cell("phone"), cell("email"), cell("website")
    rec.opening_hours = cell("opening_hours")
    # Added to, not assigned: a labels cell may name a product family ("Label Rouge volailles").
    for name in ("products", "labels", "channels"):
        read_terms(rec, name, cell(name), mapping.choices)
    apply_flags(rec, {h: _by_header(row, present, h) for h in mapping.choices.flags}, mapping.choices)
    rec.ab_status = parse_term(rec, "ab_status", cell("ab_status"), AB_STATUS)
    if rec.ab_status and "ab" not in rec.labels:
        rec.labels.append("ab")
    rec.delivers = parse_bool(rec, "delivers", cell("delivers"))
    rec.delivery_radius_km = parse_float(rec, "delivery_radius_km", cell("delivery_radius_km"))
    if rec.delivery_radius_km is not None and not 0 <= rec.delivery_radius_km <= 1000:
        rec.note(
            "delivery_radius_km", rec.delivery_radius_km, "rayon de livraison hors limites (0 à 1000 km)"
        )
        rec.delivery_radius_km = None
    rec.volumes, rec.delivery_frequency = cell("volumes"), cell("delivery_frequency")
    rec.gtin_available = parse_bool(rec, "gtin_available", cell("gtin_available"))
    rec.sanitary_approval, rec.siret = cell("sanitary_approval"), cell("siret")
    rec.outlets = parse_names(cell("sells_at"))
    rec.last_verified = parse_date(rec, "last_verified", cell("last_verified"))
    rec.status = parse_term(rec, "status", cell("status"), STATUS) or "active"
    return rec


def _by_header(row: RawRow, present: dict[str, str], header: str) -> str | None:
    found = present.get(fold(header))
    return None if found is None else row.data[found] or None


_MAPPINGS: dict[tuple[Path, int, int], Mapping] = {}
# The version `rows` last found of each mapping file: its rows' `to_record` calls then skip the
# file's stat (one per row was a visible cost of a 10^6-row build).
_CURRENT: dict[Path, Mapping] = {}


def load_mapping_cached(source: SourceConfig, check: bool = False) -> Mapping:
    """The mapping, read once per build rather than once per row (keyed by its file's version).

    `check`: look at the file's version again (`rows` does, once per reading of the source);
    otherwise the version last checked is used, if any."""
    if not check and source.mapping in _CURRENT:
        return _CURRENT[source.mapping]
    if source.mapping is None or not source.mapping.is_file():
        return load_mapping(source.mapping)
    info = source.mapping.stat()
    key = (source.mapping, info.st_mtime_ns, info.st_size)
    if key not in _MAPPINGS:
        _MAPPINGS[key] = load_mapping(source.mapping)
    _CURRENT[source.mapping] = _MAPPINGS[key]
    return _MAPPINGS[key]


_HEADERS: dict[tuple[str, ...], dict[str, str]] = {}


def _headers(row: RawRow) -> dict[str, str]:
    """`header_lookup` of the row's headers, computed once per file layout, not once per row."""
    names = tuple(row.data)
    if names not in _HEADERS:
        if len(_HEADERS) > 64:
            _HEADERS.clear()
        _HEADERS[names] = header_lookup(list(names))
    return _HEADERS[names]
