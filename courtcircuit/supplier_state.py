"""The buyer's store profile and filters as URL query parameters: a bookmark brings them back.

Like :mod:`courtcircuit.search_state`, :func:`parse` never raises: an unreadable parameter
falls back to its default with a notice, in French or, with ``lang="en"``, in English.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from courtcircuit.suppliers import NEAR_PRESETS_KM, Store, SupplierFilters
from courtcircuit.vocab import AB_STATUS, LABELS, PRODUCTS, STORE_KINDS, Vocabulary

VIEWS = ("livrent", "proches", "couverture", "besoins")  # the page's tabs, first one by default
DEFAULT_NEAR_KM = NEAR_PRESETS_KM[0]
MAX_NEAR_KM = 300
MAX_PLACE = 100  # the place box's max_chars; a longer mlieu is cut
LISTS: dict[str, tuple[str, Vocabulary]] = {"produit": ("products", PRODUCTS), "label": ("labels", LABELS),
                                            "bio": ("ab_status", AB_STATUS)}  # fmt: skip
FLAGS = {"gtin": "gtin", "agrement": "sanitary", "siret": "siret", "volumes": "volumes"}

# What parse says of a parameter it could not read: French, and English for ``lang="en"``.
NOTICES: dict[str, dict[str, str]] = {
    "fr": {
        "position": "Position de l'établissement illisible dans le lien : indiquez-la à nouveau.",
        "kind": "Type d'établissement « {kind} » inconnu : supermarché retenu.",
        "near": "Distance « {raw} » invalide (1 à {max} km) : {default} km retenus.",
        "value": "Valeur inconnue ignorée pour « {name} » : {values}.",
        "view": "Onglet « {view} » inconnu : « livrent mon établissement » ouvert.",
    },
    "en": {
        "position": "The establishment's position in the link cannot be read: please give it again.",
        "kind": "Unknown kind of establishment “{kind}”: supermarket used instead.",
        "near": "Invalid distance “{raw}” (1 to {max} km): {default} km used instead.",
        "value": "Unknown value ignored for “{name}”: {values}.",
        "view": "Unknown tab “{view}”: “delivers to my establishment” opened.",
    },
}


@dataclass(frozen=True)
class ProspectState:
    place: str = ""
    lat: float | None = None
    lon: float | None = None
    store_kind: str = "supermarche"
    near_km: int = DEFAULT_NEAR_KM
    filters: SupplierFilters = field(default_factory=SupplierFilters)
    view: str = VIEWS[0]

    @property
    def store(self) -> Store | None:
        if self.lat is None or self.lon is None:
            return None
        return Store(self.lat, self.lon, self.store_kind, self.place)


def _one(value: str | list[str] | None) -> str | None:
    return (value[-1] if value else None) if isinstance(value, list) else value


def parse(params: Mapping[str, str | list[str]], lang: str = "fr") -> tuple[ProspectState, list[str]]:
    """The state a link describes, and what it could not read (notices in ``lang``)."""
    notices: list[str] = []
    said = NOTICES.get(lang, NOTICES["fr"])
    get = {k: _one(v) for k, v in params.items()}
    lat = lon = None
    if get.get("mlat") is not None or get.get("mlon") is not None:
        try:
            lat, lon = float(get.get("mlat") or "x"), float(get.get("mlon") or "x")
            if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
        except ValueError:
            notices.append(said["position"])
            lat = lon = None
    kind = get.get("etab") or "supermarche"
    if kind not in STORE_KINDS:
        notices.append(said["kind"].format(kind=kind[:20]))
        kind = "supermarche"
    near = DEFAULT_NEAR_KM
    if raw := get.get("km"):
        if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_NEAR_KM:  # "²".isdigit(), int("²") fails
            near = int(raw)
        else:
            notices.append(said["near"].format(raw=raw[:20], max=MAX_NEAR_KM, default=DEFAULT_NEAR_KM))
    lists: dict[str, tuple[str, ...]] = {}
    for name, (attr, vocab) in LISTS.items():
        if raw := get.get(name):
            codes = [c.strip() for c in raw.split(",") if c.strip()]
            if bad := [c for c in codes if c not in vocab]:
                notices.append(said["value"].format(name=name, values=", ".join(b[:30] for b in bad)))
            lists[attr] = tuple(dict.fromkeys(c for c in codes if c in vocab))
    flags = {attr: get.get(name) == "1" for name, attr in FLAGS.items()}
    freqs = tuple(f for f in (get.get("freq") or "").split("|") if f.strip())[:10]
    filters = SupplierFilters(**lists, **flags, frequencies=freqs)
    view = get.get("vue") or VIEWS[0]
    if view not in VIEWS:
        notices.append(said["view"].format(view=view[:20]))
        view = VIEWS[0]
    place = (get.get("mlieu") or "").strip()[:MAX_PLACE]
    return ProspectState(place, lat, lon, kind, near, filters, view), notices


def to_params(state: ProspectState) -> dict[str, str]:
    out: dict[str, str] = {}
    if state.place:
        out["mlieu"] = state.place
    if state.lat is not None and state.lon is not None:
        out["mlat"], out["mlon"] = f"{state.lat:.5f}", f"{state.lon:.5f}"
    if state.store_kind != "supermarche":
        out["etab"] = state.store_kind
    if state.near_km != DEFAULT_NEAR_KM:
        out["km"] = str(state.near_km)
    f = state.filters
    for name, (attr, _) in LISTS.items():
        if values := getattr(f, attr):
            out[name] = ",".join(values)
    for name, attr in FLAGS.items():
        if getattr(f, attr):
            out[name] = "1"
    if f.frequencies:
        out["freq"] = "|".join(f.frequencies)
    if state.view != VIEWS[0]:
        out["vue"] = state.view  # Back and a bookmark come back to the same tab
    return out


def merge_ticks(
    chosen: Sequence[str], shown: Sequence[str], before: Collection[str], after: Sequence[str]
) -> list[str]:
    """The shortlist after the buyer ticked or unticked rows of one table.

    ``chosen``: the shortlist, in the order the producers were ticked; ``shown``: the table's
    ids, top to bottom; ``before``/``after``: its ticked ids when drawn and now. Only the change
    counts, so a producer in two tables (delivers here, and within N km) unticked in one is not
    put back by the other. Newly ticked producers go last, in the table's order.
    """
    now = set(after)
    dropped = set(before) - now
    kept = [i for i in chosen if i not in dropped]
    added = [i for i in shown if i in now and i not in before and i not in kept]
    return kept + added
