"""The supplier page's form state (keys ``cp_``), kept in step with the URL like the search's."""

from __future__ import annotations

import streamlit as st

from courtcircuit.places import Place
from courtcircuit.supplier_state import FLAGS, LISTS, VIEWS, ProspectState, parse, to_params
from courtcircuit.suppliers import SupplierFilters
from ui.i18n import PARAM, _, current

STORE = "cp_store"  # dict(label, lat, lon) or None
WRITTEN = "cp_written"
NOTICES = "cp_notices"  # the URL's notices until a run shows them (see sync_from_url)
PENDING = "cp_pending"
WIDGET = {"produit": "cp_produit", "label": "cp_label", "bio": "cp_bio"}
FLAG_WIDGET = {name: f"cp_{name}" for name in FLAGS}
# The widgets' keys, shared by the page that draws them and this module that fills them.
PLACE_BOX = "cp_lieu"
STORE_KIND = "cp_etab"
NEAR_KM = "cp_km"
FREQUENCIES = "cp_freq"
VIEW = "cp_vue"  # the open tab, a VIEWS code: kept when a filter or the distance changes
TABS = "cp_onglets"  # st.tabs' own key (its value is the label, which holds counts)
ORGANIC_ONLY = "cp_bio_certifie"  # shortcut for the AB state filter: certified only
CERTIFIED = ["certifie"]
DEFAULTS = ProspectState()  # the defaults of an empty page: one place for them


def sync_from_url() -> list[str]:
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    in_url = {k: v[-1] for k, v in params.items() if v}
    if st.session_state.get(WRITTEN) == in_url:
        return st.session_state.get(NOTICES, [])
    state, notices = parse(params, current())
    ss = st.session_state
    ss[STORE] = (
        {"label": state.place or _("Mon établissement"), "lat": state.lat, "lon": state.lon}
        if state.lat is not None and state.lon is not None
        else None
    )
    ss[PLACE_BOX] = state.place
    ss[STORE_KIND] = state.store_kind
    ss[NEAR_KM] = state.near_km
    for name, (attr, _vocab) in LISTS.items():
        ss[WIDGET[name]] = list(getattr(state.filters, attr))
    for name, attr in FLAGS.items():
        ss[FLAG_WIDGET[name]] = getattr(state.filters, attr)
    ss[FREQUENCIES] = list(state.filters.frequencies)
    ss[VIEW] = state.view
    ss[WRITTEN] = in_url
    # Kept until write_url: a link naming a place reruns the page at once (the place is looked
    # up), and that rerun must still say what in the link was ignored.
    ss[NOTICES] = notices
    return notices


def apply_pending() -> None:
    st.session_state.update(st.session_state.pop(PENDING, {}))


def choose_store(place: Place) -> None:
    st.session_state[STORE] = {"label": place.label, "lat": place.lat, "lon": place.lon}
    st.session_state[PENDING] = {PLACE_BOX: place.label}


def set_near(km: int) -> None:
    st.session_state[NEAR_KM] = km


def remember_view(views_by_label: dict[str, str]) -> None:
    """st.tabs' on_change: which tab is open, as a code that does not change with the counts.

    The tab labels hold counts and the distance, and Streamlit treats tabs with other labels as
    a new widget that opens its default tab: the page passes the remembered tab as that default.
    """
    label = st.session_state.get(TABS)
    st.session_state[VIEW] = views_by_label.get(label, VIEWS[0])


def sync_organic_only() -> None:
    """Before the sidebar is drawn: the shortcut is ticked when the AB states are "certified" alone."""
    st.session_state[ORGANIC_ONLY] = st.session_state.get(WIDGET["bio"]) == CERTIFIED


def set_organic_only() -> None:
    """The shortcut's on_change: it sets the AB state filter (the one the URL and query read)."""
    st.session_state[WIDGET["bio"]] = list(CERTIFIED) if st.session_state.get(ORGANIC_ONLY) else []


def form_state() -> ProspectState:
    ss = st.session_state
    store = ss.get(STORE)
    lists = {attr: tuple(ss.get(WIDGET[name]) or ()) for name, (attr, _vocab) in LISTS.items()}
    flags = {attr: bool(ss.get(FLAG_WIDGET[name])) for name, attr in FLAGS.items()}
    filters = SupplierFilters(**lists, **flags, frequencies=tuple(ss.get(FREQUENCIES) or ()))
    return ProspectState(
        place=store["label"] if store else "",
        lat=store["lat"] if store else None,
        lon=store["lon"] if store else None,
        store_kind=ss.get(STORE_KIND) or DEFAULTS.store_kind,
        near_km=int(ss.get(NEAR_KM) or DEFAULTS.near_km),
        filters=filters,
        view=ss.get(VIEW) if ss.get(VIEW) in VIEWS else VIEWS[0],
    )


def write_url(state: ProspectState) -> None:
    params = to_params(state)
    if (lang := st.query_params.get(PARAM)) and lang != "fr":
        params[PARAM] = lang  # the language stays in the link (ui/i18n.py)
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    st.session_state[WRITTEN] = params
    st.session_state.pop(NOTICES, None)  # shown by this run
