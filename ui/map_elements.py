"""The folium elements that carry data onto our maps. Each takes its data already encoded by
:func:`ui.map_safety.js_literal` and only calls functions of ``static/map/listings.js``.

Their templates insert pre-encoded strings (``{{ this.rows_js }}``), never ``|tojson`` of raw
values: see ``ui/map_safety.py`` for why, and add any new data-carrying element here.

Each is a :class:`DataElement`: what its macros write goes into the page as it is. branca's
``MacroElement.render`` would wrap it in ``Element(output)``, compiling the whole data as a Jinja
template and rendering it again, on every rerun (st_folium renders a map twice): that second pass
is the one that would evaluate template syntax in a name, and it was the largest part of a search
map's rendering (``python -m bench.map_render``).
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from ui.map_safety import Encoded, js_literal


class Verbatim(Element):
    """Text put in the page as it is, never compiled as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class DataElement(MacroElement):
    """A MacroElement whose macros' output (header, html, script) reaches the page verbatim:
    :meth:`render` is branca's without the second, template, pass over that output."""

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part, section in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = macros.get(part)
            if macro is not None:
                section.add_child(Verbatim(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class MapScript(DataElement):
    """One call of ``static/map/listings.js`` on the map (the map's own links load the file)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            CourtCircuitMap.{{ this.function }}({{ this._parent.get_name() }}{{ this.args_js }});
        {% endmacro %}
        """
    )

    def __init__(self, function: str, *args: Any) -> None:
        super().__init__()
        self._name = "MapScript"
        if not function.isidentifier():
            raise ValueError(f"not a function name: {function!r}")
        self.function = function
        self.args_js = "".join(f", {js_literal(a)}" for a in args)


class Outlines(DataElement):
    """Administrative outlines (GeoJSON): no tooltip, not clickable, drawn under the markers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = CourtCircuitMap.addOutlines(
                {{ this._parent.get_name() }}, {{ this.data_js }}, {{ this.style_js }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict | Encoded, fill: bool) -> None:
        super().__init__()
        self._name = "Outlines"
        self.data_js = js_literal(data)
        # With no tiles (offline), a pale land fill keeps France readable against Leaflet's
        # grey; over tiles, the lines alone are enough.
        style = {
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
        self.style_js = js_literal(style)


class FillWhenTilesFail(DataElement):
    """Offline the tiles fail one by one: fill the outlines' land at the first failure."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            CourtCircuitMap.fillWhenTilesFail({{ this.tiles.get_name() }}, {{ this.outlines.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, tiles: MacroElement, outlines: Outlines) -> None:
        super().__init__()
        self._name = "FillWhenTilesFail"
        self.tiles = tiles
        self.outlines = outlines


class CommuneLayer(DataElement):
    """Commune outlines and names (``courtcircuit.communes.map_layer``), more names the closer
    the zoom. With tiles, drawn only once a tile fails (offline); without, at once."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = CourtCircuitMap.communeLayer(
                {{ this._parent.get_name() }}, {{ this.data_js }});
            {% if this.tiles %}
            CourtCircuitMap.communesWhenTilesFail(
                {{ this._parent.get_name() }}, {{ this.tiles.get_name() }}, {{ this.get_name() }});
            {% else %}
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
            {% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, data: dict | Encoded, tiles: MacroElement | None) -> None:
        super().__init__()
        self._name = "CommuneLayer"
        self.data_js = js_literal(data)
        self.tiles = tiles


class ListingCluster(JSCSSMixin, DataElement):
    """Listings drawn in the browser from compact rows ``[lat, lon, kind index, name, id]``,
    clustered by leaflet.markercluster (one Python object per marker would cost ~10x the HTML
    and ~100x the build time)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = CourtCircuitMap.addListings(
                {{ this._parent.get_name() }}, {{ this.rows_js }}, {{ this.kinds_js }},
                {{ this.ref_js }}, {{ this.options_js }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        rows: list[list[Any]],
        kinds: list[dict[str, str]],
        ref_prefix: str,
        options: dict[str, Any],
        *,
        js: list[tuple[str, str]],
        css: list[tuple[str, str]],
    ) -> None:
        super().__init__()
        self._name = "ListingCluster"
        self.rows_js = js_literal(rows)
        self.kinds_js = js_literal(kinds)
        self.ref_js = js_literal(ref_prefix)
        self.options_js = js_literal(options)
        self.default_js = js
        self.default_css = css


class CountCells(DataElement):
    """Matches counted per grid cell (``courtcircuit.map_grid``): rows ``[lat, lon, count]``,
    drawn as count bubbles that zoom in when clicked. ``texts``: ``lang`` (number format) and
    ``cell`` (a bubble's accessible name, ``{n}`` filled in the browser)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = CourtCircuitMap.addCounts(
                {{ this._parent.get_name() }}, {{ this.cells_js }}, {{ this.texts_js }});
        {% endmacro %}
        """
    )

    def __init__(self, cells: list[list[float | int]], texts: dict[str, str]) -> None:
        super().__init__()
        self._name = "CountCells"
        self.cells_js = js_literal(cells)
        self.texts_js = js_literal(texts)
