"""How the maps look and what they load: each kind's colour and letter, the background maps
(tiles and their attribution) and the static files (vendored Leaflet and our own script)."""

from __future__ import annotations

from dataclasses import dataclass

from ui.i18n import N_


@dataclass(frozen=True)
class KindStyle:
    color: str  # marker fill; white text on it must stay readable
    glyph: str  # one letter, so kinds stay distinguishable without colour vision


# One entry per code of KINDS (tests check the two agree). Letters rather than emoji:
# emoji fonts are missing on many Linux desktops and in headless browsers.
KIND_STYLES: dict[str, KindStyle] = {
    "producteur": KindStyle("#2e7d32", "P"),
    "point_de_vente": KindStyle("#1565c0", "V"),
    "magasin_producteurs": KindStyle("#6a1b9a", "M"),
    "amap": KindStyle("#e65100", "A"),
    "marche": KindStyle("#c62828", "H"),  # H for halle: M is taken
    "drive": KindStyle("#00838f", "D"),
    "distributeur": KindStyle("#ad1457", "C"),  # C for casier
    "transformation": KindStyle("#6d4c41", "T"),
    "logistique": KindStyle("#455a64", "L"),
}
# Points that are not listings but share the map: buyers' needs (issue: producers find them).
EXTRA_KINDS: dict[str, tuple[KindStyle, dict[str, str]]] = {
    "besoin": (KindStyle("#f9a825", "B"), {"fr": "Besoin d'un acheteur", "en": "Buyer's need"}),
}
# A code the vocabulary does not know should not take the page down.
OTHER_STYLE = KindStyle("#8a8a8a", "?")
OTHER_LABEL = {"fr": "Autre", "en": "Other"}

OSM_FR_TILES = "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png"
# An attribution is HTML (Leaflet shows it as is): the link's words are translated, then escaped.
OSM_FR_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">{words}</a>'
OSM_CONTRIBUTORS = N_("les contributeurs d'OpenStreetMap")
IGN_PLAN_TILES = (
    "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM&FORMAT=image/png"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
)
IGN_ATTRIBUTION = '&copy; <a href="https://www.ign.fr/">IGN</a> – Plan IGN'
TILES_MAX_ZOOM = 20


@dataclass(frozen=True)
class Basemap:
    label: str
    url: str | None  # None: no tiles, outlines only (works offline)
    attribution: str = ""
    max_zoom: int = TILES_MAX_ZOOM


BASEMAPS: dict[str, Basemap] = {
    "osmfr": Basemap("OpenStreetMap France", OSM_FR_TILES, OSM_FR_ATTRIBUTION, 20),
    "ign": Basemap("Plan IGN", IGN_PLAN_TILES, IGN_ATTRIBUTION, 19),
    "aucun": Basemap(N_("Sans fond (hors ligne)"), None),
}
# markercluster needs the map's own maxZoom (a map without tiles has none); 19 is
# street level, enough to tell neighbours apart before spiderfying identical positions.
MAP_MAX_ZOOM = 19
FIT_MAX_ZOOM = 14  # don't zoom to a single farmyard when fitting one point
DEFAULT_CENTER = (46.6, 2.4)  # mainland France, when there is nothing to fit
DEFAULT_ZOOM = 6

# Files served from ``static/`` (URL ``static_root``): (folium resource name, path). Folium's
# own names are reused so a plugin added later replaces ours instead of loading twice.
MAP_JS: tuple[tuple[str, str], ...] = (
    ("leaflet", "vendor/leaflet/leaflet.js"),
    # Folium's Popup and a few plugins call `$`; small, cached, and avoids a blank map later.
    ("jquery", "vendor/jquery/jquery.min.js"),
    # Our own map code: a file, so that no code of ours passes through a template.
    ("courtcircuit_map", "map/listings.js"),
)
MAP_CSS: tuple[tuple[str, str], ...] = (
    ("leaflet_css", "vendor/leaflet/leaflet.css"),
    ("courtcircuit_map_css", "map/listings.css"),
)
CLUSTER_JS: tuple[tuple[str, str], ...] = (
    ("markerclusterjs", "vendor/leaflet.markercluster/leaflet.markercluster.js"),
)
CLUSTER_CSS: tuple[tuple[str, str], ...] = (
    ("markerclustercss", "vendor/leaflet.markercluster/MarkerCluster.css"),
    ("markerclusterdefaultcss", "vendor/leaflet.markercluster/MarkerCluster.Default.css"),
)
# Everything the page may fetch from static/ (Leaflet's CSS also pulls images/).
ASSETS: tuple[str, ...] = tuple(path for _, path in (*MAP_JS, *MAP_CSS, *CLUSTER_JS, *CLUSTER_CSS))
STATIC_ROOT = "/app/static"  # where Streamlit serves static/ ([server] enableStaticServing)
