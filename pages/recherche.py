"""Where can I buy local food near here? Place, radius, filters → one search → map, list, export."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from courtcircuit.directory import departements_present, directory_summary
from courtcircuit.export import to_csv, to_geojson
from courtcircuit.places import Place, communes_with_listings
from courtcircuit.schema import CARD_COLUMNS
from courtcircuit.search import PARIS, SearchIndex, matches, search, widen_hints
from courtcircuit.search_state import MAX_TEXT
from ui import search_form as form
from ui.chrome import communes, credits, cursor, demo_banner, outlines, per_file
from ui.filters_panel import filters_panel
from ui.first_visit import first_visit
from ui.geolocation import LABEL as MY_POSITION
from ui.geolocation import locate_button
from ui.i18n import _, current, said
from ui.list_top import list_top
from ui.map_background import communes_around
from ui.mapview import clicked_listing_id
from ui.pages import LISTING, SEARCH, routed
from ui.place_picker import clicked_place, suggestions
from ui.results import result_list
from ui.search_map import search_map, search_map_caption
from ui.suggest_place import propose_place
from ui.text import md

routed()

PAGE_SIZE = 20
MAX_LISTED = 20_000  # the list and the downloads stop here; the map counts the others by area
# A phone shows the results on its first screen: a smaller title, a tighter top, a shorter banner.
# A constant rule: no text from anyone.
_PHONE_CSS = """<style>
@media (max-width: 640px) {
  .stMainBlockContainer {padding-top: 4.2rem}
  .stMainBlockContainer h1 {font-size: 1.55rem; padding: 0 0 .2rem}
  .st-key-cc_banner [data-testid="stAlertContainer"] {padding: .45rem .7rem}
  .st-key-cc_banner p {font-size: .82rem; line-height: 1.35}
}
</style>"""

con = cursor()
summary = per_file(directory_summary)
listed = per_file(communes_with_listings)  # preferred among equally close place names
notices = form.sync_from_url()
form.apply_pending()
state = form.form_state()
now = datetime.now(PARIS)
# The one search of this page: the counts and the list's page of rows (the pagination's state is
# known before its widget is drawn); the map's points and the downloads are read below.
page = max(1, int(st.session_state.get(form.PAGE, 1)))
# The counts come from the file's in-memory index; the list reads only what its cards show.
index = per_file(SearchIndex.load)
asked = {"now": now, "limit": PAGE_SIZE, "index": index, "columns": CARD_COLUMNS}
result = search(con, state.area, state.filters, offset=(page - 1) * PAGE_SIZE, **asked)
if page > 1 and result.listings.empty:  # a page that a narrower search no longer has: the first
    st.session_state[form.PAGE] = page = 1
    result = search(con, state.area, state.filters, **asked)

st.html(_PHONE_CSS)
st.title(_("Où acheter local près de chez moi ?"))
st.caption(
    _("Producteurs, marchés, AMAP, magasins de producteurs, drives et distributeurs en circuit court.")
)
with st.container(key="cc_banner"):
    demo_banner(summary)
for notice in notices:
    # courtcircuit.search_state's French notices (constant ones are in the catalogue; Messages carry
    # their template); they echo URL text: shown as text
    st.warning(md(said(notice)), icon=":material/link:")
if state.area is None:
    first_visit(SEARCH)

# ------------------------------------------------------------------ where, how far, what
# One row on a phone as on a desktop (a horizontal container wraps, columns would stack).
with st.container(horizontal=True, vertical_alignment="bottom", key="cc_where"):
    typed = st.text_input(
        _("Adresse, commune ou code postal"),
        key=form.PLACE_BOX,
        max_chars=MAX_TEXT,
        live=True,
        placeholder=_("ex. Ambert, 63600, St Anthème…"),
        help=_("Les accents sont facultatifs ; « St » vaut « Saint »."),
        on_change=form.place_typed,
        args=(communes(), listed),
        width="stretch",
    )
    st.selectbox(
        _("Rayon"),
        form.radius_choices(state.radius_km),
        key=form.RADIUS,
        format_func=lambda km: f"{km} km",
        on_change=form.radius_changed,
        width=110,
    )
place = st.session_state.get(form.PLACE)
suggestions(
    typed,
    place["label"] if place else None,
    communes(),
    key_prefix="cc",
    on_choose=form.choose_place,
    listed=listed,
)
with st.container(horizontal=True, vertical_alignment="center", key="cc_actions"):
    with st.container(width="content"):  # the component would stretch and push « Filtres » away
        position, geo_error = locate_button("cc_locate")
    filters_panel(result, state.filters)
if position is not None:
    near = communes().containing(position.lat, position.lon)
    # « Ma position » means nothing to whoever receives the link: the URL names the commune.
    shared = f"Point choisi ({near.name})" if near else "Point choisi"
    form.choose_place(Place(_(MY_POSITION), position.lat, position.lon, "position"), shared=shared)
    st.rerun()
if geo_error:
    st.warning(_(geo_error))  # one of ui.geolocation.ERRORS

# ------------------------------------------------------------------ answer
if state.area is not None:
    # {de_lieu}: the centre with its French « de » (d'Ambert, de votre position); in English the
    # centre alone, the translation carrying its own preposition.
    where = {"km": state.radius_km, "de_lieu": md(form.of_place(state.place))}
    if result.total == 0:
        heading = _("Aucun lieu à moins de {km} km {de_lieu}", **where)
    elif result.total == 1:
        heading = _("1 lieu à moins de {km} km {de_lieu}", **where)
    else:
        heading = _("{n} lieux à moins de {km} km {de_lieu}", n=result.total, **where)
    st.subheader(heading)
else:
    st.subheader(
        _("1 lieu dans tout l'annuaire")
        if result.total == 1
        else _("{n} lieux dans tout l'annuaire", n=result.total)
    )
    st.info(
        _("Indiquez une commune ou votre position pour voir les lieux les plus proches d'abord."),
        icon=":material/my_location:",
    )
# Notes that come and go sit in containers that are always there: an element appearing before
# the columns would move the map, and Streamlit reloads a moved map's frame (a second or more
# of a blank map, on every search that goes from no result to some).
advice = st.container()
if result.total == 0:
    advice.warning(form.widen_advice(widen_hints(result, state.area, state.filters)))

map_col, list_col = st.columns([3, 2])
with map_col:
    beyond = st.container()  # always there, as ``advice``
    if result.total > MAX_LISTED:
        beyond.caption(
            _(
                "La liste et les téléchargements donnent les {shown} lieux les plus proches sur "
                "{total} : réduisez le rayon ou ajoutez un filtre pour voir les autres.",
                shown=MAX_LISTED,
                total=result.total,
            )
        )
    # Markers of the visible box when it holds few enough, else counts per grid cell (issue 12):
    # the map fetches the box the visitor zooms to, in the same frame (ui.search_map). A
    # directory of 10^6 listings sends a few hundred bubbles, not 20,000 points.
    view, out = search_map(
        con,
        state.area,
        state.filters,
        key="cc_map",
        height=540,
        open_hours=result.open_hours if state.filters.open_now else None,
        outlines=None if state.area else outlines(tuple(per_file(departements_present))),
        communes=communes_around(state.area) if state.area else None,
        basemap=state.basemap,
        index=index,
    )
    if caption := search_map_caption(view):
        st.caption(caption)
    clicked_id = clicked_listing_id((out or {}).get("last_object_clicked_popup"))
    if clicked_id and clicked_id != st.session_state.get("cc_last_popup"):
        st.session_state["cc_last_popup"] = clicked_id
        form.write_url(state)
        st.switch_page(LISTING, query_params={"id": clicked_id})
    # A tap on the map only offers to search there: an accidental one (scrolling a phone)
    # must not move the search.
    if tapped := clicked_place((out or {}).get("last_clicked"), "cc_last_click", communes()):
        st.session_state[form.TAPPED] = {"label": tapped.label, "lat": tapped.lat, "lon": tapped.lon}
        # Seen wherever the page is scrolled (on a phone the button may be below the screen).
        st.toast(
            _("Point choisi : « Chercher autour » sous la carte y centre la recherche."),
            icon=":material/place:",
        )
    if pending := st.session_state.get(form.TAPPED):
        st.button(
            _("Chercher autour {de_lieu}", de_lieu=md(form.of_place(pending["label"]))),
            key="cc_search_here",
            icon=":material/my_location:",
            on_click=form.search_tapped,
            type="primary",
        )
    st.caption(_("Touchez un point pour ouvrir sa fiche, ailleurs pour proposer d'y centrer la recherche."))

with list_col:
    pages = max(1, -(-min(result.total, MAX_LISTED) // PAGE_SIZE))
    list_top(page, key="cc_list_top")  # page 2 opens on its first line, not its last
    result_list(result.listings, now)
    if pages > 1:
        st.pagination(pages, key=form.PAGE, max_visible_pages=5)

    if result.total:
        sources = [s.label for s in summary.sources]
        search_state = (con, state.area, state.filters, result)

        def rows() -> pd.DataFrame:  # read on a click only (download_button calls it then, on its own thread)
            return matches(*search_state, limit=MAX_LISTED)

        down_csv, down_geo = st.columns(2)
        down_csv.download_button(
            _("Télécharger (CSV)"),
            lambda: to_csv(rows(), sources, lang=current()),
            "court-circuit.csv",
            "text/csv",
            key="cc_csv",
        )
        down_geo.download_button(
            _("Télécharger (GeoJSON)"),
            lambda: to_geojson(rows(), sources),
            "court-circuit.geojson",
            "application/geo+json",
            key="cc_geojson",
        )

form.write_url(form.form_state())
propose_place()  # « Proposer un lieu » (moderated)
credits(summary)
