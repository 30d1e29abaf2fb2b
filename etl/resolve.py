"""One place, one listing: entity resolution across sources.

1. Candidates: records within ~200 m of each other, or in the same commune when one side
   is only placed at its town hall, and of compatible kinds.
2. Decision per pair: identifiers (SIRET, phone, website) and fuzzy names (rapidfuzz);
   decisions kept by people (`data/decisions/pairs.csv`, and the staff space's « même lieu » /
   « pas le même lieu », `courtcircuit.workspace.decisions`, passed in by `etl.build`) override both.
3. Clusters by union-find, never joining two records a decision keeps apart, nor two
   records of the same source (a source does not list one place twice on purpose).
4. A golden record per cluster (`etl.golden`), field by field from the member of best
   precedence that has a value (coordinates: best precision first), with its provenance.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import shapely

from courtcircuit.geo import haversine_km
from courtcircuit.record import Record
from etl.golden import GoldenListing, golden, member_order
from etl.name_keys import KeyCache, NameKeys, name_keys, score_keys

NEAR_M = 200.0
# Kinds that can describe the same place in two sources.
KIND_GROUP = {"magasin_producteurs": "point_de_vente"}


@dataclass(frozen=True)
class PairDecision:
    a: tuple[str, str]
    b: tuple[str, str]
    same: bool


@dataclass
class MergeNote:
    kept: tuple[str, str]
    merged: tuple[str, str]
    distance_m: float | None
    name_score: float
    reason: str


def load_decisions(path: Path | None) -> dict[frozenset[tuple[str, str]], bool]:
    """Pairs people decided on: `source_a;ref_a;source_b;ref_b;decision(same|different);note`."""
    if path is None or not path.exists():
        return {}
    decisions: dict[frozenset[tuple[str, str]], bool] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            pair = frozenset({(row["source_a"], row["ref_a"]), (row["source_b"], row["ref_b"])})
            decisions[pair] = row["decision"].strip().lower() in ("same", "meme", "même")
    return decisions


def name_key(name: str | None) -> str:
    """The name without the words that say what a place is ("GAEC", "Ferme", "la"…)."""
    return name_keys(name).key


def name_score(a: str | None, b: str | None) -> float:
    """0–100: token-sorted and space-free similarity of the keys; names made only of such words
    ("La Ferme") are compared whole, by token set."""
    return score_keys(name_keys(a), name_keys(b))


def distance_m(a: Record, b: Record) -> float:
    return haversine_km(a.lat or 0, a.lon or 0, b.lat or 0, b.lon or 0) * 1000


def _site(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).netloc.lower().removeprefix("www.")
    # Shared hosting pages (facebook.com/xyz) say nothing about identity by host alone.
    return url.lower().rstrip("/") if host in ("facebook.com", "instagram.com", "linktr.ee") else host


def same_place(
    a: Record, b: Record, dist: float | None, keys: tuple[NameKeys, NameKeys] | None = None
) -> tuple[bool, float, str]:
    """(same?, name score, reason) for two candidate records; `keys`: their names' keys, when
    the caller has them already (resolve folds each name once)."""
    score = score_keys(*keys) if keys else name_score(a.name, b.name)
    if a.siret and b.siret:
        return (a.siret == b.siret, score, "même SIRET" if a.siret == b.siret else "SIRET différents")
    close = dist is None or dist <= NEAR_M
    if a.phone and a.phone == b.phone and score >= 50:
        return True, score, "même téléphone"
    if _site(a.website) and _site(a.website) == _site(b.website) and score >= 50:
        return True, score, "même site web"
    if close and score >= 85:
        return True, score, f"noms proches ({score:.0f})"
    if dist is not None and dist <= 50 and score >= 70:
        return True, score, f"même lieu, noms voisins ({score:.0f})"
    return False, score, f"noms différents ({score:.0f})"


# Metres per degree of the local plane the spatial index works in (latitude; longitude at the
# equator, times the cosine of the point's latitude). Within 200 m it is within 1 % of the
# haversine distance; the index looks a quarter further, and the haversine decides.
_M_PER_DEG = (110_540.0, 111_320.0)
_SEARCH_M = NEAR_M * 1.25


def _close_pairs(records: list[Record], members: list[int]) -> Iterable[tuple[int, int, float]]:
    """(i, j, metres) for the pairs of `members` within NEAR_M, i < j, in that order.

    An R-tree (shapely, in C) finds the neighbours: a grid of 200 m cells walked in Python,
    nine lookups per record, was a sixth of resolving 10^6 records."""
    lat = np.array([records[i].lat or 0.0 for i in members])
    lon = np.array([records[i].lon or 0.0 for i in members])
    points = shapely.points(lon * np.cos(np.radians(lat)) * _M_PER_DEG[1], lat * _M_PER_DEG[0])
    near, other = shapely.STRtree(points).query(points, predicate="dwithin", distance=_SEARCH_M)
    index = np.asarray(members)
    first, second = index[near], index[other]
    keep = first < second
    first, second = first[keep], second[keep]
    for i, j in sorted(zip(first.tolist(), second.tolist(), strict=True)):
        d = distance_m(records[i], records[j])
        if d <= NEAR_M:
            yield i, j, d


def candidate_pairs(records: list[Record]) -> Iterable[tuple[int, int, float | None]]:
    """Index pairs (i < j) worth comparing, with their distance (None: one is commune-level):
    records of kinds that can describe one place (KIND_GROUP), within NEAR_M of each other or
    in the same commune when one is placed at its town hall only.

    Grouped by kind before distances are taken: a village square holds a market, a shop and
    producers within 200 m, and their pairs, compared then dropped, grew with the square's
    crowd."""
    placed: dict[str | None, list[int]] = defaultdict(list)
    by_commune: dict[tuple[str | None, str], list[int]] = defaultdict(list)
    exact_by_commune: dict[tuple[str | None, str], list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        group = _kind_group(rec.kind)
        if rec.geo_precision == "commune":
            by_commune[(group, rec.commune_insee or "")].append(i)
        else:
            placed[group].append(i)
            exact_by_commune[(group, rec.commune_insee or "")].append(i)
    for members in placed.values():
        yield from _close_pairs(records, members)
    # A pair with a record placed at its town hall only is never among those above.
    seen: set[tuple[int, int]] = set()
    for insee, vague in by_commune.items():
        others = vague + exact_by_commune.get(insee, [])
        for i in vague:
            for j in others:
                if i != j and (min(i, j), max(i, j)) not in seen:
                    seen.add((min(i, j), max(i, j)))
                    yield min(i, j), max(i, j), None


def _kind_group(kind: str | None) -> str | None:
    return KIND_GROUP.get(kind or "", kind)


class _Clusters:
    """Union-find that refuses joins a decision or a shared source forbids."""

    def __init__(self, records: list[Record], forbidden: set[frozenset[tuple[str, str]]]) -> None:
        self.records = records
        self.parent = list(range(len(records)))
        # The members of each root that was joined; a root not in here is alone. (A set of keys
        # and one of sources per record was 400 MB at 10^6 records, for clusters of one or two.)
        self.joined: dict[int, list[int]] = {}
        self.forbidden = forbidden

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int, force: bool = False) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return True
        left, right = self.joined.get(ri, [ri]), self.joined.get(rj, [rj])
        recs = self.records
        if not force and {recs[k].source for k in left} & {recs[k].source for k in right}:
            return False
        if self.forbidden and any(
            frozenset({recs[a].key, recs[b].key}) in self.forbidden for a in left for b in right
        ):
            return False
        self.parent[rj] = ri
        self.joined[ri] = left + right
        self.joined.pop(rj, None)
        return True


def stable_id(source: str, ref: str) -> str:
    return "cc-" + hashlib.sha1(f"{source}\x1f{ref}".encode()).hexdigest()[:12]


@dataclass
class Resolution:
    listings: list[GoldenListing]
    merges: list[MergeNote]
    kept_apart: list[MergeNote]


def resolve(
    records: list[Record],
    decisions: dict[frozenset[tuple[str, str]], bool] | None = None,
    previous_ids: dict[tuple[str, str], str] | None = None,
) -> Resolution:
    decisions = decisions or {}
    previous_ids = previous_ids or {}
    records = sorted(records, key=lambda r: (r.source, r.ref))  # same inputs, same clusters, any order
    clusters = _Clusters(records, {pair for pair, same in decisions.items() if not same})
    merges: list[MergeNote] = []
    apart: list[MergeNote] = []
    scored: list[tuple[float, int, int, float | None, str]] = []
    cache = KeyCache()
    keys = [cache(r.name) for r in records]
    for i, j, dist in candidate_pairs(records):  # of kinds that can be one place
        a, b = records[i], records[j]
        if decisions and frozenset({a.key, b.key}) in decisions:
            continue
        same, score, reason = same_place(a, b, dist, (keys[i], keys[j]))
        if same:
            scored.append((score, i, j, dist, reason))
        elif score >= 60 and a.source != b.source:
            apart.append(MergeNote(a.key, b.key, dist, score, reason))
    # What each step needs is let go once done: at 10^6 records these lists and dicts held
    # hundreds of MB while the listings were being made, the build's memory peak.
    del keys
    index = {r.key: i for i, r in enumerate(records)} if decisions else {}
    for pair, same in decisions.items():
        keys = sorted(pair)
        if same and len(keys) == 2 and all(k in index for k in keys):
            i, j = index[keys[0]], index[keys[1]]
            if clusters.union(i, j, force=True):
                merges.append(MergeNote(keys[0], keys[1], None, 100.0, "décision : même lieu"))
    del index
    # Strongest evidence first, so a weak link cannot block a strong one.
    for score, i, j, dist, reason in sorted(scored, key=lambda t: (-t[0], t[1], t[2])):
        if clusters.union(i, j):
            merges.append(MergeNote(records[i].key, records[j].key, dist, score, reason))
        else:
            apart.append(MergeNote(records[i].key, records[j].key, dist, score, reason + " ; fusion refusée"))
    del scored
    groups: dict[int, list[Record]] = defaultdict(list)
    for i, rec in enumerate(records):
        groups[clusters.find(i)].append(rec)
    del clusters
    ordered = sorted(
        groups.values(), key=lambda m: member_order(m[0]) if len(m) == 1 else min(map(member_order, m))
    )
    del groups
    wanted = [_listing_id(members, previous_ids) for members in ordered]
    # A listing split since the last build: its id stays with the part holding the record it
    # was named after, else with the part of best precedence; the other parts get their own.
    owner: dict[str, int] = {}
    for n, (members, listing_id) in enumerate(zip(ordered, wanted, strict=True)):
        named_after = any(stable_id(r.source, r.ref) == listing_id for r in members)
        if listing_id not in owner or named_after:
            owner[listing_id] = n
    used = set(owner)
    listings = []
    for n, (members, listing_id) in enumerate(zip(ordered, wanted, strict=True)):
        if owner[listing_id] != n:
            listing_id = _free_id(members, used)
            used.add(listing_id)
        listing = golden(members, listing_id)
        listing.name_keys = tuple(cache(m.name) for m in listing.members)  # already folded
        listings.append(listing)
    listings.sort(key=lambda listing: listing.id)
    return Resolution(listings, merges, apart)


def _free_id(members: list[Record], used: set[str]) -> str:
    """A split-off part's id: its best member's hash unless taken, then the next member's, else a
    numbered hash."""
    ranked = sorted(members, key=member_order)
    for member in ranked:
        if (candidate := stable_id(member.source, member.ref)) not in used:
            return candidate
    n = 1
    while (candidate := stable_id(ranked[0].source, f"{ranked[0].ref}\x1f{n}")) in used:
        n += 1
    return candidate


def _listing_id(members: list[Record], previous_ids: dict[tuple[str, str], str]) -> str:
    """An id that survives rebuilds: a member's id from the previous build, else a hash of the
    best-precedence member, so a new lower-precedence source never renumbers others."""
    earlier = sorted({previous_ids[m.key] for m in members if m.key in previous_ids})
    if earlier:
        return earlier[0]
    anchor = min(members, key=member_order)
    return stable_id(anchor.source, anchor.ref)
