"""The resident search's form: its state in st.session_state, kept in step with the URL.

The URL is the source of truth when it changes from outside (a shared link, the back
button, a link from a listing); otherwise the widgets are, and the page writes their state
back to the URL after each run. Keys are prefixed ``cc_``.
"""

from __future__ import annotations

from datetime import time

import streamlit as st

from courtcircuit.communes import CommuneIndex
from courtcircuit.places import Place, find_places
from courtcircuit.search import Filters
from courtcircuit.search_state import LIST_PARAMS, MAX_TEXT, SearchState, parse, to_params

PLACE = "cc_place"  # dict(label, lat, lon, kind) or None: the chosen centre
WRITTEN = "cc_written"  # the params this session last wrote to the URL
NOTICES = "cc_notices"
PENDING = "cc_pending"
WIDGET = {"type": "cc_type", "vente": "cc_vente", "label": "cc_label", "produit": "cc_produit"}


def sync_from_url() -> list[str]:
    """Load the URL into the form when it is not what this session last wrote; notices to show."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    current = {k: v[-1] for k, v in params.items() if v}
    # Streamlit drops a widget's state once a run of another page (a listing) goes without it:
    # back from a listing (« Retour à la recherche », the back button), the URL is what this
    # session wrote, but the radius and the filters must be read from it again.
    widgets_kept = "cc_rayon" in st.session_state
    if st.session_state.get(WRITTEN) == current and widgets_kept:
        return st.session_state.get(NOTICES, [])
    state, notices = parse(params)
    set_form(state)
    st.session_state[WRITTEN] = current
    st.session_state[NOTICES] = notices  # kept until write_url, for a rerun started before they show
    return notices


def set_form(state: SearchState) -> None:
    ss = st.session_state
    if state.lat is not None and state.lon is not None:
        ss[PLACE] = {
            "label": state.place or "Point choisi",
            "lat": state.lat,
            "lon": state.lon,
            "kind": "lien",
        }
    else:
        ss[PLACE] = None
    ss["cc_lieu"] = state.place
    ss["cc_rayon"] = state.radius_km
    f = state.filters
    for name, (attr, _) in LIST_PARAMS.items():
        ss[WIDGET[name]] = list(getattr(f, attr))
    ss["cc_texte"] = f.text
    ss["cc_ouvert"] = f.open_now
    ss["cc_jour"] = f.day
    ss["cc_heure"] = None if f.minute is None else time(f.minute // 60, f.minute % 60)
    ss["cc_page"] = state.page
    ss["cc_fond"] = state.basemap


def form_state() -> SearchState:
    """The search the widgets describe (read before they are drawn: Streamlit has their values)."""
    ss = st.session_state
    place = ss.get(PLACE)
    heure: time | None = ss.get("cc_heure")
    lists = {attr: tuple(ss.get(WIDGET[name]) or ()) for name, (attr, _) in LIST_PARAMS.items()}
    filters = Filters(
        **lists,
        text=(ss.get("cc_texte") or "").strip()[:MAX_TEXT],  # max_chars is only the browser's
        open_now=bool(ss.get("cc_ouvert")),
        day=ss.get("cc_jour"),
        minute=None if heure is None else heure.hour * 60 + heure.minute,
    )
    return SearchState(
        place=place["label"] if place else "",
        lat=place["lat"] if place else None,
        lon=place["lon"] if place else None,
        radius_km=int(ss.get("cc_rayon") or 10),
        filters=filters,
        page=int(ss.get("cc_page") or 1),
        basemap=ss.get("cc_fond") or "osmfr",
    )


def choose_place(place: Place) -> None:
    """Centre the search on ``place`` and start again from the first page.

    Callable from a callback or from the page body (then followed by st.rerun()): the
    widgets' own keys are only written by :func:`apply_pending`, before they are drawn.
    """
    st.session_state[PLACE] = {"label": place.label, "lat": place.lat, "lon": place.lon, "kind": place.kind}
    st.session_state[PENDING] = {"cc_lieu": place.label, "cc_page": 1}


def apply_pending() -> None:
    """Write the widget values decided during the previous run (call before drawing widgets)."""
    st.session_state.update(st.session_state.pop(PENDING, {}))


def place_typed(communes: CommuneIndex) -> None:
    """Callback of the place box: a text naming one commune or postcode moves the search at once."""
    typed = (st.session_state.get("cc_lieu") or "").strip()
    place = st.session_state.get(PLACE)
    if typed and (place is None or typed != place["label"]):
        found = find_places(typed, communes)
        if found.exact is not None:
            choose_place(found.exact)
            apply_pending()


def set_radius(km: int) -> None:
    st.session_state["cc_rayon"] = km
    st.session_state["cc_page"] = 1


def clear_filters() -> None:
    for key in WIDGET.values():
        st.session_state[key] = []
    st.session_state.update(cc_texte="", cc_ouvert=False, cc_jour=None, cc_heure=None, cc_page=1)


def write_url(state: SearchState) -> None:
    params = to_params(state)
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    st.session_state[WRITTEN] = params
    st.session_state.pop(NOTICES, None)  # shown by this run
