"""A one-map page for bench/map_browser.py: the resident search's map alone, drawn either as the
search page draws it today or with ui.search_map.search_map, so that the two are timed in the same
run, on the same server, from the same filter change.

    streamlit run bench/map_app.py   (COURT_CIRCUIT_DB names the directory)

URL: ``?mode=listings`` (matches(limit=20,000) + listings_map: one frame rebuilt per change) or
``?mode=grid`` (search_map: the data layer swapped in the frame, counts per cell beyond
``detail`` matches, default courtcircuit.map_grid.DETAIL_MAX). The page says how many markers or
bubbles the map must hold (« attendu N »), which the benchmark waits for.
"""

from __future__ import annotations

import streamlit as st

from courtcircuit import map_grid
from courtcircuit.search import MAP_COLUMNS, Filters, SearchIndex, matches, search
from ui.chrome import cursor, per_file
from ui.mapview import clicked_listing_id, listings_map, show_map
from ui.search_map import search_map

MAX_MAP_POINTS = 20_000  # as pages/recherche.py

con = cursor()
mode = st.query_params.get("mode", "grid")
detail = int(st.query_params.get("detail", map_grid.DETAIL_MAX))
text = st.text_input("Nom ou produit", key="cc_texte")
filters = Filters(text=text)
index = per_file(SearchIndex.load)  # as the search page
result = search(con, None, filters, limit=20, index=index)
st.write(f"{result.total} lieux")
if mode == "listings":
    shown = matches(con, None, filters, result, columns=MAP_COLUMNS, limit=MAX_MAP_POINTS)
    show_map(
        listings_map(shown[["id", "name", "kind", "lat", "lon"]]),
        key="cc_map",
        height=540,
        returned_objects=[],
    )
    expected = len(shown)
else:
    view, out = search_map(con, None, filters, key="cc_map", height=540, detail_max=detail, index=index)
    expected = len(view.points) if view.detailed else len(view.cells)
    # What tests/test_browser_map_grid.py reads: the view drawn and the marker clicked.
    st.write(f"zoom {view.zoom}, {'marqueurs' if view.detailed else 'secteurs'}")
    st.write(f"clic {clicked_listing_id((out or {}).get('last_object_clicked_popup'))}")
st.write(f"attendu {expected}")
