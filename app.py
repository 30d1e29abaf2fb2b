"""Court-Circuit: the local-food directory's home page (overview of the directory)."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from courtcircuit.communes import CommuneIndex
from courtcircuit.directory import departements_present, directory_summary, map_points
from courtcircuit.mapview import listings_map
from courtcircuit.vocab import KINDS
from ui.chrome import credits, cursor, demo_banner

st.set_page_config(page_title="Court-Circuit — annuaire des circuits courts", page_icon="🥕", layout="wide")


@st.cache_data(show_spinner=False)
def outlines(departements: tuple[str, ...]) -> dict:
    return CommuneIndex.load().outlines(list(departements))


con = cursor()
summary = directory_summary(con)
points = map_points(con)

st.title("Court-Circuit")
st.write(
    "L'annuaire des circuits courts alimentaires : producteurs, marchés, AMAP, magasins et distributeurs."
)
demo_banner(summary)

st.subheader(f"{summary.total} lieux dans l'annuaire")
kinds = [(code, n) for code, n in summary.per_kind.items() if n]
for column, (code, n) in zip(st.columns(max(len(kinds), 1)), kinds, strict=False):
    column.metric(KINDS.label(code), n)

m = listings_map(points, outlines=outlines(tuple(departements_present(con))))
st_folium(m, height=560, use_container_width=True, returned_objects=[], key="overview-map")
credits(summary)
