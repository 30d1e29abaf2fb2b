"""The listings map: a folium map that works with no CDN and stays fast with 20,000 points.

Folium loads Leaflet, jQuery, Bootstrap, Font Awesome... from CDNs by default; the app
must work offline (and not leak visitors to third parties), so every script and style
sheet points at the copies vendored in ``static/vendor/`` by ``scripts/vendor_assets.sh``
and served by Streamlit at ``/app/static/vendor/`` (``[server] enableStaticServing``).
The only external URLs left in the HTML are the optional OpenStreetMap tile template and
its attribution link.

**Text from the data never reaches a template**: read ``ui/map_safety.py`` before adding
anything to a map. Data goes through the elements of ``ui/map_elements.py`` (encoded by
``js_literal``), the JavaScript is ``static/map/listings.js``, and pages show maps only
through :func:`show_map`, which checks the map before folium renders it.

Markers are drawn in the browser from compact rows ``[lat, lon, kind index, name, id]``
(one marker object per row in Python costs ~10x the HTML and ~100x the build time). Names
are never parsed as HTML: the tooltip is an escaped string, the popup and the legend are
built with ``textContent``.

The search page's map is :func:`search_map`: a base that changes only with the place, and a
data layer st_folium swaps into the same frame (``feature_group_to_add``) as the visitor pans
and zooms, holding the visible box's matches as markers when there are at most
``courtcircuit.map_grid.DETAIL_MAX``, else their counts per grid cell (a 1,000,000-listing
directory sends a few hundred bubbles). Its markers are the same as :func:`listings_map`'s.

Knowing which listing was clicked, with ``streamlit_folium.st_folium``::

    out = show_map(m, key=..., height=..., returned_objects=["last_object_clicked_popup"])
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
from typing import Any

import folium
import pandas as pd
import streamlit as st
import streamlit_folium
from streamlit.runtime import Runtime

from courtcircuit.geo import Area
from courtcircuit.vocab import KINDS
from ui.i18n import N_, catalogue, current
from ui.map_elements import CommuneLayer, FillWhenTilesFail, ListingCluster, MapScript, Outlines
from ui.map_safety import Encoded, UnsafeMapText, check_map
from ui.map_style import (
    ASSETS,
    BASEMAPS,
    CLUSTER_CSS,
    CLUSTER_JS,
    DEFAULT_CENTER,
    DEFAULT_ZOOM,
    EXTRA_KINDS,
    FIT_MAX_ZOOM,
    KIND_STYLES,
    MAP_CSS,
    MAP_JS,
    MAP_MAX_ZOOM,
    OSM_CONTRIBUTORS,
    OTHER_LABEL,
    OTHER_STYLE,
    STATIC_ROOT,
    KindStyle,
)

LANGS = ("fr", "en")
# The map's own words (its data come from the listings). Leaflet's controls are English by
# default: the zoom buttons and the attribution's « Leaflet » link get these titles instead.
LEGEND_TITLE = N_("Types de lieu")
REF_PREFIX = N_("Réf.")  # a popup's last line, « Réf. <id> »: read back by clicked_listing_id
CONTROL_TEXTS: dict[str, str] = {
    "zoomIn": N_("Zoomer"),
    "zoomOut": N_("Dézoomer"),
    "leaflet": N_("Leaflet, une bibliothèque JavaScript de cartes interactives"),
    # A cluster bubble's accessible name and hover title; {n} is filled in the browser.
    "cluster": N_("{n} lieux regroupés : touchez pour zoomer"),
}
# A count bubble's accessible name and hover title (courtcircuit/map_grid.py); {n} filled in the browser.
CELL_LABEL = N_("{n} lieux ici : touchez pour zoomer")
# Under the search map when it shows counts (search_map_caption).
COUNTED = N_("La carte compte les {n} lieux par secteur : zoomez pour les voir un à un.")
UNSAFE_MAP = N_("La carte ne peut pas être affichée : un texte des données n'a pas été protégé.")


def translated(text: str, lang: str) -> str:
    """``text`` (a msgid marked with ``N_``) in ``lang``: a map is built for one language,
    given or the run's (:func:`ui.i18n.current`)."""
    return text if lang == "fr" else catalogue(lang).get(text, text)


def _ref_prefixes() -> tuple[str, ...]:
    return tuple(dict.fromkeys(translated(REF_PREFIX, lang) for lang in LANGS))


def asset_urls(static_root: str = STATIC_ROOT) -> list[str]:
    """The URLs of every static file the map references."""
    return [f"{static_root.rstrip('/')}/{path}" for path in ASSETS]


def kind_label(code: str, lang: str = "fr") -> str:
    if code in KINDS:
        return KINDS.label(code, lang)
    labels = EXTRA_KINDS[code][1] if code in EXTRA_KINDS else OTHER_LABEL
    return labels.get(lang, labels["fr"])


def kind_style(code: str) -> KindStyle:
    return KIND_STYLES.get(code) or (EXTRA_KINDS[code][0] if code in EXTRA_KINDS else OTHER_STYLE)


