"""Where can I buy local food near here? Place, radius, filters → one search → map, list, export."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from courtcircuit.directory import directory_summary
from courtcircuit.export import to_csv, to_geojson
from courtcircuit.geo import departements_of
from courtcircuit.hours import DAYS_FR
from courtcircuit.places import Place, communes_with_listings
from courtcircuit.search import PARIS, RADIUS_MAX_KM, RADIUS_MIN_KM, search, widen_hints
from courtcircuit.search_state import MAX_TEXT, RADIUS_PRESETS
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS
from ui import search_form as form
from ui.chrome import communes, credits, cursor, demo_banner, outlines
from ui.geolocation import locate_button
from ui.map_background import communes_around, communes_over
from ui.mapview import BASEMAPS, clicked_listing_id, listings_map, show_map
from ui.pages import LISTING, routed
from ui.place_picker import clicked_place, suggestions
from ui.results import result_list
from ui.suggest_place import propose_place
from ui.text import md

routed()

PAGE_SIZE = 20
MAX_MAP_POINTS = 20_000  # the map stays smooth up to here (bench/map_browser.py); the list has them all

con = cursor()
summary = directory_summary(con)
listed = communes_with_listings(con)  # preferred among equally close place names
notices = form.sync_from_url()
form.apply_pending()

st.title("Où acheter local près de chez moi ?")
st.caption("Producteurs, marchés, AMAP, magasins de producteurs, drives et distributeurs en circuit court.")
demo_banner(summary)
for notice in notices:
    st.warning(md(notice), icon=":material/link:")  # echoes URL text: shown as text

# ------------------------------------------------------------------ where
where, radius_box = st.columns([3, 2])
with where:
    typed = st.text_input(
        "Adresse, commune ou code postal",
        key=form.PLACE_BOX,
        max_chars=MAX_TEXT,
        live=True,
        placeholder="ex. Ambert, 63600, St Anthème…",
        help="Les accents sont facultatifs ; « St » vaut « Saint ».",
        on_change=form.place_typed,
        args=(communes(), listed),
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
    position, geo_error = locate_button("cc_locate")
    if position is not None:
        form.choose_place(Place("Ma position", position.lat, position.lon, "position"))
        st.rerun()
    if geo_error:
        st.warning(geo_error)

with radius_box:
    st.slider(
        "Rayon (km)", min_value=int(RADIUS_MIN_KM), max_value=int(RADIUS_MAX_KM), step=1, key=form.RADIUS
    )
    presets = st.columns(len(RADIUS_PRESETS))
    for col, km in zip(presets, RADIUS_PRESETS, strict=True):
        col.button(f"{km} km", key=f"cc_preset_{km}", on_click=form.set_radius, args=(km,), width="stretch")

state = form.form_state()
now = datetime.now(PARIS)
result = search(con, state.area, state.filters, now=now)  # the one query of this page

# ------------------------------------------------------------------ what (sidebar)
with st.sidebar:
    st.header("Filtres")

    def options(facet: str, vocab, key: str, label: str) -> None:
        counts = result.facets[facet]
        chosen = [c for c in st.session_state.get(key) or [] if c in vocab]
        if chosen:
            # The browser keeps a multiselect's value as its labels, and these labels carry
            # counts that change with the search: hand the value back each run so the browser
            # shows (and later sends) « Marché (3) », not a stale « Marché (2) » that would
            # match no option on the next run and silently empty the results.
            st.session_state[key] = chosen
        # Options with no result here are hidden, unless already chosen (so they can be removed).
        codes = [c for c in vocab.codes() if counts.get(c) or c in chosen]
        st.multiselect(
            label,
            codes,
            key=key,
            format_func=lambda c: f"{vocab.label(c)} ({counts.get(c, 0)})",
            placeholder="Tous",
        )

    options("kind", KINDS, "cc_type", "Type de lieu")
    options("channel", CHANNELS, "cc_vente", "Mode de vente")
    options("label", LABELS, "cc_label", "Label de qualité")
    options("product", PRODUCTS, "cc_produit", "Produits")
    st.text_input(
        "Nom ou produit", key=form.TEXT, placeholder="ex. fromage, miel, Ferme du…", max_chars=MAX_TEXT
    )
    st.toggle(f"Ouvert maintenant ({result.open_now_count})", key=form.OPEN_NOW)
    st.selectbox(
        "Ouvert le",
        [None, *range(7)],
        key=form.DAY,
        format_func=lambda d: "N'importe quel jour" if d is None else DAYS_FR[d].capitalize(),
        placeholder="N'importe quel jour",
    )
    st.time_input("À l'heure", value=None, key=form.HOUR, step=900)
    if not state.filters.is_empty:
        st.button("Effacer les filtres", on_click=form.clear_filters, key="cc_clear")
    st.selectbox("Fond de carte", list(BASEMAPS), key=form.BASEMAP, format_func=lambda b: BASEMAPS[b].label)

# ------------------------------------------------------------------ answer
listings = result.listings
if state.area is not None:
    count = "Aucun lieu" if result.total == 0 else f"{result.total} lieu" + ("x" if result.total > 1 else "")
    st.subheader(f"{count} à moins de {state.radius_km} km de {md(state.place)}")
else:
    st.subheader(f"{result.total} lieux dans tout l'annuaire")
    st.info(
        "Indiquez une commune ou votre position pour voir les lieux les plus proches d'abord.",
        icon=":material/my_location:",
    )
if result.total == 0:
    hints = widen_hints(result, state.area, state.filters)
    st.warning(
        "Aucun lieu ne correspond. Essayez de " + " ; ".join(hints) + "." if hints else "Aucun lieu ici."
    )

map_col, list_col = st.columns([3, 2])
with map_col:
    shown = listings.head(MAX_MAP_POINTS)
    if result.truncated:
        st.caption(
            f"La carte, la liste et les téléchargements donnent les {len(listings)} lieux les plus proches "
            f"sur {result.total} : réduisez le rayon ou ajoutez un filtre pour voir les autres."
        )
    departements = departements_of(shown["commune_insee"])
    fmap = listings_map(
        shown[["id", "name", "kind", "lat", "lon"]],
        center=(state.lat, state.lon) if state.area else None,
        radius_km=float(state.radius_km) if state.area else None,
        outlines=outlines(tuple(departements)) if departements else None,
        communes=communes_around(state.area) if state.area else communes_over(shown),
        basemap=state.basemap,
    )
    out = show_map(
        fmap,
        height=540,
        returned_objects=["last_clicked", "last_object_clicked_popup"],
        key="cc_map",
    )
    st.caption(
        "Cliquez sur un point pour ouvrir sa fiche, ailleurs sur la carte pour y centrer la recherche."
    )

clicked_id = clicked_listing_id((out or {}).get("last_object_clicked_popup"))
if clicked_id and clicked_id != st.session_state.get("cc_last_popup"):
    st.session_state["cc_last_popup"] = clicked_id
    form.write_url(state)
    st.switch_page(LISTING, query_params={"id": clicked_id})
if chosen := clicked_place((out or {}).get("last_clicked"), "cc_last_click", communes()):
    form.choose_place(chosen)
    st.rerun()

with list_col:
    pages = max(1, -(-len(listings) // PAGE_SIZE))
    if st.session_state.get(form.PAGE, 1) > pages:
        st.session_state[form.PAGE] = 1
    start = (int(st.session_state.get(form.PAGE, 1)) - 1) * PAGE_SIZE
    result_list(listings.iloc[start : start + PAGE_SIZE], now)
    if pages > 1:
        st.pagination(pages, key=form.PAGE, max_visible_pages=5)

    if result.total:
        sources = [s.label for s in summary.sources]
        down_csv, down_geo = st.columns(2)
        down_csv.download_button(
            "Télécharger (CSV)", to_csv(listings, sources), "court-circuit.csv", "text/csv", key="cc_csv"
        )
        down_geo.download_button(
            "Télécharger (GeoJSON)",
            to_geojson(listings, sources),
            "court-circuit.geojson",
            "application/geo+json",
            key="cc_geojson",
        )

form.write_url(form.form_state())
propose_place()  # « Proposer un lieu » (moderated)
credits(summary)
