"""The directory at a glance: how many places of each kind, where, and from which sources."""

from __future__ import annotations

import streamlit as st

from courtcircuit.directory import departements_present, directory_summary, map_points
from courtcircuit.vocab import KINDS
from ui.chrome import credits, cursor, demo_banner, outlines, per_file
from ui.i18n import _, term
from ui.mapview import listings_map, show_map
from ui.pages import routed

routed()

con = cursor()
summary = per_file(directory_summary)
points = map_points(con)

st.title(_("L'annuaire en chiffres"), anchor=False)
st.write(
    _("L'annuaire des circuits courts alimentaires : producteurs, marchés, AMAP, magasins et distributeurs.")
)
demo_banner(summary)

st.subheader(
    _("1 lieu dans l'annuaire") if summary.total == 1 else _("{n} lieux dans l'annuaire", n=summary.total),
    anchor=False,
)
# One box per kind, as wide as its label, wrapping onto more rows: nine equal columns cut
# « Magasin de producteurs » to « Magasin de p… » on a desktop and made a phone scroll.
with st.container(horizontal=True, wrap=True, gap="small", key="cc_kind_counts"):
    for code, n in summary.per_kind.items():
        if n:
            st.metric(term(KINDS, code), n, width="content", border=True)

m = listings_map(points, outlines=outlines(tuple(departements_present(con))))
show_map(m, height=560, returned_objects=[], key="overview-map")
credits(summary)
