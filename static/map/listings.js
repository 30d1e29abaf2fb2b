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

    function el(tag, cls, text) {
        var e = document.createElement(tag);
        if (cls) e.className = cls;
        if (text !== undefined) e.textContent = text;
        return e;
    }

    // The per-row callback the cluster layer calls. kinds[i] is {c, g, l} (colour, glyph,
    // label); rows are [lat, lon, kind index, name, id].
    function markerFactory(kinds, refPrefix) {
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
    }

    // rows: see markerFactory; options: markercluster's options.
    function addListings(map, rows, kinds, refPrefix, options) {
        var make = markerFactory(kinds, refPrefix);
        var cluster = L.markerClusterGroup(options);
        var markers = new Array(rows.length);
        for (var i = 0; i < rows.length; i++) markers[i] = make(rows[i]);
        cluster.addLayers(markers);  // one batch: chunkedLoading slices it without freezing the page
        cluster.addTo(map);
        return cluster;
    }

    // The legend: title and [{c, g, l}] items, built as DOM nodes and text, never parsed as HTML.
    function addLegend(map, title, items) {
        var legend = L.control({position: "bottomright"});
        legend.onAdd = function () {
            var div = L.DomUtil.create("div", "cc-legend");
            div.appendChild(el("div", "cc-legend-title", title));
            var list = el("ul");
            items.forEach(function (k) {
                var li = el("li"), glyph = el("span", "cc-glyph", k.g);
                glyph.style.background = k.c;
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

    // Administrative outlines under the markers: not clickable, no tooltip.
    function addOutlines(map, geojson, style) {
        return L.geoJSON(geojson, style).addTo(map);
    }

    // Offline the tiles fail one by one: give the outlines a land fill at the first failure,
    // so the map is never a blank grey box.
    function fillWhenTilesFail(tiles, outlines) {
        tiles.once("tileerror", function () { outlines.setStyle({fill: true}); });
    }

    // Once per map: where L.Marker's default icon lives (it guesses the folder from
    // leaflet.css's URL, which fails when the CSS is injected as st_folium does), and focus.
    function setup(map, imagePath) {
        L.Icon.Default.imagePath = imagePath;
        focusWithoutScroll(map);
    }

    window.CourtCircuitMap = {
        addListings: addListings,
        addLegend: addLegend,
        addOutlines: addOutlines,
        fillWhenTilesFail: fillWhenTilesFail,
        focusWithoutScroll: focusWithoutScroll,
        markerFactory: markerFactory,
        setup: setup
    };
})();
