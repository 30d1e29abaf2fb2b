"""The directory at a glance: how many places of each kind, where, and from which sources."""

from __future__ import annotations

import streamlit as st

from courtcircuit.directory import departements_present, directory_summary, map_points
from courtcircuit.vocab import KINDS
from ui.chrome import credits, cursor, demo_banner, outlines
from ui.mapview import listings_map, show_map
from ui.pages import routed

routed()

con = cursor()
summary = directory_summary(con)
points = map_points(con)

st.title("L'annuaire en chiffres")
st.write(
    "L'annuaire des circuits courts alimentaires : producteurs, marchés, AMAP, magasins et distributeurs."
)
demo_banner(summary)

st.subheader(f"{summary.total} lieux dans l'annuaire")
kinds = [(code, n) for code, n in summary.per_kind.items() if n]
for column, (code, n) in zip(st.columns(max(len(kinds), 1)), kinds, strict=False):
    column.metric(KINDS.label(code), n)

m = listings_map(points, outlines=outlines(tuple(departements_present(con))))
show_map(m, height=560, returned_objects=[], key="overview-map")
credits(summary)
