"""Où manque-t-il des circuits courts ? The public dashboard of a département: how far people
live from a farm shop, a market, an AMAP or a vending machine (ui/gaps_view.py)."""

from __future__ import annotations

import streamlit as st

from courtcircuit.communes.territory import communes_of, departements
from ui.chrome import communes
from ui.gaps_view import gaps_dashboard
from ui.i18n import _
from ui.pages import routed
from ui.text import md

routed()

st.title(_("Où manque-t-il des circuits courts ?"))
st.markdown(
    _(
        "Pour chaque commune, la distance de la mairie au lieu le plus proche où acheter en direct, "
        "et la part des habitants qui vivent loin de chaque type de lieu : de quoi montrer où un marché, "
        "une AMAP ou un magasin de producteurs manque. Les équipes des territoires ont le détail de leur "
        "périmètre dans l'espace équipe."
    )
)
names = departements(communes())
chosen = st.query_params.get("dep", "63")
if chosen not in names:
    st.warning(_("Département « {code} » inconnu : le Puy-de-Dôme est affiché.", code=md(chosen[:10])))
    chosen = "63"
dep = st.selectbox(_("Département"), list(names), index=list(names).index(chosen), key="gaps_dep",
                   format_func=lambda d: f"{d} · {names[d]}", placeholder=_("Choisissez un département"))  # fmt: skip
st.query_params["dep"] = dep
gaps_dashboard(communes_of(communes(), [dep]), f"{names[dep]} ({dep})", key=f"gaps_{dep}")
