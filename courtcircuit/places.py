"""Finding the place a resident types: a commune, a postcode, or (online) a street address.

Communes and postcodes are answered offline from the commune index (accents optional,
"St" = "Saint", one typo forgiven). A street address needs the national address base: the
IGN Géoplateforme geocoder (``data.geopf.fr/geocodage/search``, the successor of
api-adresse.data.gouv.fr, same GeoJSON answer). It is only called when configured
(``COURT_CIRCUIT_GEOCODER=geoplateforme``) and its failure is a notice, never an error:
the offline answers still come.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from courtcircuit.communes import Commune, CommuneIndex
from courtcircuit.vocab import fold

GEOPLATEFORME_URL = "https://data.geopf.fr/geocodage/search"
TIMEOUT_S = 3.0


@dataclass(frozen=True)
class Place:
    label: str  # what to show and keep in the URL
    lat: float
    lon: float
    kind: str  # "commune", "adresse" or "position"
    insee: str | None = None


class GeocoderUnavailable(RuntimeError):
    """The address geocoder could not be reached or answered nonsense."""


Fetch = Callable[[str, float], bytes]


def _http_get(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "court-circuit/1.0"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def geocoder_enabled() -> bool:
    return os.environ.get("COURT_CIRCUIT_GEOCODER", "").strip().lower() in ("geoplateforme", "ban")


def parse_geocoder_answer(payload: bytes | str) -> list[Place]:
    """Places from a Géoplateforme / BAN search answer (a GeoJSON FeatureCollection)."""
    try:
        data = json.loads(payload)
        features = data["features"]
    except (ValueError, KeyError, TypeError) as exc:
        raise GeocoderUnavailable(f"réponse du géocodeur illisible ({exc.__class__.__name__})") from exc
    places = []
    for feature in features if isinstance(features, list) else []:
        try:
            lon, lat = feature["geometry"]["coordinates"][:2]
            props = feature.get("properties") or {}
            label = str(props["label"])
            lat, lon = float(lat), float(lon)
        except (KeyError, TypeError, ValueError, IndexError):
            continue  # one odd feature must not hide the others
        kind = "commune" if props.get("type") == "municipality" else "adresse"
        places.append(Place(label, lat, lon, kind, props.get("citycode")))
    return places


def geocode_address(text: str, limit: int = 5, fetch: Fetch = _http_get) -> list[Place]:
    query = urllib.parse.urlencode({"q": text[:200], "limit": limit, "index": "address"})
    try:
        payload = fetch(f"{GEOPLATEFORME_URL}?{query}", TIMEOUT_S)
    except (OSError, http.client.HTTPException) as exc:  # IncompleteRead & co. are no OSError
        raise GeocoderUnavailable(f"géocodeur d'adresses injoignable ({exc.__class__.__name__})") from exc
    return parse_geocoder_answer(payload)


def commune_place(commune: Commune) -> Place | None:
    point = commune.point
    if point is None:
        return None
    postcode = commune.postcodes[0] if len(commune.postcodes) == 1 else commune.departement
    return Place(f"{commune.name} ({postcode})", point[0], point[1], "commune", commune.insee)


def looks_like_address(text: str) -> bool:
    """'12 rue du Marché Ambert': a number with words, or a street word."""
    folded = fold(text)
    has_words = re.search(r"[a-z]{3}", folded) is not None
    street = re.search(
        r"\b(rue|route|avenue|av|chemin|place|bd|boulevard|allee|impasse|lieu dit|hameau)\b", folded
    )
    return has_words and (re.search(r"\b\d{1,4}\b", folded) is not None or street is not None)


def _saint(folded: str) -> str:
    return re.sub(r"\bste\b", "sainte", re.sub(r"\bst\b", "saint", folded))


@dataclass
class PlaceSearch:
    places: list[Place]  # best first
    exact: Place | None  # when the text names one place without doubt
    notice: str | None = None  # e.g. the address geocoder was unreachable


def find_places(
    text: str,
    communes: CommuneIndex,
    *,
    limit: int = 8,
    use_geocoder: bool | None = None,
    fetch: Fetch = _http_get,
) -> PlaceSearch:
    """Suggestions for what was typed; ``exact`` when it is a unique commune name or postcode."""
    text = text.strip()[:200]
    if not text:
        return PlaceSearch([], None)
    offline = [p for c in communes.suggest(text, limit=limit) if (p := commune_place(c))]
    if not offline and looks_like_address(text):
        # Offline, "12 rue du Marché Ambert" still gives the commune at its end.
        words = text.split()
        for n in (3, 2, 1):
            tail = " ".join(words[-n:])
            if len(words) > n and (hits := communes.suggest(tail, limit=limit)):
                offline = [p for c in hits if (p := commune_place(c))]
                break
    exact = None
    folded = _saint(fold(text))
    same_name = [p for p in offline if _saint(fold(p.label.rsplit(" (", 1)[0])) == folded]
    compact = re.sub(r"\s+", "", text)
    if compact.isdigit() and len(compact) == 5:
        in_postcode = [c for c in communes.suggest(compact, limit=limit) if compact in c.postcodes]
        if len(in_postcode) == 1:
            exact = commune_place(in_postcode[0])
    elif len(same_name) == 1:
        exact = same_name[0]
    elif "(" in text:  # a suggestion's own label, "Ambert (63600)", typed or pasted back
        exact = next((p for p in offline if fold(p.label) == folded), None)

    notice = None
    online: list[Place] = []
    if (geocoder_enabled() if use_geocoder is None else use_geocoder) and looks_like_address(text):
        try:
            online = geocode_address(text, fetch=fetch)
        except GeocoderUnavailable as exc:
            notice = f"Recherche d'adresse indisponible ({exc}) : seules les communes sont proposées."
    places = list(dict.fromkeys([*online, *offline]))[:limit]
    return PlaceSearch(places, exact, notice)
