"""Which local producers can supply my shop or canteen? Store → filters → one query → views."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from courtcircuit.directory import directory_summary
from courtcircuit.export import shortlist_csv, shortlist_xlsx
from courtcircuit.supplier_index import SupplierIndex
from courtcircuit.supplier_pages import PAGE_ROWS, prospect_page, suppliers_by_id
from courtcircuit.supplier_state import MAX_PLACE, VIEWS
from courtcircuit.suppliers import NEAR_PRESETS_KM, StoreOutsideFrance, check_in_france, frequencies
from courtcircuit.vocab import AB_STATUS, LABELS, PRODUCTS, STORE_KINDS
from ui import prospect_form as form
from ui import shortlist
from ui.chrome import communes, credits, cursor, demo_banner, needs_store, per_file
from ui.coverage_view import coverage_view
from ui.i18n import _, current, term
from ui.needs_view import need_form, public_needs, published_needs
from ui.pages import routed
from ui.place_picker import clicked_place, suggestions
from ui.supplier_map import supplier_map
from ui.suppliers_view import (
    current_page,
    offset_of,
    past_the_end,
    supplier_table,
    table_pager,
    with_delivery_labels,
)
from ui.text import md

routed()

con = cursor()
# Options are labelled in this run's language, bound now: AppTest calls format_func outside the run.
lang = current()
summary = per_file(directory_summary)
notices = form.sync_from_url()
form.apply_pending()
shortlist.take_ticks()  # before any table is drawn: a tick in one table shows in the other
form.sync_organic_only()

st.title(_("Trouver des fournisseurs locaux"), anchor=False)
st.caption(
    _(
        "Pour les magasins, épiceries, restaurants et cantines : les producteurs qui peuvent vous livrer, "
        "ce qu'ils proposent, et où l'offre locale manque."
    )
)
demo_banner(summary)
for notice in notices:
    st.warning(md(notice), icon=":material/link:")  # echoes URL text: shown as text

where, kind_box = st.columns([3, 2])
with where:
    typed = st.text_input(
        _("Adresse, commune ou code postal de l'établissement"), key=form.PLACE_BOX, max_chars=MAX_PLACE
    )
    store_pos = st.session_state.get(form.STORE)
    suggestions(
        typed, store_pos["label"] if store_pos else None, communes(), key_prefix="cp", on_choose=form.choose_store,
        take_exact=True, not_found_hint=_("Essayez le nom de la commune ou son code postal."),
    )  # fmt: skip
with kind_box:
    st.selectbox(
        _("Type d'établissement"),
        STORE_KINDS.codes(),
        key=form.STORE_KIND,
        format_func=partial(STORE_KINDS.label, lang=lang),
        placeholder=_("Choisissez un type"),
    )

with st.sidebar:
    st.header(_("Filtres"), anchor=False)
    # select_all=False: Streamlit's « Select all » is English, and all families is no filter.
    st.multiselect(
        _("Produits"),
        PRODUCTS.codes(),
        key="cp_produit",
        format_func=partial(PRODUCTS.label, lang=lang),
        placeholder=_("Tous"),
        select_all=False,
    )
    st.multiselect(
        _("Labels"),
        LABELS.codes(),
        key="cp_label",
        format_func=partial(LABELS.label, lang=lang),
        placeholder=_("Tous"),
        select_all=False,
    )
    # Supermarkets cannot sell a farm in conversion as organic: one tick keeps certified farms only.
    st.checkbox(
        _("Bio certifié seulement (sans les fermes en conversion)"),
        key=form.ORGANIC_ONLY,
        on_change=form.set_organic_only,
    )
    with st.expander(_("Bio : choisir les états de certification")):
        st.multiselect(
            _("Bio : état de certification"),
            AB_STATUS.codes(),
            key="cp_bio",
            format_func=partial(AB_STATUS.label, lang=lang),
            placeholder=_("Tous"),
            select_all=False,
        )
    st.subheader(_("Prêts à livrer la distribution"), anchor=False)
    st.checkbox(_("Code-barres (GTIN/EAN) disponible"), key="cp_gtin")
    st.checkbox(_("Agrément sanitaire (CE) indiqué"), key="cp_agrement")
    st.checkbox(_("SIRET connu"), key="cp_siret")
    st.checkbox(_("Volumes indiqués"), key="cp_volumes")
    st.multiselect(
        _("Fréquence de livraison"),
        per_file(frequencies),  # the producers' own words: data, not translated
        key=form.FREQUENCIES,
        placeholder=_("Toutes"),
        select_all=False,
    )

state = form.form_state()
store = state.store
if store is None:
    st.info(_("Indiquez où se trouve votre établissement pour voir les producteurs qui peuvent vous livrer."))
    st.subheader(_("Besoins publiés par les acheteurs"), anchor=False)
    public_needs(needs_store(), None)
    with st.expander(_("Publier un besoin")):
        need_form(needs_store(), None, state.store_kind)
    form.write_url(state)
    credits(summary)
    st.stop()
try:
    check_in_france(store, communes())
except StoreOutsideFrance as exc:
    # The domain's sentence is French (courtcircuit/suppliers.py): said again here in the reader's language.
    st.error(
        _(
            "La position {lat}, {lon} n'est dans aucune commune française : l'annuaire ne couvre que la France.",
            lat=format(store.lat, ".4f"),
            lon=format(store.lon, ".4f"),
        )
        if lang != "fr"
        else md(exc)
    )
    form.write_url(state)
    st.stop()

# Each table shows one page of its list; a list starts again at page 1 when what it depends on
# changes (the deliverers do not depend on the distance).
DELIVER_TABLE, NEAR_TABLE = shortlist.TABLES
where_and_what = (store.lat, store.lon, state.filters)
page = {
    DELIVER_TABLE: current_page(DELIVER_TABLE, where_and_what),
    NEAR_TABLE: current_page(NEAR_TABLE, (*where_and_what, state.near_km)),
}
result = prospect_page(
    con,
    store,
    state.filters,
    state.near_km,
    page_rows=PAGE_ROWS,
    deliverers_offset=offset_of(page[DELIVER_TABLE], PAGE_ROWS),
    nearby_offset=offset_of(page[NEAR_TABLE], PAGE_ROWS),
    index=per_file(SupplierIndex.load),  # the producers within reach, read from memory
)  # the one query of this page
lists = {DELIVER_TABLE: result.deliverers, NEAR_TABLE: result.nearby}
if any([past_the_end(part, base) for base, part in lists.items()]):  # a list, not a generator: both reset
    st.rerun()

st.subheader(
    _(
        "Établissement : {place} · {kind}",
        place=md(state.place),
        kind=md(term(STORE_KINDS, state.store_kind)),
    ),
    anchor=False,
)
tab_labels = dict(
    zip(
        VIEWS,
        [
            _("Livrent mon établissement ({n})", n=result.deliverers.total),
            _("Producteurs à moins de {km} km ({n})", km=state.near_km, n=result.nearby.total),
            _("Où l'offre manque"),
            _("Besoins des acheteurs"),
        ],
        strict=True,
    )
)
# Tabs that track their state, opened on the remembered tab: a filter, the distance or a tick
# reruns the page and the buyer stays where they were (see form.remember_view).
deliver_tab, near_tab, coverage_tab, needs_tab = st.tabs(
    list(tab_labels.values()),
    key=form.TABS,
    default=tab_labels[state.view],
    on_change=form.remember_view,
    args=({label: view for view, label in tab_labels.items()},),
)
with deliver_tab:
    st.caption(
        _(
            "Producteurs qui livrent et dont le rayon de livraison déclaré couvre votre établissement. "
            "Ceux qui n'ont pas indiqué de rayon n'y figurent pas : voyez l'onglet suivant."
        )
    )
    supplier_table(result.deliverers.rows, DELIVER_TABLE)
    table_pager(result.deliverers, DELIVER_TABLE, PAGE_ROWS)
with near_tab:
    st.slider(_("Distance (km)"), 1, 300, key=form.NEAR_KM)
    presets = st.columns(len(NEAR_PRESETS_KM))
    for col, km in zip(presets, NEAR_PRESETS_KM, strict=True):
        col.button(f"{km} km", key=f"cp_preset_{km}", on_click=form.set_near, args=(km,), width="stretch")
    unknown = result.unknown_radius
    if unknown == 1:
        st.caption(
            _("1 producteur livre sans avoir indiqué jusqu'où : « rayon de livraison non renseigné ».")
        )
    elif unknown:
        st.caption(
            _(
                "{n} producteurs livrent sans avoir indiqué jusqu'où : « rayon de livraison non renseigné ».",
                n=unknown,
            )
        )
    supplier_table(result.nearby.rows, NEAR_TABLE)
    table_pager(result.nearby, NEAR_TABLE, PAGE_ROWS)
with coverage_tab:
    coverage_view(result.coverage)
with needs_tab:
    public_needs(needs_store(), store)
    with st.expander(_("Publier un besoin de mon établissement")):
        need_form(needs_store(), state, state.store_kind)

# ------------------------------------------------------------------ map and shortlist
needs_points = pd.DataFrame(
    [
        {"id": f"besoin-{n.id}", "name": n.title, "kind": "besoin", "lat": n.lat, "lon": n.lon}
        for n in published_needs(needs_store())
    ],
    columns=["id", "name", "kind", "lat", "lon"],
)
left, right = st.columns([3, 2])
with left:
    # Every producer of the longer list, not only the page's: the map shows where they all are.
    producers = result.points[["id", "name", "lat", "lon"]].assign(kind="producteur")
    points = pd.concat([producers, needs_points])
    out = supplier_map(points, (store.lat, store.lon), float(state.near_km), key="cp_map", height=460)
    st.caption(_("Un clic sur la carte y déplace votre établissement."))
    if chosen_place := clicked_place((out or {}).get("last_clicked"), "cp_last_click", communes()):
        form.choose_store(chosen_place)
        st.rerun()
with right:
    st.subheader(_("Ma sélection"), anchor=False)
    chosen = shortlist.keep_only(result.ids)  # ticked on any page of either list
    if chosen:
        read = partial(suppliers_by_id, con, store)
        picked = with_delivery_labels(shortlist.chosen_rows(read, chosen, (store.lat, store.lon)))
        count = (
            _("1 producteur à contacter")
            if len(picked) == 1
            else _("{n} producteurs à contacter", n=len(picked))
        )
        st.markdown(
            f"**{count}**\n\n"
            + "\n".join(
                f"- {md(r.name)} ({md(r.city or '?')}, {r.distance_km:.0f} km)" for r in picked.itertuples()
            )
        )
        sources = [s.label for s in summary.sources]
        a, b = st.columns(2)
        a.download_button(
            _("Télécharger (Excel)"),
            shortlist_xlsx(picked, sources, title=_("Ma sélection"), lang=lang),
            "fournisseurs-locaux.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="cp_xlsx",
        )
        b.download_button(
            _("Télécharger (CSV)"),
            shortlist_csv(picked, sources, lang=lang),
            "fournisseurs-locaux.csv",
            "text/csv",
            key="cp_csv",
        )
        st.button(_("Vider la sélection"), key="cp_clear", on_click=shortlist.clear)
    else:
        st.caption(
            _(
                "Choisissez des producteurs en cochant leur ligne dans les tableaux (case à gauche) "
                "pour télécharger leurs coordonnées."
            )
        )

form.write_url(state)
credits(summary)
