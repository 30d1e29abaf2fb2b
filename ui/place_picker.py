"""Choosing a place, the same way on every page: suggestions under the place box, the notice
when an address is searched at the commune's level, "Lieu introuvable", and a click on the map."""

from __future__ import annotations

from collections.abc import Callable, Collection

import streamlit as st

from courtcircuit.communes import CommuneIndex
from courtcircuit.places import Place, find_places
from ui.i18n import N_, _, said
from ui.text import md

MAX_SUGGESTIONS = 6
NOT_FOUND_HINT = N_("Vérifiez l'orthographe, ou tapez un code postal (5 chiffres).")


def suggestions(
    typed: str,
    chosen_label: str | None,
    communes: CommuneIndex,
    *,
    key_prefix: str,
    on_choose: Callable[[Place], None],
    take_exact: bool = False,
    not_found_hint: str = NOT_FOUND_HINT,
    listed: Collection[str] = (),
) -> None:
    """Under a place box holding ``typed``: nothing when it is the chosen place; else the places
    it may mean as buttons, or a "not found" (``not_found_hint``: marked with N_, translated here). With ``take_exact``, a text naming exactly
    one commune or postcode is chosen at once (the page reruns). ``listed``: INSEE codes of the
    communes with listings, preferred among equally close names."""
    text = (typed or "").strip()
    if not text or text == chosen_label:
        return
    found = find_places(text, communes, listed=listed)
    if take_exact and found.exact is not None:
        on_choose(found.exact)
        st.rerun()
    if found.notice:
        # courtcircuit.places' notice (a Message), in the reader's language
        st.info(md(said(found.notice)), icon=":material/info:")
    if not found.places:
        st.error(_("Lieu introuvable : « {typed} ». {hint}", typed=md(text), hint=_(not_found_hint)))
        return
    if found.near_misses:
        # Said plainly: no commune is spelt this way, these are only close (a typo?).
        st.caption(_("Aucune commune ne s'écrit « {typed} ». Vouliez-vous dire :", typed=md(text)))
    else:
        st.caption(_("Suggestions :"))
    cols = st.columns(min(len(found.places), 3))
    for i, suggestion in enumerate(found.places[:MAX_SUGGESTIONS]):
        cols[i % len(cols)].button(
            md(suggestion.label), key=f"{key_prefix}_sugg_{i}", on_click=on_choose, args=(suggestion,)
        )


def clicked_place(click: dict | None, seen_key: str, communes: CommuneIndex) -> Place | None:
    """The place a new click on the map points at ("Point choisi (commune)"), or None when the
    map reports no click or the same click as last run (st_folium repeats its last value)."""
    if not click or click == st.session_state.get(seen_key):
        return None
    st.session_state[seen_key] = click
    commune = communes.containing(click["lat"], click["lng"])
    label = f"Point choisi ({commune.name})" if commune else "Point choisi sur la carte"
    return Place(label, click["lat"], click["lng"], "carte")
