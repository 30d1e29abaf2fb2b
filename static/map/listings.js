/* Court-Circuit's listings map: the code every map shares, served as a file.
 *
 * It lives here, not in Python strings, so that it never passes through folium's Jinja
 * templates (see ui/map_safety.py): the templates only receive data already encoded by
 * js_literal(). Text from the data is only ever set with textContent or escaped by esc().
 */
(function () {
    "use strict";

    function esc(s) {
        return String(s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
    }

    // White letters on dark fills, dark letters on light ones (the buyers' yellow): WCAG contrast.
    function textOn(hex) {
        var n = parseInt(String(hex).replace("#", ""), 16);
        if (isNaN(n)) return "#ffffff";
        var lum = 0.299 * (n >> 16 & 255) + 0.587 * (n >> 8 & 255) + 0.114 * (n & 255);
        return lum > 160 ? "#1f2a1c" : "#ffffff";
    }

    function el(tag, cls, text) {
        var e = document.createElement(tag);
        if (cls) e.className = cls;
        if (text !== undefined) e.textContent = text;
        return e;
    }

    // A circle marker that also draws its kind's letter (P, V, M…) on the canvas, so kinds are
    // told apart without colour vision (RGAA: no information by colour alone). It stays a
    // CircleMarker on the shared canvas: one DOM node per marker would slow 20,000 of them.
    var GlyphMarker = L.CircleMarker.extend({
        _updatePath: function () {
            L.CircleMarker.prototype._updatePath.call(this);
            var ctx = this._renderer && this._renderer._ctx, glyph = this.options.glyph;
            if (!ctx || !glyph || this._empty()) return;
            var p = this._point;
            ctx.save();
            ctx.fillStyle = this.options.glyphColor || "#ffffff";
            ctx.font = "700 " + Math.round(this._radius * 1.25) + "px system-ui, sans-serif";
            ctx.textAlign = "center";
            ctx.textBaseline = "middle";
            ctx.fillText(glyph, p.x, p.y + 0.5);
            ctx.restore();
        }
    });

    // The per-row callback the cluster layer calls. kinds[i] is {c, g, l} (colour, glyph,
    // label); rows are [lat, lon, kind index, name, id].
    function markerFactory(kinds, refPrefix) {
        // Built on first click only: 20k popups' DOM up front would slow the first paint.
        function popup(row) {
            var k = kinds[row[2]], box = el("div", "cc-popup"), kind = el("div", "cc-kind");
            box.appendChild(el("strong", "", row[3]));
            var glyph = el("span", "cc-glyph", k.g);
            glyph.style.background = k.c;
            glyph.style.color = textOn(k.c);
            kind.appendChild(glyph);
            kind.appendChild(document.createTextNode(" " + k.l));
            box.appendChild(kind);
            // Last line, read back by clicked_listing_id() from st_folium's popup text.
            box.appendChild(el("div", "cc-ref", refPrefix + row[4]));
            return box;
        }
        return function (row) {
            var k = kinds[row[2]];
            var marker = new GlyphMarker([row[0], row[1]], {
                radius: 9, weight: 1.5, color: "#ffffff", fillColor: k.c, fillOpacity: 1,
                glyph: k.g, glyphColor: textOn(k.c), listing_id: row[4]
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
    }

    // A cluster bubble: markercluster's look (its CSS classes), plus an accessible name and a
    // hover title in the page's language (« 12 lieux regroupés… »), set by setup().
    var LabelledIcon = L.DivIcon.extend({
        createIcon: function (old) {
            var div = L.DivIcon.prototype.createIcon.call(this, old);
            if (this.options.label) {
                div.setAttribute("aria-label", this.options.label);
                div.title = this.options.label;
            }
            return div;
        }
    });

    // group: the cluster layer (its map is known once it is on one: the layer may be built inside
    // a feature group that st_folium adds to the map afterwards).
    function clusterIcon(group) {
        return function (cluster) {
            var n = cluster.getChildCount(), size = n < 10 ? "small" : n < 100 ? "medium" : "large";
            var inner = el("div"), texts = group._map && group._map._ccTexts || {};
            inner.appendChild(el("span", "", String(n)));
            var label = (texts.cluster || "").replace("{n}", String(n));
            return new LabelledIcon({
                html: inner, className: "marker-cluster marker-cluster-" + size,
                iconSize: new L.Point(40, 40), label: label
            });
        };
    }

    // map._ccShown: how many listings (or count bubbles) the map holds once the last chunk is in,
    // 0 again when the layer goes (what bench/map_browser.py waits for).
    function counted(layer, n) {
        layer.on("remove", function (e) { if (e.target._ccMap) e.target._ccMap._ccShown = 0; });
        return function () {
            layer._ccMap = layer._map;
            if (layer._map) layer._map._ccShown = n;
        };
    }

    // parent: the map, or a feature group st_folium adds to it (then swaps for the next one).
    // rows: see markerFactory; options: markercluster's options.
    function addListings(parent, rows, kinds, refPrefix, options) {
        var make = markerFactory(kinds, refPrefix);
        var cluster = L.markerClusterGroup(options), shown = counted(cluster, rows.length);
        cluster.options.iconCreateFunction = clusterIcon(cluster);
        cluster.options.chunkProgress = function (processed, total) { if (processed >= total) shown(); };
        var markers = new Array(rows.length);
        for (var i = 0; i < rows.length; i++) markers[i] = make(rows[i]);
        cluster.addLayers(markers);  // queued until on a map; chunkedLoading slices it then
        cluster.addTo(parent);
        if (!options.chunkedLoading && cluster._map) shown();
        return cluster;
    }

    // Matches counted per grid cell (courtcircuit/map_grid.py), when too many to send one by one:
    // cells are [lat, lon, count]; each is a bubble with its count (compact: « 12 k »), named for
    // screen readers, and a click zooms in two steps there (the page then asks for that box).
    function addCounts(parent, cells, texts) {
        var number = new Intl.NumberFormat(texts.lang || "fr", {notation: "compact", maximumFractionDigits: 1});
        var group = L.layerGroup();
        cells.forEach(function (cell) {
            var n = cell[2], size = Math.round(Math.min(58, 28 + 6 * Math.log10(Math.max(n, 1))));
            var inner = el("div");
            inner.appendChild(el("span", "", number.format(n)));
            var label = (texts.cell || "").replace("{n}", String(n));
            var marker = L.marker([cell[0], cell[1]], {
                icon: new LabelledIcon({
                    html: inner, className: "marker-cluster cc-count",
                    iconSize: new L.Point(size, size), label: label
                }),
                keyboard: true
            });
            marker.on("click", function () {  // Leaflet turns Enter on a focused marker into a click
                var map = group._map;
                if (map) map.setView([cell[0], cell[1]], Math.min(map.getZoom() + 2, map.getMaxZoom()));
            });
            group.addLayer(marker);
        });
        group.on("add", counted(group, cells.length));
        group.addTo(parent);
        return group;
    }

    // The legend: title and [{c, g, l}] items, built as DOM nodes and text, never parsed as HTML.
    // A <details>: folded to its title on a narrow map (a phone), where the open legend would
    // hide a third of it; open on a desktop. The browser makes it keyboard-operable.
    function addLegend(map, title, items) {
        var legend = L.control({position: "bottomright"});
        legend.onAdd = function () {
            var div = L.DomUtil.create("details", "cc-legend");
            var size = map.getSize();
            div.open = size.x >= 420 && size.y >= 400;
            div.appendChild(el("summary", "cc-legend-title", title));
            var list = el("ul");
            items.forEach(function (k) {
                var li = el("li"), glyph = el("span", "cc-glyph", k.g);
                glyph.style.background = k.c;
                glyph.style.color = textOn(k.c);
                li.appendChild(glyph);
                li.appendChild(document.createTextNode(k.l));
                list.appendChild(li);
            });
            div.appendChild(list);
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        legend.addTo(map);
        return legend;
    }

    // Leaflet focuses the map on the first mousedown; in st_folium's iframe the browser then
    // scrolls the app page to show the whole iframe, and the click lands ~a scroll lower on
    // the map (a marker click became "centre here"). Focus without scrolling.
    function focusWithoutScroll(map) {
        var kb = map.keyboard;
        if (!kb) return;
        L.DomEvent.off(map.getContainer(), "mousedown", kb._onMouseDown, kb);
        kb._onMouseDown = function () {
            if (!this._focused) this._map.getContainer().focus({preventScroll: true});
        };
        L.DomEvent.on(map.getContainer(), "mousedown", kb._onMouseDown, kb);
    }

    // The land: outlines and their offline fill in their own pane and canvas, above the tiles and
    // under the commune names, which stay under the markers (the markers' canvas is the
    // overlay pane's, z-index 400).
    function land(map) {
        if (!map._ccLand) {
            map.createPane("ccLand").style.zIndex = 250;
            var names = map.createPane("ccCommuneNames");
            names.style.zIndex = 390;
            names.style.pointerEvents = "none";
            map._ccLand = L.canvas({pane: "ccLand"});
        }
        return map._ccLand;
    }

    // Administrative outlines under the markers: not clickable, no tooltip.
    function addOutlines(map, geojson, style) {
        var options = L.extend({}, style, {pane: "ccLand", renderer: land(map)});
        return L.geoJSON(geojson, options).addTo(map);
    }

    // Offline the tiles fail one by one: give the outlines a land fill at the first failure,
    // so the map is never a blank grey box.
    function fillWhenTilesFail(tiles, outlines) {
        tiles.once("tileerror", function () { outlines.setStyle({fill: true}); });
    }

    // Commune outlines and names, drawn from our own data for a map without tiles (offline).
    // geojson: features whose properties are {n: name, z: zoom from which the name shows,
    // p: [lat, lon] of the name}. Names are text nodes in their own pane, under the markers
    // and not clickable; the closer the zoom, the more of them.
    function communeLayer(map, geojson) {
        var lines = L.geoJSON(geojson, {
            // A land fill too: beyond the départements drawn, Leaflet's grey would show.
            style: {color: "#6f7d60", weight: 0.9, opacity: 0.9, dashArray: "4 3",
                    fill: true, fillColor: "#f4f1e4", fillOpacity: 0.6},
            interactive: false, pane: "ccLand", renderer: land(map)
        });
        var group = L.layerGroup([lines]);
        var names = geojson.features.map(function (f) {
            var icon = L.divIcon({className: "cc-commune", html: el("span", "", f.properties.n), iconSize: null});
            return {z: f.properties.z, marker: L.marker(f.properties.p, {
                icon: icon, interactive: false, keyboard: false, pane: "ccCommuneNames"
            })};
        });
        function update() {
            var zoom = map.getZoom();
            names.forEach(function (name) {
                if (zoom >= name.z) group.addLayer(name.marker);
                else group.removeLayer(name.marker);
            });
        }
        map.on("zoomend", update);
        update();
        return group;
    }

    // Online tiles first: the communes are drawn only once a tile fails (offline).
    function communesWhenTilesFail(map, tiles, communes) {
        tiles.once("tileerror", function () { communes.addTo(map); });
    }

    // Once per map: where L.Marker's default icon lives (it guesses the folder from
    // leaflet.css's URL, which fails when the CSS is injected as st_folium does), focus, and
    // the controls in the page's language. texts: {zoomIn, zoomOut, leaflet, cluster}.
    function setup(map, imagePath, texts) {
        texts = texts || {};
        map._ccTexts = texts;
        L.Icon.Default.imagePath = imagePath;
        focusWithoutScroll(map);
        // Leaflet's own zoom buttons are titled « Zoom in » / « Zoom out »: the map is made
        // without them (zoom_control=False) and gets these.
        var zoom = {position: "topleft"};
        if (texts.zoomIn) zoom.zoomInTitle = texts.zoomIn;
        if (texts.zoomOut) zoom.zoomOutTitle = texts.zoomOut;
        L.control.zoom(zoom).addTo(map);
        // The attribution's « Leaflet » link, titled in the page's language; built as a DOM node
        // so that its title is text, then handed to Leaflet as the HTML it expects.
        if (map.attributionControl && texts.leaflet) {
            var link = el("a", "", "Leaflet");
            link.href = "https://leafletjs.com";
            link.title = texts.leaflet;
            map.attributionControl.setPrefix(link.outerHTML);
        }
        // Metric only: folium's own scale bar also shows miles.
        L.control.scale({imperial: false, maxWidth: 120}).addTo(map);
    }

    // Whether the page follows the map's moves (ui.mapview.search_map): a mark on the map, which
    // also gives a frame that reports its box a script of its own (st_folium keys frames by it).
    function follows(map, yes) {
        map._ccFollows = Boolean(yes);
    }

    window.CourtCircuitMap = {
        follows: follows,
        addListings: addListings,
        addCounts: addCounts,
        addLegend: addLegend,
        addOutlines: addOutlines,
        fillWhenTilesFail: fillWhenTilesFail,
        communeLayer: communeLayer,
        communesWhenTilesFail: communesWhenTilesFail,
        focusWithoutScroll: focusWithoutScroll,
        markerFactory: markerFactory,
        GlyphMarker: GlyphMarker,
        setup: setup
    };
})();
