"""The resident search's form: its state in st.session_state, kept in step with the URL.

The URL is the source of truth when it changes from outside (a shared link, the back
button, a link from a listing); otherwise the widgets are, and the page writes their state
back to the URL after each run. Keys are prefixed ``cc_``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import time

import streamlit as st

from courtcircuit.communes import CommuneIndex
from courtcircuit.elision import de
from courtcircuit.places import Place, find_places
from courtcircuit.search import Filters
from courtcircuit.search_state import LIST_PARAMS, MAX_TEXT, SearchState, parse, to_params
from ui.geolocation import LABEL as MY_POSITION
from ui.i18n import LANGS, _, catalogue, current, said
from ui.i18n import PARAM as LANG_PARAM

PLACE = "cc_place"  # dict(label, lat, lon, kind) or None: the chosen centre
WRITTEN = "cc_written"  # the params this session last wrote to the URL
NOTICES = "cc_notices"
PENDING = "cc_pending"
WIDGET = {"type": "cc_type", "vente": "cc_vente", "label": "cc_label", "produit": "cc_produit"}
# The widgets' keys, shared by the page that draws them and this module that fills them.
PLACE_BOX = "cc_lieu"
RADIUS = "cc_rayon"
TEXT = "cc_texte"
OPEN_NOW = "cc_ouvert"
DAY = "cc_jour"
HOUR = "cc_heure"
PAGE = "cc_page"
BASEMAP = "cc_fond"
TAPPED = "cc_tapped"  # a point tapped on the map, offered (not yet chosen) as the new centre
# The radius choices: the presets a resident wants, and any other value a shared link carries.
RADIUS_CHOICES = (1, 2, 3, 5, 10, 15, 20, 30, 50, 75, 100)
PREVIOUS_PAGE = "cc_previous_page"  # set by ui.pages.route after each page: where the visitor comes from
# Set while a search restored on the way back from a listing is not yet in the URL (see sync_from_url).
RESTORING = "cc_restoring"
LISTING_PARAM = "id"  # a listing's parameter (pages/fiche.py): on the search's address only on the way back
# Every parameter a search writes (search_state.to_params): a URL with none of them is bare.
SEARCH_PARAMS = frozenset(
    {"lieu", "lat", "lon", "rayon", *LIST_PARAMS, "texte", "ouvert", "jour", "heure", "page", "fond"}
)
DEFAULTS = SearchState()  # the defaults of an empty search: one place for them


def sync_from_url() -> list[str]:
    """Load the URL into the form when it is not what this session last wrote; notices to show."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    current = {k: v[-1] for k, v in params.items() if v}
    # Streamlit drops a widget's state once a run of another page (a listing) goes without it:
    # back from a listing (« Retour à la recherche », the back button), the URL is what this
    # session wrote, but the radius and the filters must be read from it again.
    widgets_kept = RADIUS in st.session_state
    if st.session_state.get(WRITTEN) == current and widgets_kept:
        return st.session_state.get(NOTICES, [])
    written = st.session_state.get(WRITTEN)
    back = (
        st.session_state.get(PREVIOUS_PAGE) == "fiche"
        or st.session_state.get(RESTORING)
        or LISTING_PARAM in current
    )
    if written and not SEARCH_PARAMS & current.keys() and back:
        # Back from a listing opened from a map marker: st.switch_page wrote the listing's
        # « ?id=… » on the search's address before switching (a history entry of its own), or
        # left a bare « / »; the browser's Back lands there. Coming from a listing, such an
        # address means « the search I came from »: this session's last one. The id says so
        # even when the listing's run was cut short by the Back before it could be recorded as
        # the previous page (a quick Back, seen in the websocket's frames). Until write_url has
        # put the search in the URL, a rerun that cut this run short (the map's first report)
        # still restores it: the previous page is the search by then.
        params = {k: [v] for k, v in written.items()}
        current = written
        st.session_state[RESTORING] = True
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
    ss[PLACE_BOX] = state.place
    ss[RADIUS] = state.radius_km
    f = state.filters
    for name, (attr, _parse) in LIST_PARAMS.items():
        ss[WIDGET[name]] = list(getattr(f, attr))
    ss[TEXT] = f.text
    ss[OPEN_NOW] = f.open_now
    ss[DAY] = f.day
    ss[HOUR] = None if f.minute is None else time(f.minute // 60, f.minute % 60)
    ss[PAGE] = state.page
    ss[BASEMAP] = state.basemap


def form_state() -> SearchState:
    """The search the widgets describe (read before they are drawn: Streamlit has their values)."""
    ss = st.session_state
    place = ss.get(PLACE)
    heure: time | None = ss.get(HOUR)
    lists = {attr: tuple(ss.get(WIDGET[name]) or ()) for name, (attr, _parse) in LIST_PARAMS.items()}
    filters = Filters(
        **lists,
        text=(ss.get(TEXT) or "").strip()[:MAX_TEXT],  # max_chars is only the browser's
        open_now=bool(ss.get(OPEN_NOW)),
        day=ss.get(DAY),
        minute=None if heure is None else heure.hour * 60 + heure.minute,
    )
    return SearchState(
        place=place["label"] if place else "",
        lat=place["lat"] if place else None,
        lon=place["lon"] if place else None,
        radius_km=int(ss.get(RADIUS) or DEFAULTS.radius_km),
        filters=filters,
        page=int(ss.get(PAGE) or DEFAULTS.page),
        basemap=ss.get(BASEMAP) or DEFAULTS.basemap,
    )


def choose_place(place: Place, shared: str | None = None) -> None:
    """Centre the search on ``place`` and start again from the first page. ``shared``: the
    place's name in the URL, when its own (« Ma position ») would mislead whoever gets the link.

    Callable from a callback or from the page body (then followed by st.rerun()): the
    widgets' own keys are only written by :func:`apply_pending`, before they are drawn.
    """
    chosen = {"label": place.label, "lat": place.lat, "lon": place.lon, "kind": place.kind}
    st.session_state[PLACE] = chosen | ({"shared": shared} if shared else {})
    st.session_state[PENDING] = {PLACE_BOX: place.label, PAGE: 1}
    st.session_state.pop(TAPPED, None)


def search_tapped() -> None:
    """Callback of « Chercher autour du point choisi »: the tapped point becomes the centre."""
    tapped = st.session_state.pop(TAPPED, None)
    if tapped:
        choose_place(Place(tapped["label"], tapped["lat"], tapped["lon"], "carte"))
        apply_pending()


def place_phrase(label: str) -> str:
    """The centre as a sentence names it, in the current language: « votre position », « le point
    choisi (Job) ». « Point choisi … » labels stay French: the URL keeps them."""
    if label in my_position_labels():
        return _("votre position")
    if label == "Point choisi sur la carte":
        return _("le point choisi sur la carte")
    if label.startswith("Point choisi (") and label.endswith(")"):
        return _("le point choisi ({commune})", commune=label[len("Point choisi (") : -1])
    if label == "Point choisi":
        return _("le point choisi")
    return label


def my_position_labels() -> set[str]:
    """The browser's position as the place box names it, in every language (« Ma position »)."""
    return {MY_POSITION} | {catalogue(lang).get(MY_POSITION, MY_POSITION) for lang in LANGS}


def of_place(label: str) -> str:
    """The centre after « de » in French, elided (« d'Ambert », « de votre position »); in another
    language the centre alone, its translated sentence carrying its own preposition."""
    phrase = place_phrase(label)
    return de(phrase) if current() == "fr" else phrase


def widen_advice(hints: list[str]) -> str:
    """What to say when nothing matches, from :func:`courtcircuit.search.widen_hints`."""
    if not hints:
        return _("Aucun lieu ici.")
    if current() != "fr":  # each hint in the reader's language (courtcircuit's Messages)
        return _("Aucun lieu ne correspond. Essayez {conseils}.", conseils="; ".join(map(said, hints)))
    return _("Aucun lieu ne correspond. Essayez {conseils}.", conseils=" ; ".join(de(h) for h in hints))


def radius_choices(current: int) -> list[int]:
    return sorted({*RADIUS_CHOICES, int(current)})


def radius_changed() -> None:
    st.session_state[PAGE] = 1


def apply_pending() -> None:
    """Write the widget values decided during the previous run (call before drawing widgets)."""
    st.session_state.update(st.session_state.pop(PENDING, {}))


def place_typed(communes: CommuneIndex, listed: Collection[str] = ()) -> None:
    """Callback of the place box: a text naming one commune or postcode moves the search at once."""
    typed = (st.session_state.get(PLACE_BOX) or "").strip()
    place = st.session_state.get(PLACE)
    if typed and (place is None or typed != place["label"]):
        found = find_places(typed, communes, listed=listed)
        if found.exact is not None:
            choose_place(found.exact)
            apply_pending()


def clear_filters() -> None:
    for key in WIDGET.values():
        st.session_state[key] = []
    st.session_state.update({TEXT: "", OPEN_NOW: False, DAY: None, HOUR: None, PAGE: 1})


def write_url(state: SearchState) -> None:
    place = st.session_state.get(PLACE) or {}
    if place.get("shared") and state.place == place["label"]:
        state = replace(state, place=place["shared"])  # never « Ma position » in a shared link
    params = to_params(state)
    if (lang := current()) != "fr":  # the language stays in the URL (and in shared links)
        params[LANG_PARAM] = lang
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    st.session_state[WRITTEN] = params
    st.session_state.pop(RESTORING, None)  # the restored search is in the URL now
    st.session_state.pop(NOTICES, None)  # shown by this run
