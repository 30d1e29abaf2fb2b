"""One listing, everything known about it, and the places it is linked to."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from courtcircuit.geo import departements_of
from courtcircuit.hours import open_state, week_ahead
from courtcircuit.listing import get_listing
from courtcircuit.search import PARIS
from courtcircuit.vocab import AB_STATUS, CHANNELS, GEO_PRECISION, KINDS, LABELS, PRODUCTS
from ui.chrome import cursor, outlines
from ui.i18n import _, current, term
from ui.listing_view import contact_lines, link_list, vocab_badges
from ui.map_background import communes_near
from ui.mapview import listings_map, show_map
from ui.pages import SEARCH, routed
from ui.search_form import WRITTEN
from ui.suggest_listing import report_change
from ui.text import md

routed()

con = cursor()
back = st.session_state.get(WRITTEN) or {}
st.page_link(SEARCH, label=_("Retour à la recherche"), query_params=back, icon=":material/arrow_back:")

listing_id = st.query_params.get("id", "")
if st.session_state.get("cc_previous_page") == "fiche" and listing_id:
    # Listing to listing: put the new id in the address bar (arriving from another page, the
    # navigation already did, and writing it again would add a history entry).
    st.query_params["id"] = listing_id
listing = get_listing(con, listing_id) if listing_id else None  # the one query of this page
if listing is None:
    st.error(
        _(
            "Cette fiche n'existe pas (ou plus) dans l'annuaire. Le lien est peut-être incomplet ; "
            "retrouvez le lieu par la recherche."
        )
    )
    st.stop()

f = listing.fields
now = datetime.now(PARIS).replace(tzinfo=None)
st.title(md(listing.name))
lang = current()
badges = [term(KINDS, str(f["kind"]))]
if f["status"] != "active":
    st.error(_("Ce lieu est signalé comme fermé."))
st.markdown(
    " ".join(f":blue-badge[{md(b)}]" for b in badges)
    + (" :orange-badge[{}]".format(_("Donnée de démonstration")) if f["is_demo"] else "")
)
if f["description"]:
    st.write(md(f["description"]))

info, side = st.columns([3, 2])
with info:
    st.subheader(_("Adresse"))
    st.write(md(listing.address() or _("Adresse non renseignée")))
    if f["geo_precision"] and f["geo_precision"] != "exact":
        st.caption(
            _("Position approximative : {precision}.", precision=md(term(GEO_PRECISION, f["geo_precision"])))
        )
    contact_lines(listing)

    st.subheader(_("Horaires"))
    state = open_state(f["opening_hours"], now)
    (st.success if state.state == "open" else st.info)(state.text(lang))
    week = week_ahead(f["opening_hours"], now)
    if week:
        table = pd.DataFrame(
            {_("Jour"): [d.label(lang) for d in week], _("Horaires"): [d.text(lang) for d in week]}
        )
        styled = table.style.apply(
            lambda r: [
                "font-weight: bold; background-color: #e8f5e9" if week[r.name].is_today else "" for _cell in r
            ],
            axis=1,
        )
        st.dataframe(styled, hide_index=True, width="stretch")
    if f["opening_hours_text"] and f["opening_hours_text"] != f["opening_hours"]:
        st.caption(_("Tel qu'indiqué par la source : {hours}", hours=md(f["opening_hours_text"])))

    st.subheader(_("Vente et produits"))
    vocab_badges(_("Modes de vente"), f["channels"], CHANNELS, "green")
    labels = list(f["labels"] or [])
    vocab_badges(_("Labels"), labels, LABELS, "violet")
    if f["ab_status"]:
        st.caption(_("Agriculture biologique : {status}", status=md(term(AB_STATUS, f["ab_status"]))))
    vocab_badges(_("Produits"), f["products"], PRODUCTS, "orange")

with side:
    points = pd.DataFrame(
        [{"id": listing.id, "name": listing.name, "kind": f["kind"], "lat": f["lat"], "lon": f["lon"]}]
    )
    insee = str(f["commune_insee"] or "")
    show_map(
        listings_map(
            points,
            center=(f["lat"], f["lon"]),
            zoom=13,
            outlines=outlines(tuple(departements_of([insee]))) if insee else None,
            communes=communes_near(float(f["lat"]), float(f["lon"])),
        ),
        height=300,
        returned_objects=[],
        key="cc_listing_map",
    )
    link_list(_("Où trouver ses produits"), listing.sells_at)
    link_list(_("Producteurs présents"), listing.sellers)

st.subheader(_("Sources"))
for source in listing.sources:
    named = {"source": md(source.label), "ref": md(source.ref or "—")}
    if source.date:
        named["date"] = f"{source.date:%d/%m/%Y}"
        st.caption(_("{source} (réf. {ref}, données du {date})", **named))
    else:
        st.caption(_("{source} (réf. {ref})", **named))
if f["last_verified"]:
    verified = f"{f['last_verified']:%d/%m/%Y}"
    st.caption(_("Dernière vérification : {date}", date=verified))

report_change(listing)  # « Signaler une modification » (moderated)
