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


ROUTING = "cc_routing"


def route() -> None:
    """Set up the page config and the navigation, then run the page the URL asks for."""
    st.set_page_config(
        page_title="Court-Circuit — circuits courts près de chez vous", page_icon="🥕", layout="wide"
    )
    st.session_state[ROUTING] = True
    try:
        page = st.navigation(ALL)
        page.run()
    finally:
        st.session_state.pop(ROUTING, None)
    # Read by the listing page: a link from one listing to another only changes the query
    # string, which Streamlit's frontend does not show in the address bar unless the page writes it.
    st.session_state["cc_previous_page"] = page.url_path


def routed() -> None:
    """First line of every page: make sure it runs inside app.py's navigation.

    `pages/` next to app.py puts a fresh Streamlit server in its old pages-directory mode
    until app.py has run once: a deep link (/fournisseurs) opened first would run the page
    file alone, with raw file names in the menu and no page config. Such a run routes
    itself (st.navigation also switches the server out of that mode) and stops.
    """
    if not st.session_state.get(ROUTING):
        route()
        st.stop()
