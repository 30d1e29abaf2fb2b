"""The index behind `etl.links`: listings by kind and grid cell, and each cell's names by key.

For a name, the answer is the listing with the greatest (score, id) among those of the wanted
kinds within MAX_KM whose best member name scores at least MIN_SCORE. Found without scoring
every listing:

1. rapidfuzz scores the name against the *distinct* keys of the 3×3 cells around the
   listing (`process.extract` with a cut-off), once per cell block and distinct name;
2. the listings bearing a matching key are walked best score first, greatest id first
   (each cell keeps its lists in decreasing id order, merged lazily);
3. the first one that is not the listing itself and lies within MAX_KM is the answer: a
   listing met again at a lower score was already judged at its best one.

A name made only of stopwords ("La Ferme") is compared whole with every member's name by
token set, as `name_score` does; those are rare and scored one by one.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from courtcircuit.geo import haversine_km
from etl.golden import GoldenListing
from etl.name_keys import KeyCache, NameKeys

OUTLET_KINDS = ("marche", "amap", "point_de_vente", "magasin_producteurs", "drive", "distributeur")
MAX_KM = 80.0
MIN_SCORE = 85.0
# Grid cells wider than MAX_KM (0.75° of latitude ≈ 83 km; 1.2° of longitude ≥ 80 km up to
# 52°N), so the 3×3 cells around a listing hold every candidate within MAX_KM.
CELL_DEG = (0.75, 1.2)

Cell = tuple[int, int]
# Which comparison a key takes part in: sorted words and squeezed key (ratio), or the folded
# name of a member whose key is empty (token set ratio).
SORTED, SQUEEZED, WHOLE = 0, 1, 2


def cell_of(listing: GoldenListing) -> Cell:
    lat, lon = listing.position
    return math.floor(lat / CELL_DEG[0]), math.floor(lon / CELL_DEG[1])


class _CellNames:
    """The listings of one kind in one cell, by the keys of their members' names.

    Lists are filled in decreasing id order (the index adds listings that way), and a listing
    appears once per list even when several members share a key.
    """

    def __init__(self) -> None:
        self.listings: list[GoldenListing] = []
        self.by_key: tuple[dict[str, list[GoldenListing]], ...] = ({}, {}, {})

    def add(self, listing: GoldenListing, keys: Iterable[NameKeys]) -> None:
        self.listings.append(listing)
        for k in keys:
            entries = ((SORTED, k.sorted_key), (SQUEEZED, k.squeezed)) if k.key else ((WHOLE, k.folded),)
            for table, text in entries:
                found = self.by_key[table].setdefault(text, [])
                if not found or found[-1] is not listing:
                    found.append(listing)


class _Block:
    """The 3×3 cells around one cell, for one set of kinds: their distinct keys, and what each
    distinct name scored against them (names repeat: the same farms are named by many rows)."""

    def __init__(self, cells: list[_CellNames]) -> None:
        self.cells = cells
        self.choices = tuple(list(dict.fromkeys(k for c in cells for k in c.by_key[t])) for t in range(3))
        self.memo: dict[NameKeys, list[tuple[float, list[list[GoldenListing]]]]] = {}

    def levels(self, name: NameKeys) -> list[tuple[float, list[list[GoldenListing]]]]:
        """(score, the cells' lists of listings with a key of that score), best score first."""
        found = self.memo.get(name)
        if found is not None:
            return found
        scored: dict[float, list[list[GoldenListing]]] = defaultdict(list)
        queries = ((SORTED, name.sorted_key, fuzz.ratio), (SQUEEZED, name.squeezed, fuzz.ratio))
        for table, query, scorer in (*queries, (WHOLE, name.folded, fuzz.token_set_ratio)):
            matches = process.extract(
                query, self.choices[table], scorer=scorer, score_cutoff=MIN_SCORE, limit=None
            )
            for key, score, _ in matches:
                scored[score] += [c.by_key[table][key] for c in self.cells if key in c.by_key[table]]
        found = self.memo[name] = sorted(scored.items(), key=lambda level: -level[0])
        return found


class LinkIndex:
    def __init__(self, listings: list[GoldenListing]) -> None:
        self.keys = KeyCache()
        self.cells: dict[tuple[str, Cell], _CellNames] = defaultdict(_CellNames)
        self.blocks: dict[tuple[tuple[str, ...], Cell], _Block] = {}
        for listing in sorted(listings, key=lambda x: x.id, reverse=True):
            keys = listing.name_keys or [self.keys(m.name) for m in listing.members]  # folded by resolve
            self.cells[(str(listing.fields.kind), cell_of(listing))].add(listing, keys)

    def _cells(self, kinds: tuple[str, ...], centre: Cell) -> list[_CellNames]:
        cy, cx = centre
        around = [(k, (cy + dy, cx + dx)) for k in kinds for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        return [self.cells[at] for at in around if at in self.cells]

    def best(self, listing: GoldenListing, name: str, kind: str | None) -> GoldenListing | None:
        """The listing `name` designates from `listing`, or None when none scores MIN_SCORE."""
        kinds = (kind,) if kind else OUTLET_KINDS
        centre = cell_of(listing)
        wanted = self.keys(name)
        if not wanted.key:
            return self._best_by_token_set(listing, wanted, self._cells(kinds, centre))
        block = self.blocks.get((kinds, centre))
        if block is None:
            block = self.blocks[(kinds, centre)] = _Block(self._cells(kinds, centre))
        for _, lists in block.levels(wanted):
            found = _first_within(listing, lists)
            if found is not None:
                return found
        return None

    def _best_by_token_set(
        self, listing: GoldenListing, wanted: NameKeys, cells: list[_CellNames]
    ) -> GoldenListing | None:
        best: tuple[float, str, GoldenListing] | None = None
        for cell in cells:
            for other in cell.listings:
                if other.id == listing.id or _km(listing, other) > MAX_KM:
                    continue
                keys = other.name_keys or [self.keys(m.name) for m in other.members]
                score = max(fuzz.token_set_ratio(wanted.folded, k.folded) for k in keys)
                if best is None or (score, other.id) > best[:2]:
                    best = (score, other.id, other)
        return best[2] if best is not None and best[0] >= MIN_SCORE else None


def _first_within(listing: GoldenListing, lists: list[list[GoldenListing]]) -> GoldenListing | None:
    """The listing of greatest id among `lists` (each in decreasing id order) that is not
    `listing` and lies within MAX_KM of it, or None.

    Each list is read from its head only while its ids exceed the best found so far, so no
    listing is looked at that a merge of the lists in decreasing id order would not reach."""
    best: GoldenListing | None = None
    for entries in sorted(lists, key=lambda entries: entries[0].id, reverse=True):
        for other in entries:
            if best is not None and other.id <= best.id:
                break
            if other.id != listing.id and _km(listing, other) <= MAX_KM:
                best = other
                break
    return best


def _km(a: GoldenListing, b: GoldenListing) -> float:
    # The fields, not `position`: every listing indexed has one (cell_of asked), and the checking
    # property was 2 % of a 10^6-row build, called for every candidate.
    fa, fb = a.fields, b.fields
    return haversine_km(fa.lat, fa.lon, fb.lat, fb.lon)  # type: ignore[arg-type]
