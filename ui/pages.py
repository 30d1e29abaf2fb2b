"""The app's pages, declared once so any page can link to another (st.page_link needs the Page)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent

SEARCH = st.Page(
    str(ROOT / "pages" / "recherche.py"),
    title="Trouver près de chez moi",
    icon=":material/search:",
    default=True,
)
LISTING = st.Page(str(ROOT / "pages" / "fiche.py"), title="Fiche", url_path="fiche", visibility="hidden")
OVERVIEW = st.Page(
    str(ROOT / "pages" / "annuaire.py"),
    title="L'annuaire en chiffres",
    icon=":material/bar_chart:",
    url_path="annuaire",
)

SUPPLIERS = st.Page(
    str(ROOT / "pages" / "fournisseurs.py"), title="Fournisseurs locaux (pros)", icon=":material/storefront:",
    url_path="fournisseurs",
)  # fmt: skip
STAFF = st.Page(
    str(ROOT / "pages" / "equipe.py"), title="Espace équipe", icon=":material/lock:", url_path="equipe"
)

ALL = [SEARCH, LISTING, SUPPLIERS, OVERVIEW, STAFF]
