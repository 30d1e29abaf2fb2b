"""Finding the place a resident types: a commune, a postcode, or (online) a street address.

Communes and postcodes are answered offline from the commune index (accents optional,
"St" = "Saint", one typo forgiven). A street address needs the national address base: the
IGN Géoplateforme geocoder (``data.geopf.fr/geocodage/search``, the successor of
api-adresse.data.gouv.fr, same GeoJSON answer). It is only called when configured
(``COURT_CIRCUIT_GEOCODER=geoplateforme``) and its failure is a notice, never an error:
the offline answers still come. Notices are ``courtcircuit.messages.Message``s (French, and
translatable by the interface).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import urllib.parse
import urllib.request
from collections.abc import Callable, Collection
from dataclasses import dataclass

import duckdb

from courtcircuit.communes import Commune, CommuneIndex
from courtcircuit.messages import Message
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
        raise GeocoderUnavailable(
            Message("réponse du géocodeur illisible ({error})", error=exc.__class__.__name__)
        ) from exc
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
        raise GeocoderUnavailable(
            Message("géocodeur d'adresses injoignable ({error})", error=exc.__class__.__name__)
        ) from exc
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
    return has_words and (re.search(r"\b\d{1,4}\b", folded) is not None or _STREET.search(folded) is not None)


_STREET = re.compile(
    r"\b(rue|route|avenue|av|chemin|place|bd|boulevard|allee|impasse|quai|lieu dit|lieudit|hameau"
    r"|lotissement|residence)\b"
)
_HOUSE_NUMBER = re.compile(r"^\s*\d{1,4}\s*(?:bis|ter|[a-d])?\b")


def is_street_address(text: str) -> bool:
    """A house number then words, or a street word: what only an address geocoder can place.
    Stricter than :func:`looks_like_address`, so "Paris 15" is not told it is an address."""
    folded = fold(text)
    return re.search(r"[a-z]{3}", folded) is not None and (
        _HOUSE_NUMBER.match(folded) is not None or _STREET.search(folded) is not None
    )


COMMUNE_LEVEL = Message(
    "Adresse cherchée au niveau de la commune : les rues ne sont pas connues ici, "
    "la recherche part du centre de la commune (sa mairie)."
)


def _saint(folded: str) -> str:
    return re.sub(r"\bste\b", "sainte", re.sub(r"\bst\b", "saint", folded))


@dataclass
class PlaceSearch:
    places: list[Place]  # best first
    exact: Place | None  # when the text names one place without doubt
    notice: str | None = None  # a Message, e.g. the address geocoder was unreachable
    near_misses: bool = False  # no name is spelt as typed: the places are only close to it


def _commune_places(
    text: str, communes: CommuneIndex, limit: int, listed: Collection[str]
) -> tuple[list[Place], bool]:
    matches = communes.suggest_matches(text, limit=limit, listed=listed)
    places = [p for m in matches if (p := commune_place(m.commune))]
    return places, bool(matches) and all(m.fuzzy for m in matches)


def _address_communes(text: str, communes: CommuneIndex, limit: int, listed: Collection[str]) -> list[Place]:
    """The commune at the end of an address ("12 rue du Marché Ambert", "… 63600 Ambert"),
    spelt as typed: a near miss of the street's words would be a made-up place."""
    words = text.replace(",", " ").split()
    for n in (3, 2, 1):
        if len(words) > n:
            matches = communes.suggest_matches(" ".join(words[-n:]), limit=limit, listed=listed)
            if exact := [p for m in matches if not m.fuzzy and (p := commune_place(m.commune))]:
                return exact
    return []


def communes_with_listings(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """INSEE codes of the communes where the directory has active listings: among place names
    equally close to what was typed, these come first."""
    rows = con.execute(
        "SELECT DISTINCT commune_insee FROM listings WHERE status = 'active' AND commune_insee IS NOT NULL"
    ).fetchall()
    return frozenset(str(code) for (code,) in rows)


def find_places(
    text: str,
    communes: CommuneIndex,
    *,
    limit: int = 8,
    use_geocoder: bool | None = None,
    fetch: Fetch = _http_get,
    listed: Collection[str] = (),
) -> PlaceSearch:
    """Suggestions for what was typed; ``exact`` when it is a unique commune name or postcode.

    ``listed``: INSEE codes of the communes where the directory has listings, preferred among
    names equally close to the text (see ``CommuneIndex.suggest_matches``). Offline, a street
    address gives the commune at its end, with a notice saying the street is not searched.
    """
    text = text.strip()[:200]
    if not text:
        return PlaceSearch([], None)
    folded = _saint(fold(text))
    offline, near_misses = _commune_places(text, communes, limit, listed)
    same_name = [p for p in offline if _saint(fold(p.label.rsplit(" (", 1)[0])) == folded]
    # "Place du Marché Ambert" is an address, "Quai" or "La Place" are communes.
    street = is_street_address(text) and not same_name and "(" not in text
    if street or (not offline and looks_like_address(text)):
        offline, near_misses = _address_communes(text, communes, limit, listed), False
    exact = None
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
            notice = Message(
                "Recherche d'adresse indisponible ({why}) : seules les communes sont proposées.", why=str(exc)
            )
    if street and offline and not online and notice is None:
        notice = COMMUNE_LEVEL
    places = list(dict.fromkeys([*online, *offline]))[:limit]
    return PlaceSearch(places, exact, notice, near_misses and not online)
