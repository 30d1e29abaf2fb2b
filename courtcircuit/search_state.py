"""The resident search's state as URL query parameters, so a search can be shared or bookmarked.

:func:`parse` never raises: a parameter it cannot read falls back to its default and adds a
notice in French saying which one and why (a ``courtcircuit.messages.Message``: the interface
translates it); :func:`to_params` writes only what differs from the defaults, so URLs stay short.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from courtcircuit.hours import DAYS_FR
from courtcircuit.messages import Message
from courtcircuit.search import RADIUS_MAX_KM, RADIUS_MIN_KM, Area, Filters
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS, Vocabulary, fold

DEFAULT_RADIUS_KM = 10
RADIUS_PRESETS = (5, 10, 30, 50)
BASEMAPS = ("osmfr", "ign", "aucun")
MAX_TEXT = 100

# URL parameter -> (Filters field, vocabulary)
LIST_PARAMS: dict[str, tuple[str, Vocabulary]] = {
    "type": ("kinds", KINDS),
    "vente": ("channels", CHANNELS),
    "label": ("labels", LABELS),
    "produit": ("products", PRODUCTS),
}


@dataclass(frozen=True)
class SearchState:
    place: str = ""  # what the resident typed or chose, for display
    lat: float | None = None
    lon: float | None = None
    radius_km: int = DEFAULT_RADIUS_KM
    filters: Filters = field(default_factory=Filters)
    page: int = 1
    basemap: str = "osmfr"

    @property
    def area(self) -> Area | None:
        if self.lat is None or self.lon is None:
            return None
        return Area(self.lat, self.lon, float(self.radius_km))


def _one(value: str | list[str] | None) -> str | None:
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def _float(raw: str, lo: float, hi: float) -> float | None:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and lo <= value <= hi else None


def parse(params: Mapping[str, str | list[str]]) -> tuple[SearchState, list[str]]:
    """A search state from query parameters, and a notice per parameter that was ignored."""
    notices: list[str] = []
    get = {k: _one(v) for k, v in params.items()}

    lat = lon = None
    if get.get("lat") is not None or get.get("lon") is not None:
        lat = _float(get.get("lat") or "", -90, 90)
        lon = _float(get.get("lon") or "", -180, 180)
        if lat is None or lon is None:
            notices.append(Message("Position du lien illisible (lat/lon) : la recherche repart sans lieu."))
            lat = lon = None

    radius = DEFAULT_RADIUS_KM
    if (raw := get.get("rayon")) is not None:
        value = _float(raw, RADIUS_MIN_KM, RADIUS_MAX_KM)
        if value is None:
            notices.append(
                Message(
                    "Rayon « {raw} » invalide (de {least} à {most} km) : {radius} km retenus.",
                    raw=raw[:20],
                    least=format(RADIUS_MIN_KM, "g"),
                    most=format(RADIUS_MAX_KM, "g"),
                    radius=DEFAULT_RADIUS_KM,
                )
            )
        else:
            radius = round(value)

    lists: dict[str, tuple[str, ...]] = {}
    for name, (attr, vocab) in LIST_PARAMS.items():
        raw = get.get(name)
        if not raw:
            continue
        codes = [c.strip() for c in raw.split(",") if c.strip()]
        known = [c for c in codes if c in vocab]
        unknown = [c for c in codes if c not in vocab]
        if unknown:
            shown = ", ".join(u[:30] for u in unknown)
            notices.append(
                Message("Valeur inconnue ignorée pour « {name} » : {values}.", name=name, values=shown)
            )
        lists[attr] = tuple(dict.fromkeys(known))

    text = (get.get("texte") or "").strip()
    if len(text) > MAX_TEXT:
        notices.append(Message("Texte recherché tronqué à {n} caractères.", n=MAX_TEXT))
        text = text[:MAX_TEXT]

    open_now = False
    if (raw := get.get("ouvert")) is not None:
        if raw in ("1", "oui", "true"):
            open_now = True
        elif raw not in ("0", "non", "false", ""):
            notices.append(
                Message("« ouvert={raw} » non compris : filtre « ouvert maintenant » retiré.", raw=raw[:20])
            )

    day = None
    if raw := get.get("jour"):
        if fold(raw) in DAYS_FR:
            day = DAYS_FR.index(fold(raw))
        else:
            notices.append(Message("Jour « {raw} » inconnu : filtre retiré.", raw=raw[:20]))

    minute = None
    if raw := get.get("heure"):
        m = re.fullmatch(r"([01]?\d|2[0-3])[:h]([0-5]\d)", raw.strip())
        if m:
            minute = int(m.group(1)) * 60 + int(m.group(2))
        else:
            notices.append(Message("Heure « {raw} » illisible (format 09:30) : filtre retiré.", raw=raw[:20]))

    page = 1
    if raw := get.get("page"):
        if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 100_000:  # "²".isdigit(), int("²") fails
            page = int(raw)
        else:
            notices.append(Message("Page « {raw} » invalide : retour à la première page.", raw=raw[:20]))

    basemap = get.get("fond") or "osmfr"
    if basemap not in BASEMAPS:
        notices.append(
            Message("Fond de carte « {raw} » inconnu : OpenStreetMap France retenu.", raw=basemap[:20])
        )
        basemap = "osmfr"

    place = (get.get("lieu") or "").strip()[:MAX_TEXT]
    filters = Filters(**lists, text=text, open_now=open_now, day=day, minute=minute)
    state = SearchState(place, lat, lon, radius, filters, page, basemap)
    return state, notices


def to_params(state: SearchState) -> dict[str, str]:
    """Query parameters for ``state``; defaults are left out."""
    out: dict[str, str] = {}
    if state.place:
        out["lieu"] = state.place
    if state.lat is not None and state.lon is not None:
        out["lat"] = f"{state.lat:.5f}"
        out["lon"] = f"{state.lon:.5f}"
    if state.radius_km != DEFAULT_RADIUS_KM:
        out["rayon"] = str(state.radius_km)
    f = state.filters
    for name, (attr, _) in LIST_PARAMS.items():
        if values := getattr(f, attr):
            out[name] = ",".join(values)
    if f.text:
        out["texte"] = f.text
    if f.open_now:
        out["ouvert"] = "1"
    if f.day is not None:
        out["jour"] = DAYS_FR[f.day]
    if f.minute is not None:
        out["heure"] = f"{f.minute // 60:02d}:{f.minute % 60:02d}"
    if state.page != 1:
        out["page"] = str(state.page)
    if state.basemap != "osmfr":
        out["fond"] = state.basemap
    return out