def legend_items(codes: list[str], lang: str = "fr") -> list[dict[str, str]]:
    """One ``{c, g, l}`` (colour, glyph, label) per kind code: the legend's lines and the
    markers' styles. The browser sets them as text, never as HTML."""
    return [{"c": kind_style(c).color, "g": kind_style(c).glyph, "l": kind_label(c, lang)} for c in codes]


def clicked_listing_id(popup_text: str | None) -> str | None:
    """The listing id in st_folium's ``last_object_clicked_popup`` (its last line), or None."""
    if not popup_text or not popup_text.strip():
        return None
    last = popup_text.strip().splitlines()[-1].strip()
    for prefix in _ref_prefixes():
        if last.startswith(prefix):
            return last[len(prefix) :].strip() or None
    return None


def asset_links(static_root: str, links: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return [(name, f"{static_root.rstrip('/')}/{path}") for name, path in links]


def _empty_layer(layer: dict | Encoded) -> bool:
    return not layer.get("features") if isinstance(layer, dict) else layer.empty  # an Encoded


def marker_rows(points: pd.DataFrame) -> tuple[list[list[Any]], list[str]]:
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
    # 1e-5 degree ~ 1 m; rounded by numpy in one pass (a round() per value was a third of a
    # 20,000-marker map's encoding)
    lats = lat[keep].astype(float).round(5).tolist()
    lons = lon[keep].astype(float).round(5).tolist()
    rows = [
        [a, b, index[k], n, i] for a, b, k, n, i in zip(lats, lons, codes_in_data, names, ids, strict=True)
    ]
    return rows, present


def listings_map(
    points: pd.DataFrame,
    *,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    radius_km: float | None = None,
    outlines: dict | Encoded | None = None,
    communes: dict | Encoded | None = None,
    online_tiles: bool = True,
    basemap: str = "osmfr",
    lang: str | None = None,
    static_root: str = STATIC_ROOT,
) -> folium.Map:
    """A map of ``points`` (columns id, name, kind, lat, lon), clustered, with a legend.

    - ``center``/``zoom``: initial view. Without ``center`` the view fits the points
      (``zoom``, if given, caps that fit); with ``center`` and ``radius_km`` but no
      ``zoom`` it fits the search circle.
    - ``radius_km``: draw the search circle around ``center`` (required then).
    - ``outlines``: GeoJSON (e.g. départements) drawn as light lines beneath the markers,
      so the map stays readable when tiles cannot load.
    - ``communes``: commune outlines and names (``courtcircuit.communes.map_layer``), drawn
      when the tiles fail or there are none: the offline map names its towns.
    - ``online_tiles``/``basemap``: tiles fetched by the visitor's browser, from
      :data:`BASEMAPS` (``"aucun"`` or ``online_tiles=False``: none). When tiles fail to
      load (offline), the outlines get a land fill, so the map never is a blank grey box.
    - ``lang``: the language of the map's own words (legend, controls, popups); the run's
      (``?lang=en``) when not given.
    - ``static_root``: URL where ``static/`` is served.

    Rows without a valid position are skipped. See the module docstring for how a
    clicked marker's id comes back through ``st_folium``. Every text from the data goes
    through ``ui.map_elements`` (see ``ui/map_safety.py``).
    """
    lang = lang or current()
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    if radius_km is not None and center is None:
        raise ValueError("radius_km needs a center")
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {sorted(BASEMAPS)}, not {basemap!r}")
    rows, present = marker_rows(points)

    if center is not None:
        location = center
    elif rows:
        lats, lons = [r[0] for r in rows], [r[1] for r in rows]
        location = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    else:
        location = DEFAULT_CENTER
    m = base_map(
        location,
        zoom or (12 if center is not None else DEFAULT_ZOOM),
        circle=(center, radius_km) if radius_km is not None and center is not None else None,
        outlines=outlines,
        communes=communes,
        online_tiles=online_tiles,
        basemap=basemap,
        lang=lang,
        static_root=static_root,
    )

    if center is None and rows:
        lats, lons = [r[0] for r in rows], [r[1] for r in rows]
        m.fit_bounds(
            [[min(lats), min(lons)], [max(lats), max(lons)]],
            padding=(20, 20),
            max_zoom=min(zoom, FIT_MAX_ZOOM) if zoom else FIT_MAX_ZOOM,
        )
    elif center is not None and radius_km is not None and zoom is None:
        m.fit_bounds(Area(*center, radius_km).bounds(), padding=(10, 10))

    if rows:
        kinds = legend_items(present, lang)
        m.add_child(listing_layer(rows, kinds, lang, static_root))
        m.add_child(MapScript("addLegend", translated(LEGEND_TITLE, lang), kinds))
    return m


def listing_layer(
    rows: list[list[Any]], kinds: list[dict[str, str]], lang: str, static_root: str
) -> ListingCluster:
    # chunkedLoading clusters in slices so 20k points don't freeze the page.
    options = {"chunkedLoading": True, "maxClusterRadius": 50}
    return ListingCluster(
        rows,
        kinds,
        translated(REF_PREFIX, lang) + " ",
        options,
        js=asset_links(static_root, CLUSTER_JS),
        css=asset_links(static_root, CLUSTER_CSS),
    )


def ready_for_layers(base: folium.Map, kinds: list[str], lang: str, static_root: str) -> None:
    """Make ``base`` the frame of layers st_folium swaps in (``show_map(layer=…)``): the legend
    of every kind a layer may hold, and the markers' plugin loaded with the base, so that
    swapping layers never changes the base nor loads a script."""
    base.add_child(MapScript("addLegend", translated(LEGEND_TITLE, lang), legend_items(kinds, lang)))
    base.default_js = [*base.default_js, *asset_links(static_root, CLUSTER_JS)]
    base.default_css = [*base.default_css, *asset_links(static_root, CLUSTER_CSS)]


def base_map(
    location: tuple[float, float],
    zoom: int,
    *,
    circle: tuple[tuple[float, float], float] | None,
    outlines: dict | Encoded | None,
    communes: dict | Encoded | None,
    online_tiles: bool,
    basemap: str,
    lang: str,
    static_root: str,
) -> folium.Map:
    """The map without its listings: our assets and controls, tiles, outlines, communes and
    the search circle (``(center, radius_km)``)."""
    m = folium.Map(
        location=location,
        zoom_start=zoom,
        tiles=None,
        prefer_canvas=True,  # thousands of circle markers: one canvas, not thousands of SVG nodes
        control_scale=False,  # ours, metric only: see setup in static/map/listings.js
        zoom_control=False,  # ours, with titles in the page's language: setup again
    )
    # Per instance, not on the class: other maps in the process keep folium's defaults.
    # Bootstrap, Font Awesome and awesome-markers are dropped: nothing here uses them.
    m.default_js = asset_links(static_root, MAP_JS)
    m.default_css = asset_links(static_root, MAP_CSS)
    m.options["max_zoom"] = MAP_MAX_ZOOM
    controls = {key: translated(text, lang) for key, text in CONTROL_TEXTS.items()}
    m.add_child(MapScript("setup", f"{static_root.rstrip('/')}/vendor/leaflet/images/", controls))

    base = BASEMAPS[basemap] if online_tiles else BASEMAPS["aucun"]
    tiles = None
    if base.url is not None:
        attribution = base.attribution.format(words=html.escape(translated(OSM_CONTRIBUTORS, lang)))
        tiles = folium.TileLayer(base.url, attr=attribution, name=base.label, max_zoom=base.max_zoom)
        tiles.add_to(m)
    if outlines is not None:
        shapes = Outlines(outlines, fill=tiles is None)
        m.add_child(shapes)
        if tiles is not None:
            m.add_child(FillWhenTilesFail(tiles, shapes))
    if communes is not None and not _empty_layer(communes):
        m.add_child(CommuneLayer(communes, tiles))

    if circle is not None:
        center, radius_km = circle
        ring = folium.Circle(
            location=center,
            radius=radius_km * 1000,
            color="#2e7d32",
            weight=2,
            dash_array="6 6",
            fill=True,
            fill_opacity=0.05,
        )
        ring.options["interactive"] = False  # clicks go to the markers beneath
        ring.add_to(m)
    return m


def map_html(m: folium.Map) -> str:
    """The map as a standalone HTML page (what tests inspect; st_folium embeds the same parts).

    Checked first: see ``ui/map_safety.py``."""
    check_map(m.get_root())
    return m.get_root().render()


def _register_component() -> None:
    """Register st_folium's component with the running server if its import did not.

    Streamlit registers a component declared during a script run only: ui/serve.py imports this
    module (and streamlit_folium) before the server starts, so the component was never
    registered, its frame's files answered 404 and every map stayed blank."""
    if not Runtime.exists():
        return
    component = getattr(streamlit_folium, "_component_func", None)
    registry = Runtime.instance().component_registry
    if component is not None and registry.get_component_path(component.name) is None:
        registry.register_component(component)


def show_map(
    m: folium.Map,
    *,
    key: str,
    height: int,
    returned_objects: list[str],
    layer: folium.FeatureGroup | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> dict[str, Any]:
    """The only way a page shows a map: checked (``ui/map_safety.py``), then ``st_folium``.

    ``layer``: data swapped into the map without rebuilding its frame (st_folium's
    ``feature_group_to_add``); ``center``/``zoom``: moves the map when they change.
    A map that would hand template syntax to folium's second render is not shown: the page
    gets a notice, the server runs nothing."""
    try:
        check_map(m.get_root())
        if layer is not None:
            check_map(layer)
    except UnsafeMapText:
        st.error(translated(UNSAFE_MAP, current()))
        return {}
    _register_component()
    extra: dict[str, Any] = {}
    if layer is not None:
        extra["feature_group_to_add"] = layer
    if center is not None:
        extra["center"] = list(center)
    if zoom is not None:
        extra["zoom"] = zoom
    # Looked up at call time, so tests can stand in for the component (AppTest cannot click it).
    return streamlit_folium.st_folium(
        m, height=height, use_container_width=True, returned_objects=returned_objects, key=key, **extra
    )
