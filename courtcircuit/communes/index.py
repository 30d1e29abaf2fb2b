"""The commune index: find a commune by name, postcode or INSEE code, suggest while typing,
find the commune containing a point, and draw département outlines."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike
from rapidfuzz import process
from rapidfuzz.distance import OSA

from courtcircuit.communes.build import build_tables
from courtcircuit.communes.cache import read_cache, write_cache
from courtcircuit.communes.model import AmbiguousCommune, Commune, CommuneNotFound, Shapes, Tables
from courtcircuit.communes.names import (
    ARRONDISSEMENT_RE,
    ARRONDISSEMENTS,
    commune_key,
    find_postcode,
    postcode_departements,
    without_articles,
)
from courtcircuit.vocab import fold

CACHE_DIR = Path(__file__).resolve().parents[2] / "data" / "cache"
# Degrees the map's département outlines are simplified by (~1 km): the outlines drawn under
# the markers, cached once per machine (CommuneIndex._map_outlines).
MAP_TOLERANCE = 0.01
_FUZZY_MIN = 0.8  # Damerau similarity: one typo in a 5-letter name, "ambret" -> "ambert" (0.83)


@dataclass(frozen=True)
class Suggestion:
    commune: Commune
    fuzzy: bool  # only a near miss: its name is not spelt as typed


class CommuneIndex:
    def __init__(self, tables: Tables, shapes: Shapes | None, cache_dir: Path | None) -> None:
        self._t = tables
        self._shapes_source = shapes
        self._cache_dir = cache_dir
        self._outlines: dict[str, Any] = {}
        self._map: dict[str, dict] | None = None  # _map_outlines

    @classmethod
    @functools.cache
    def load(cls) -> CommuneIndex:
        """The process-wide index, from the cache under data/cache/ when present."""
        return cls.from_data(CACHE_DIR)

    @classmethod
    def from_data(cls, cache_dir: Path | None) -> CommuneIndex:
        tables = read_cache(cache_dir, "tables")
        if tables is not None:
            return cls(tables, None, cache_dir)
        tables, shapes = build_tables()
        write_cache(cache_dir, "tables", tables)
        write_cache(cache_dir, "shapes", shapes)
        return cls(tables, shapes, cache_dir)

    def epci(self, siren: str) -> tuple[str, tuple[str, ...]]:
        """(name, member communes' INSEE codes) of an EPCI given by its SIREN code."""
        found = self._t.epci.get(siren.strip())
        if found is None:
            raise CommuneNotFound(f"EPCI inconnu : {siren}")
        return found

    def get(self, insee: str) -> Commune:
        code = insee.strip().upper()
        code = self._t.former_codes.get(code, code)
        if code not in self._t.communes:
            raise CommuneNotFound(f"code INSEE inconnu : « {insee} »")
        return self._t.communes[code]

    # ------------------------------------------------------------ resolve

    def resolve(self, postcode: str | None, name: str | None) -> Commune:
        pc = find_postcode(postcode) or find_postcode(name)
        key = commune_key(name or "")
        query = f"« {name.strip()} »" + (f" ({pc})" if pc else "") if name else f"le code postal « {pc} »"
        if arr := ARRONDISSEMENT_RE.match(key):
            base, count = ARRONDISSEMENTS[arr.group(1)]
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
            area = set().union(*(self._t.by_departement.get(d, ()) for d in postcode_departements(pc)))
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
        for index, k in (
            (self._t.names, key),
            (self._t.loose, without_articles(key)),
            (self._t.former, without_articles(key)),
        ):
            codes = index.get(k, ())
            if pool is not None:  # "Marseille" within 13001 means the arrondissement 13201
                arms = self._t.arrondissements
                codes = [a for c in codes for a in ((c,) if c in pool else arms.get(c, ())) if a in pool]
            if codes:
                return list(dict.fromkeys(codes))
        return []

    def _fuzzy(self, key: str, pool: set[str]) -> list[str]:
        """A single clear typo among a postcode's few communes; never nationwide."""
        target = without_articles(key)
        scores = {c: OSA.normalized_similarity(target, without_articles(self._t.keys[c])) for c in pool}
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if ranked and ranked[0][1] >= _FUZZY_MIN and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
            return [ranked[0][0]]
        return []

    # ------------------------------------------------------------ suggest

    def suggest(self, text: str, limit: int = 10, listed: Collection[str] = ()) -> list[Commune]:
        """As-you-type suggestions: postcode prefix, or name (exact, prefix, word, then typos)."""
        return [m.commune for m in self.suggest_matches(text, limit, listed)]

    def suggest_matches(self, text: str, limit: int = 10, listed: Collection[str] = ()) -> list[Suggestion]:
        """Suggestions for ``text``, best first, each saying whether it is only a near miss.

        Names spelt as typed come first (exact, then starting with it, then a word starting
        with it); then near misses, closest spelling first: a whole name one typo away
        ("ambrt" → Ambert) before a name whose beginning is one typo away (Ambrières). Ties
        go to the bigger commune (by order of magnitude), then to the communes where the
        directory has listings (``listed``: INSEE codes), then to the bigger one exactly.
        Nothing is suggested further than :func:`max_typos` away: "Xyzville" gets nothing.
        """
        compact = re.sub(r"\s+", "", text)
        if compact.isdigit():
            hits = [c for c in self._t.communes.values() if any(p.startswith(compact) for p in c.postcodes)]
            ranked = sorted(hits, key=lambda c: (compact not in c.postcodes, -(c.population or 0)))
            return [Suggestion(c, fuzzy=False) for c in ranked[:limit]]
        queries = {commune_key(text), fold(text)}  # "st" may be "saint" or the start of "Strasbourg"
        queries.discard("")
        if not queries:
            return []
        ranks: dict[str, tuple[int, float]] = {}  # code -> (kind of match, typos)
        for code, name in self._t.keys.items():
            for q in queries:
                rank = 0 if name == q else 1 if name.startswith(q) else 2 if f" {q}" in name else 9
                if rank < ranks.get(code, (9, 0.0))[0]:
                    ranks[code] = (rank, 0.0)
        ranks = {k: v for k, v in ranks.items() if v[0] < 9}
        if len(ranks) < limit:
            for code, typos in self._near_misses(queries).items():
                ranks.setdefault(code, (3, typos))
        listed = set(listed)

        def order(code: str) -> tuple[int, float, int, bool, int]:
            population = self._t.communes[code].population or 0
            magnitude = len(str(population)) if population else 0
            return (*ranks[code], -magnitude, code not in listed, -population)

        best = sorted(ranks, key=order)[:limit]
        return [Suggestion(self._t.communes[c], fuzzy=ranks[c][0] == 3) for c in best]

    def _near_misses(self, queries: set[str]) -> dict[str, float]:
        """Codes whose name is a few typos from a query: the whole name, or (half a typo more)
        its beginning, as the resident may not have finished typing."""
        codes = list(self._t.keys)
        found: dict[str, float] = {}
        for q in queries:
            allowed = max_typos(q)
            if not allowed:
                continue
            whole = [self._t.keys[c] for c in codes]
            starts = [name[: len(q)] for name in whole]
            for names, extra in ((whole, 0.0), (starts, 0.5)):
                for _, typos, i in process.extract(
                    q, names, scorer=OSA.distance, score_cutoff=allowed, limit=None
                ):
                    found[codes[i]] = min(found.get(codes[i], 99.0), typos + extra)
        return found

    # ------------------------------------------------------------ geometry

    @functools.cached_property
    def _geometry(self) -> tuple[shapely.STRtree, np.ndarray, list[str]]:
        shapes = self._shapes_source or read_cache(self._cache_dir, "shapes")
        if shapes is None:
            shapes = build_tables()[1]
            write_cache(self._cache_dir, "shapes", shapes)
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

    def shapes_in(self, south: float, west: float, north: float, east: float) -> dict[str, list]:
        """The polygons meeting a lat/lon box, by commune INSEE code (a commune drawn from its
        former communes has several)."""
        tree, polygons, codes = self._geometry
        found: dict[str, list] = {}
        for i in tree.query(shapely.box(west, south, east, north), predicate="intersects"):
            found.setdefault(codes[i], []).append(polygons[i])
        return found

    def outlines(self, departements: list[str] | None = None, tolerance: float = MAP_TOLERANCE) -> dict:
        """GeoJSON FeatureCollection of simplified département outlines (WGS84), for an offline map."""
        features = []
        for dep in departements or sorted(self._t.departement_names):
            if dep not in self._t.departement_names:
                raise LookupError(f"département inconnu : « {dep} »")
            properties = {"code": dep, "nom": self._t.departement_names[dep]}
            geometry = (
                self._map_outlines()[dep] if tolerance == MAP_TOLERANCE else self._simplified(dep, tolerance)
            )
            features.append({"type": "Feature", "properties": properties, "geometry": geometry})
        return {"type": "FeatureCollection", "features": features}

    def _map_outlines(self) -> dict[str, dict]:
        """Every département's outline at the map's tolerance, as GeoJSON geometry: merged from
        its communes once per machine (data/cache), since a home map over France asked for a
        hundred of them (1.2 s of its first run)."""
        if self._map is None:
            found = read_cache(self._cache_dir, "outlines")
            if not isinstance(found, dict) or set(found) != set(self._t.departement_names):
                found = {
                    dep: self._simplified(dep, MAP_TOLERANCE) for dep in sorted(self._t.departement_names)
                }
                write_cache(self._cache_dir, "outlines", found)
            self._map = found
        return self._map

    def _simplified(self, dep: str, tolerance: float) -> dict:
        shape = _without_specks(shapely.simplify(self._outline(dep), tolerance), tolerance**2)
        shape = shapely.transform(shape, lambda xy: np.round(xy, 5))
        return json.loads(shapely.to_geojson(shape))

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


def max_typos(key: str) -> int:
    """How many typos a name of this length may carry and still be suggested: none under
    4 letters (too many names are that close), one up to 8 letters, two beyond."""
    letters = len(key.replace(" ", ""))
    return 0 if letters < 4 else 1 if letters <= 8 else 2


def _without_specks(shape: shapely.Geometry, min_area: float) -> shapely.Geometry:
    """Drop the slivers left between imperfectly joined communes, and islets below the tolerance."""
    polygons = []
    for part in shapely.get_parts(shapely.get_parts(shape)):  # make_valid may nest a MultiPolygon
        if isinstance(part, shapely.Polygon) and part.area >= min_area:
            holes = [h for h in part.interiors if shapely.Polygon(h).area >= min_area]
            polygons.append(shapely.Polygon(part.exterior, holes))
    return shapely.MultiPolygon(polygons)
