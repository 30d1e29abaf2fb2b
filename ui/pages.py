"""The app's pages, declared once so any page can link to another (st.page_link needs the Page)."""

from __future__ import annotations

import copy
import threading
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.embed import embed_chrome, embed_mode
from ui.french import french_chrome
from ui.i18n import N_, _, current, keep_language, language_switch, remember_language

ROOT = Path(__file__).resolve().parent.parent


class AppPage(StreamlitPage):
    """st.Page, complete even when this module was first imported outside a script run.

    Outside a run (a test importing a ui module, a script), Streamlit's Page constructor returns
    early and the page has no title, path or URL yet; a later run of the app in the same
    process then failed on it (« 'Page' object has no attribute '_title' »). The arguments are
    kept, and the first attribute missing inside a run completes the page there."""

    def __init__(self, page: str, **options: object) -> None:
        self._options = (page, options)
        super().__init__(page, **options)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:  # only for attributes normal lookup lacks
        if name.startswith("_") and not name.startswith("__") and name != "_options" and get_script_run_ctx():
            page, options = self._options
            StreamlitPage.__init__(self, page, **options)  # type: ignore[arg-type]
            if name in self.__dict__:
                return self.__dict__[name]
        raise AttributeError(name)


A11Y_CSS = f"<style>{(ROOT / 'static' / 'a11y.css').read_text(encoding='utf-8')}</style>"

SEARCH = AppPage(
    str(ROOT / "pages" / "recherche.py"),
    title=N_("Trouver près de chez moi"),
    icon=":material/search:",
    default=True,
)
LISTING = AppPage(str(ROOT / "pages" / "fiche.py"), title=N_("Fiche"), url_path="fiche", visibility="hidden")
OVERVIEW = AppPage(
    str(ROOT / "pages" / "annuaire.py"),
    title=N_("L'annuaire en chiffres"),
    icon=":material/bar_chart:",
    url_path="annuaire",
)

SUPPLIERS = AppPage(
    str(ROOT / "pages" / "fournisseurs.py"), title=N_("Fournisseurs locaux (pros)"), icon=":material/storefront:",
    url_path="fournisseurs",
)  # fmt: skip
STAFF = AppPage(
    str(ROOT / "pages" / "equipe.py"), title=N_("Espace équipe"), icon=":material/lock:", url_path="equipe"
)

GAPS = AppPage(
    str(ROOT / "pages" / "manques.py"), title=N_("Où manque-t-il des circuits courts ?"), icon=":material/map:",
    url_path="manques",
)  # fmt: skip
OPEN_DATA = AppPage(
    str(ROOT / "pages" / "open_data.py"), title=N_("Données ouvertes"), icon=":material/download:",
    url_path="donnees-ouvertes",
)  # fmt: skip
PRIVACY = AppPage(
    str(ROOT / "pages" / "donnees.py"),
    title=N_("Données personnelles"),
    icon=":material/policy:",
    url_path="donnees",
)

ACCESSIBILITY = AppPage(
    str(ROOT / "pages" / "accessibilite.py"), title=N_("Accessibilité"), icon=":material/accessibility:",
    url_path="accessibilite",
)  # fmt: skip

ALL = [SEARCH, LISTING, SUPPLIERS, OVERVIEW, GAPS, STAFF, OPEN_DATA, PRIVACY, ACCESSIBILITY]


# Whether this thread is inside route(). Per thread, not in session_state: with Streamlit's
# fast reruns a session's next run starts while the previous one is still unwinding, and the
# two would share (and clear) one session flag.
_routing = threading.local()


def route() -> None:
    """Set up the page config and the navigation, then run the page the URL asks for.

    Each run hands st.navigation its own copies of the pages. st.navigation marks the page it
    picks as callable and Page.run() clears that mark: on the shared module-level objects,
    one session's run() cleared the mark another session had just been given, and 1 search
    in 128 at 20 sessions ended in « This page cannot be called directly » (issue 8).
    The module-level pages stay for st.page_link / st.switch_page, which only read them.
    """
    remember_language()
    st.set_page_config(page_title=_("Court-Circuit — circuits courts près de chez vous"), page_icon="🥕",
                       layout="wide")  # fmt: skip
    st.html(A11Y_CSS)  # style only: Streamlit puts it out of the layout
    outer = getattr(_routing, "active", False)
    _routing.active = True
    try:
        language_switch()
        french_chrome(current())  # <html lang>, and Streamlit's own English words in French
        embed = embed_mode()  # ?embed=1: a partner's <iframe>, without the menu (ui/embed.py)
        page = st.navigation([_translated(p) for p in ALL], position="hidden" if embed else "sidebar")
        if embed is not None:
            embed_chrome(embed)
        try:
            page.run()
        finally:
            # Read by the listing and search pages (where the visitor comes from); recorded even
            # when the run ends early (st.stop, a rerun or a page switch), as a Back then follows.
            st.session_state["cc_previous_page"] = page.url_path
    finally:
        _routing.active = outer
    keep_language()


def _translated(page: StreamlitPage) -> StreamlitPage:
    """This run's copy of a page, its menu title in the current language."""
    # Read first: an AppPage first used in this run completes itself on that read, and a copy
    # taken before would complete itself later, putting back its French title (the menu of a
    # fresh server's first visit stayed French).
    title = _(page.title)
    mine = copy.copy(page)
    mine._title = title  # Page has no setter; the copy is this run's alone
    return mine


def routed() -> None:
    """First line of every page: make sure it runs inside app.py's navigation.

    `pages/` next to app.py puts a fresh Streamlit server in its old pages-directory mode
    (PagesManager.uses_pages_directory, decided when the first session starts, cleared by the
    first st.navigation): until app.py has run once, a deep link (/fournisseurs) opened first
    runs the page file alone, with raw file names in the menu and no page config. Such a run
    routes itself (on copies of the pages, like any run) and stops. Nothing here is shared
    between sessions or between two runs of one session.
    """
    if not getattr(_routing, "active", False):
        route()
        st.stop()
