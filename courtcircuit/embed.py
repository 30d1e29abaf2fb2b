"""Embedding the search on a partner's website: the iframe's address and snippet, and the
circle a territory's search starts with.

The address is the search page with `embed=1`, a title (`titre`), a territory (`territoire`:
départements, communes or EPCI as staff accounts write them) and the search's own parameters
for filters (`type`, `vente`, `label`, `produit`, see courtcircuit/search_state.py).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import urlencode

from courtcircuit.communes import CommuneIndex
from courtcircuit.communes.territory import communes_of
from courtcircuit.geo import haversine_km
from courtcircuit.search import RADIUS_MAX_KM, RADIUS_MIN_KM
from courtcircuit.workspace.accounts import Territory

MAX_TITLE = 80


def embed_url(
    base_url: str,
    title: str,
    territory: str = "",
    *,
    kinds: Sequence[str] = (),
    channels: Sequence[str] = (),
    labels: Sequence[str] = (),
    products: Sequence[str] = (),
    lang: str = "fr",
) -> str:
    """The embedded search's address. ``lang``: the language the frame opens in (the public
    pages' ``?lang=``, which they keep in every address they write); French says nothing."""
    params = {"embed": "1", "titre": title.strip()[:MAX_TITLE]}
    params |= {"territoire": territory.strip()} if territory.strip() else {}
    for name, codes in (("type", kinds), ("vente", channels), ("label", labels), ("produit", products)):
        if codes:
            params[name] = ",".join(codes)
    if lang != "fr":
        params["lang"] = lang
    return f"{base_url.rstrip('/')}/?{urlencode(params)}"


def iframe_snippet(url: str, title: str, height: int = 720) -> str:
    """The <iframe> a partner pastes; `title` names it for screen readers (RGAA 2.1)."""
    return (
        f'<iframe src="{html.escape(url)}" title="{html.escape(title.strip()[:MAX_TITLE])}" '
        f'width="100%" height="{int(height)}" style="border: 0" loading="lazy" '
        'allow="geolocation"></iframe>'
    )


def territory_circle(territory: Territory, index: CommuneIndex) -> tuple[float, float, int] | None:
    """(lat, lon, radius km) of a circle around the territory's communes (their town halls),
    within the search's radius limits; None when none of them is located."""
    points = [c.point for c in communes_of(index, territory.codes) if c.point is not None]
    if not points:
        return None
    lat = sum(p[0] for p in points) / len(points)
    lon = sum(p[1] for p in points) / len(points)
    reach = max(haversine_km(lat, lon, p[0], p[1]) for p in points) + 3  # a commune's own extent
    return round(lat, 5), round(lon, 5), int(min(max(round(reach), RADIUS_MIN_KM), RADIUS_MAX_KM))
