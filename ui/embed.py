"""The embed mode (`?embed=1`): the search as a partner's website shows it in an <iframe>.

No menu, no sidebar (the pages and the staff space are not reachable from it), no Streamlit
toolbar; the partner's title instead of ours; a territory's search starts on a circle around
it (courtcircuit/embed.py), with the filters the address gives. The mode is kept for the whole
session, since the search rewrites its address on the first change of a filter.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.state.session_state_proxy import get_session_state

from courtcircuit.embed import MAX_TITLE, territory_circle
from courtcircuit.search_state import LIST_PARAMS
from courtcircuit.workspace.accounts import AccountError, Territory
from ui import search_form as form
from ui.chrome import communes
from ui.i18n import N_, _

_EMBED = "cc_embed"
DEFAULT_TITLE = N_("Où acheter local ?")  # translated when shown: the partner gave no title
# Constant rules, no text from anyone: the menu, the sidebar, the toolbar and our own page
# title go; the partner's title (escaped, below) takes its place.
_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {display: none !important}
[data-testid="stMainBlockContainer"] [data-testid="stHeading"]:has(h1) {display: none}
.stMainBlockContainer, [data-testid="stMainBlockContainer"] {padding-top: 1rem}
h1.cc-embed-title {font-size: 1.6rem; margin: 0 0 .4rem; padding: 0}
</style>"""


@dataclass(frozen=True)
class Embed:
    title: str  # the partner's title; empty for ours (DEFAULT_TITLE, in the reader's language)
    # The filters the address fixes (search parameter → codes): put back in their widgets on
    # every run, so a visitor of the partner's site cannot leave the partner's selection.
    fixed: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _fixed_filters() -> tuple[tuple[str, tuple[str, ...]], ...]:
    fixed = []
    for name, (_attr, vocab) in LIST_PARAMS.items():
        codes = tuple(c for c in (st.query_params.get(name) or "").split(",") if c in vocab)
        if codes and name in form.WIDGET:
            fixed.append((name, codes))
    return tuple(fixed)


def _start_on_territory(text: str) -> None:
    """Centre the search on the territory when the address gives no position of its own."""
    if "lat" in st.query_params or "lon" in st.query_params:
        return
    try:
        circle = territory_circle(Territory.parse(text, communes=communes()), communes())
    except (AccountError, LookupError):
        return  # an unknown territory: the search starts as usual, with no place
    if circle is not None:
        lat, lon, radius = circle
        st.query_params["lat"], st.query_params["lon"], st.query_params["rayon"] = (
            f"{lat}",
            f"{lon}",
            f"{radius}",
        )


def _asked() -> bool:
    """Whether the address says `embed=1` (or `embed=true`). Streamlit reserves `embed` for its
    own embed mode and leaves it out of st.query_params; the session's copy of the address,
    which st.query_params reads too, still has it."""
    try:
        with get_session_state().query_params() as params:
            raw = params._query_params.get("embed")
    except (AttributeError, RuntimeError):  # Streamlit's internals moved: no embed mode
        return False
    values = raw if isinstance(raw, list) else [raw]
    return any(str(v).lower() in ("1", "true") for v in values if v is not None)


def embed_mode() -> Embed | None:
    """The embed of this session, if its address asked for one (`embed=1`)."""
    if _EMBED not in st.session_state and _asked():
        title = " ".join((st.query_params.get("titre") or "").split())[:MAX_TITLE]
        if territory := st.query_params.get("territoire"):
            _start_on_territory(territory[:200])
        st.session_state[_EMBED] = Embed(title, _fixed_filters())
    embed = st.session_state.get(_EMBED)
    for name, codes in embed.fixed if embed else ():
        st.session_state[form.WIDGET[name]] = list(codes)  # before the page draws the widget
    return embed


def embed_chrome(embed: Embed) -> None:
    """The embed's look and its title (the partner's text, escaped)."""
    st.html(_CSS)
    st.html(f'<h1 class="cc-embed-title">{html.escape(embed.title or _(DEFAULT_TITLE))}</h1>')
