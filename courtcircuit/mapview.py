"""The listings map: a folium map that works with no CDN and stays fast with 20,000 points.

Folium loads Leaflet, jQuery, Bootstrap, Font Awesome... from CDNs by default; the app
must work offline (and not leak visitors to third parties), so every script and style
sheet points at the copies vendored in ``static/vendor/`` by ``scripts/vendor_assets.sh``
and served by Streamlit at ``/app/static/vendor/`` (``[server] enableStaticServing``).
The only external URLs left in the HTML are the optional OpenStreetMap tile template and
its attribution link.

Markers are drawn in the browser by ``FastMarkerCluster`` from compact rows
``[lat, lon, kind index, name, id]`` (one marker object per row in Python costs
~10x the HTML and ~100x the build time). Names come from partners' data and are
never parsed as HTML: the tooltip is an escaped string, the popup is built with
``textContent``, and the JSON embedded in ``<script>`` escapes ``<``, ``>``, ``&``
and ``'`` so a ``</script>`` inside a name cannot close the script.

Knowing which listing was clicked, with ``streamlit_folium.st_folium``::

    out = st_folium(m, returned_objects=["last_object_clicked_popup"])
    listing_id = clicked_listing_id(out["last_object_clicked_popup"])

st_folium reports ``popup.getContent().innerText`` of the clicked marker, so each
popup's last line is ``Réf. <id>`` (``Ref. <id>`` in English) and
:func:`clicked_listing_id` reads it back (as a string: cast it to the id column's
type). The tooltip round-trips the name only; ``last_object_clicked`` is the marker's
(rounded) position, ambiguous when listings share a town-hall position. Clicks on
cluster bubbles are ``clusterclick`` events, which st_folium does not see, so they
neither trigger a rerun nor change the value.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

import folium
import pandas as pd
from branca.element import MacroElement
from folium.plugins import FastMarkerCluster
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps

from courtcircuit.vocab import KINDS


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
_OTHER_LABEL = {"fr": "Autre", "en": "Other"}

OSM_FR_TILES = "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png"
OSM_FR_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">les contributeurs d\'OpenStreetMap</a>'
)
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
    "aucun": Basemap("Sans fond (hors ligne)", None),
}
# markercluster needs the map's own maxZoom (a map without tiles has none); 19 is
# street level, enough to tell neighbours apart before spiderfying identical positions.
MAP_MAX_ZOOM = 19
FIT_MAX_ZOOM = 14  # don't zoom to a single farmyard when fitting one point
DEFAULT_CENTER = (46.6, 2.4)  # mainland France, when there is nothing to fit
DEFAULT_ZOOM = 6

# Vendored files, relative to ``static_base``: (folium resource name, path). Folium's
# own names are reused so a plugin added later replaces ours instead of loading twice.
MAP_JS: tuple[tuple[str, str], ...] = (
    ("leaflet", "leaflet/leaflet.js"),
    # Folium's Popup and a few plugins call `$`; small, cached, and avoids a blank map later.
    ("jquery", "jquery/jquery.min.js"),
)
MAP_CSS: tuple[tuple[str, str], ...] = (("leaflet_css", "leaflet/leaflet.css"),)
CLUSTER_JS: tuple[tuple[str, str], ...] = (
    ("markerclusterjs", "leaflet.markercluster/leaflet.markercluster.js"),
)
CLUSTER_CSS: tuple[tuple[str, str], ...] = (
    ("markerclustercss", "leaflet.markercluster/MarkerCluster.css"),
    ("markerclusterdefaultcss", "leaflet.markercluster/MarkerCluster.Default.css"),
)
# Everything the page may fetch from static/vendor/ (Leaflet's CSS also pulls images/).
ASSETS: tuple[str, ...] = tuple(path for _, path in (*MAP_JS, *MAP_CSS, *CLUSTER_JS, *CLUSTER_CSS))

_TEXT = {
    "fr": {"legend": "Types de lieu", "ref": "Réf. "},
    "en": {"legend": "Kinds of place", "ref": "Ref. "},
}
_REF_PREFIXES = tuple(t["ref"].strip() for t in _TEXT.values())

_CSS = """
<style>
.cc-legend{background:rgba(255,255,255,.93);padding:6px 9px;border-radius:6px;
  box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.45 system-ui,sans-serif;color:#1f2a1c}
.cc-legend-title{font-weight:600;margin-bottom:2px}
.cc-legend ul{list-style:none;margin:0;padding:0}
.cc-legend li{display:flex;align-items:center;gap:6px;margin:2px 0}
.cc-glyph{display:inline-flex;align-items:center;justify-content:center;flex:none;width:16px;
  height:16px;border-radius:50%;color:#fff;font:700 10px/1 system-ui,sans-serif;
  box-shadow:0 0 0 1px #fff}
.cc-popup{font:13px/1.4 system-ui,sans-serif;min-width:10em}
.cc-popup .cc-kind{display:flex;align-items:center;gap:5px;margin-top:3px}
.cc-popup .cc-ref{color:#666;font-size:11px;margin-top:3px}
</style>
"""


# Leaflet focuses the map on the first mousedown; in st_folium's iframe the browser then
# scrolls the app page to show the whole iframe, and the click lands ~a scroll lower on the
# map (a marker click became "centre here"). Focus without scrolling.
_FOCUS_WITHOUT_SCROLL = """(function () {
    var kb = __MAP__.keyboard;
    if (!kb) return;
    L.DomEvent.off(__MAP__.getContainer(), "mousedown", kb._onMouseDown, kb);
    kb._onMouseDown = function () {
        if (!this._focused) this._map.getContainer().focus({preventScroll: true});
    };
    L.DomEvent.on(__MAP__.getContainer(), "mousedown", kb._onMouseDown, kb);
})();"""


def _json(obj: Any) -> str:
    """JSON that is safe inside <script>: <, >, & and ' come out as \\u escapes."""
    return str(htmlsafe_json_dumps(obj, ensure_ascii=False, separators=(",", ":")))


def asset_urls(static_base: str = "/app/static/vendor") -> list[str]:
    """The URLs of every vendored file the map references."""
    return [f"{static_base.rstrip('/')}/{path}" for path in ASSETS]


def kind_label(code: str, lang: str = "fr") -> str:
    if code in KINDS:
        return KINDS.label(code, lang)
    labels = EXTRA_KINDS[code][1] if code in EXTRA_KINDS else _OTHER_LABEL
    return labels.get(lang, labels["fr"])


def kind_style(code: str) -> KindStyle:
    return KIND_STYLES.get(code) or (EXTRA_KINDS[code][0] if code in EXTRA_KINDS else OTHER_STYLE)


def legend_html(codes: list[str], lang: str = "fr") -> str:
    """The legend's inner HTML: one line per kind code, labels escaped."""
    items = "".join(
        f'<li><span class="cc-glyph" style="background:{kind_style(c).color}">'
        f"{html.escape(kind_style(c).glyph)}</span>{html.escape(kind_label(c, lang))}</li>"
        for c in codes
    )
    return f'<div class="cc-legend-title">{html.escape(_TEXT[lang]["legend"])}</div><ul>{items}</ul>'


def clicked_listing_id(popup_text: str | None) -> str | None:
    """The listing id in st_folium's ``last_object_clicked_popup`` (its last line), or None."""
    if not popup_text or not popup_text.strip():
        return None
    last = popup_text.strip().splitlines()[-1].strip()
    for prefix in _REF_PREFIXES:
        if last.startswith(prefix):
            return last[len(prefix) :].strip() or None
    return None


def _links(static_base: str, links: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return [(name, f"{static_base.rstrip('/')}/{path}") for name, path in links]


class _Snippet(MacroElement):
    """A bit of our own JS (run after the map exists) and optionally some header CSS."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
        {% macro script(this, kwargs) %}
            {{ this.js.replace("__MAP__", this._parent.get_name()) }}
        {% endmacro %}
        """
    )

    def __init__(self, js: str, css: str = "") -> None:
        super().__init__()
        self._name = "Snippet"
        self.js = js
        self.css = css


class _Outlines(MacroElement):
    """Administrative outlines: no tooltip, not clickable, drawn under the markers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.geoJSON({{ this.data|tojson }}, {{ this.style|tojson }})
                .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, fill: bool) -> None:
        super().__init__()
        self._name = "Outlines"
        self.data = data
        # With no tiles (offline), a pale land fill keeps France readable against
        # Leaflet's grey; over tiles, the lines alone are enough.
        self.style = {
            "style": {
                "color": "#7a8a6a",
                "weight": 1,
                "opacity": 0.7,
                "fill": fill,
                "fillColor": "#f4f1e4",
                "fillOpacity": 0.8,
            },
            "interactive": False,
            "smoothFactor": 1.5,
        }


class _ListingCluster(FastMarkerCluster):
    """FastMarkerCluster loading markercluster from our vendored copy."""

    def __init__(self, data: list[list[Any]], callback: str, static_base: str, **options: Any) -> None:
        super().__init__(data, callback=callback, control=False, **options)
        self.default_js = _links(static_base, CLUSTER_JS)
        self.default_css = _links(static_base, CLUSTER_CSS)


# Returns the per-row callback FastMarkerCluster calls. `kinds[i]` is {c, g, l}
# (colour, glyph, label); rows are [lat, lon, kind index, name, id].
_CALLBACK = """(function () {
    var kinds = %(kinds)s, refPrefix = %(ref)s;
    function esc(s) {
        return String(s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
    }
    function el(tag, cls, text) {
        var e = document.createElement(tag);
        if (cls) e.className = cls;
        if (text !== undefined) e.textContent = text;
        return e;
    }
    // Built on first click only: 20k popups' DOM up front would slow the first paint.
    function popup(row) {
        var k = kinds[row[2]], box = el("div", "cc-popup"), kind = el("div", "cc-kind");
        box.appendChild(el("strong", "", row[3]));
        var glyph = el("span", "cc-glyph", k.g);
        glyph.style.background = k.c;
        kind.appendChild(glyph);
        kind.appendChild(document.createTextNode(" " + k.l));
        box.appendChild(kind);
        // Last line, read back by clicked_listing_id() from st_folium's popup text.
        box.appendChild(el("div", "cc-ref", refPrefix + row[4]));
        return box;
    }
    return function (row) {
        var marker = L.circleMarker([row[0], row[1]], {
            radius: 7, weight: 1.5, color: "#ffffff", fillColor: kinds[row[2]].c, fillOpacity: 0.95,
            listing_id: row[4]
        });
        if (row[3]) marker.bindTooltip(esc(row[3]));  // Leaflet parses a string tooltip as HTML
        // This listener runs before the click reaches the cluster group, where st_folium
        // listens, so the popup exists by the time st_folium reads it.
        marker.on("click", function () {
            if (!marker.getPopup()) {
                marker.bindPopup(popup(row));
                marker.openPopup();
            }
        });
        return marker;
    };
})()"""


def _rows(points: pd.DataFrame) -> tuple[list[list[Any]], list[str]]:
    """Compact marker rows and the kind codes present, in vocabulary order."""
    lat = pd.to_numeric(points["lat"], errors="coerce")
    lon = pd.to_numeric(points["lon"], errors="coerce")
    keep = lat.between(-90, 90) & lon.between(-180, 180)  # drops NaN too
    pts = points.loc[keep]
    codes_in_data = pts["kind"].astype("string").fillna("").tolist()
    seen = set(codes_in_data)
    present = [c for c in KINDS.codes() if c in seen] + sorted(seen - set(KINDS.codes()))
    index = {code: i for i, code in enumerate(present)}
    names = pts["name"].astype("string").fillna("").tolist()
    ids = [i.item() if hasattr(i, "item") else i for i in pts["id"].tolist()]  # numpy -> JSON-able
    rows = [
        [round(float(a), 5), round(float(b), 5), index[k], n, i]  # 1e-5 degree ~ 1 m
        for a, b, k, n, i in zip(
            lat[keep].tolist(), lon[keep].tolist(), codes_in_data, names, ids, strict=True
        )
    ]
    return rows, present


def _circle_bounds(center: tuple[float, float], radius_km: float) -> list[list[float]]:
    dlat = radius_km / 111.32
    dlon = radius_km / (111.32 * max(math.cos(math.radians(center[0])), 0.01))
    return [[center[0] - dlat, center[1] - dlon], [center[0] + dlat, center[1] + dlon]]


def listings_map(
    points: pd.DataFrame,
    *,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    radius_km: float | None = None,
    outlines: dict | None = None,
    online_tiles: bool = True,
    basemap: str = "osmfr",
    lang: str = "fr",
    static_base: str = "/app/static/vendor",
) -> folium.Map:
    """A map of ``points`` (columns id, name, kind, lat, lon), clustered, with a legend.

    - ``center``/``zoom``: initial view. Without ``center`` the view fits the points
      (``zoom``, if given, caps that fit); with ``center`` and ``radius_km`` but no
      ``zoom`` it fits the search circle.
    - ``radius_km``: draw the search circle around ``center`` (required then).
    - ``outlines``: GeoJSON (e.g. départements) drawn as light lines beneath the markers,
      so the map stays readable when tiles cannot load.
    - ``online_tiles``/``basemap``: tiles fetched by the visitor's browser, from
      :data:`BASEMAPS` (``"aucun"`` or ``online_tiles=False``: none). When tiles fail to
      load (offline), the outlines get a land fill, so the map never is a blank grey box.
    - ``static_base``: URL where ``static/vendor/`` is served.

    Rows without a valid position are skipped. See the module docstring for how a
    clicked marker's id comes back through ``st_folium``.
    """
    if lang not in _TEXT:
        raise ValueError(f"lang must be one of {sorted(_TEXT)}, not {lang!r}")
    if radius_km is not None and center is None:
        raise ValueError("radius_km needs a center")
    rows, present = _rows(points)

    if center is not None:
        location = center
    elif rows:
        lats, lons = [r[0] for r in rows], [r[1] for r in rows]
        location = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    else:
        location = DEFAULT_CENTER
    m = folium.Map(
        location=location,
        zoom_start=zoom or (12 if center is not None else DEFAULT_ZOOM),
        tiles=None,
        prefer_canvas=True,  # thousands of circle markers: one canvas, not thousands of SVG nodes
        control_scale=True,
    )
    # Per instance, not on the class: other maps in the process keep folium's defaults.
    # Bootstrap, Font Awesome and awesome-markers are dropped: nothing here uses them.
    m.default_js = _links(static_base, MAP_JS)
    m.default_css = _links(static_base, MAP_CSS)
    m.options["max_zoom"] = MAP_MAX_ZOOM

    # L.Marker's default icon guesses its image folder from leaflet.css's URL, which
    # fails when the CSS is injected as st_folium does; tell it.
    image_path = f"{static_base.rstrip('/')}/leaflet/images/"
    m.add_child(_Snippet(f"L.Icon.Default.imagePath = {_json(image_path)};", css=_CSS))
    m.add_child(_Snippet(_FOCUS_WITHOUT_SCROLL))

    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {sorted(BASEMAPS)}, not {basemap!r}")
    base = BASEMAPS[basemap] if online_tiles else BASEMAPS["aucun"]
    tiles = None
    if base.url is not None:
        tiles = folium.TileLayer(base.url, attr=base.attribution, name=base.label, max_zoom=base.max_zoom)
        tiles.add_to(m)
    if outlines is not None:
        shapes = _Outlines(outlines, fill=tiles is None)
        m.add_child(shapes)
        if tiles is not None:
            # Offline the tiles fail one by one: fill the land once, at the first failure.
            m.add_child(
                _Snippet(
                    f"{tiles.get_name()}.once('tileerror', function () {{"
                    f" {shapes.get_name()}.setStyle({{fill: true}}); }});"
                )
            )

    if radius_km is not None and center is not None:
        circle = folium.Circle(
            location=center,
            radius=radius_km * 1000,
            color="#2e7d32",
            weight=2,
            dash_array="6 6",
            fill=True,
            fill_opacity=0.05,
        )
        circle.options["interactive"] = False  # clicks go to the markers beneath
        circle.add_to(m)

    if center is None and rows:
        lats, lons = [r[0] for r in rows], [r[1] for r in rows]
        m.fit_bounds(
            [[min(lats), min(lons)], [max(lats), max(lons)]],
            padding=(20, 20),
            max_zoom=min(zoom, FIT_MAX_ZOOM) if zoom else FIT_MAX_ZOOM,
        )
    elif center is not None and radius_km is not None and zoom is None:
        m.fit_bounds(_circle_bounds(center, radius_km), padding=(10, 10))

    if rows:
        kinds = [
            {"c": kind_style(c).color, "g": kind_style(c).glyph, "l": kind_label(c, lang)} for c in present
        ]
        callback = _CALLBACK % {"kinds": _json(kinds), "ref": _json(_TEXT[lang]["ref"])}
        # chunkedLoading clusters in slices so 20k points don't freeze the page.
        _ListingCluster(rows, callback, static_base, chunked_loading=True, max_cluster_radius=50).add_to(m)

        legend = (
            "(function () {"
            " var legend = L.control({position: 'bottomright'});"
            " legend.onAdd = function () {"
            "  var div = L.DomUtil.create('div', 'cc-legend');"
            f"  div.innerHTML = {_json(legend_html(present, lang))};"  # labels escaped in Python
            "  L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div);"
            "  return div; };"
            " legend.addTo(__MAP__); })();"
        )
        m.add_child(_Snippet(legend))
    return m


def map_html(m: folium.Map) -> str:
    """The map as a standalone HTML page (what tests inspect; st_folium embeds the same parts)."""
    return m.get_root().render()
