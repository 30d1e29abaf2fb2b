"""Buyers' needs on the supplier page: the public list and the form to publish one."""

from __future__ import annotations

import streamlit as st

from courtcircuit.needs import InvalidNeed, NeedDraft, NeedStore
from courtcircuit.supplier_state import ProspectState
from courtcircuit.suppliers import Store
from courtcircuit.vocab import PRODUCTS, STORE_KINDS
from etl.resolve import haversine_m
from ui.text import md


def _distance(store: Store | None, lat: float, lon: float) -> float | None:
    if store is None:
        return None
    return haversine_m(store.lat, store.lon, lat, lon) / 1000


def public_needs(needs: NeedStore, store: Store | None) -> None:
    published = needs.public()
    if not published:
        st.caption("Aucun besoin publié pour l'instant.")
        return
    st.caption("Besoins validés par l'équipe du territoire. Producteurs : contactez directement l'acheteur.")
    for need in published:
        with st.container(border=True):
            st.markdown(f"**{md(need.title)}**")
            far = _distance(store, need.lat, need.lon)
            where = md(need.place_label) + (f" · à {far:.0f} km" if far is not None else "")
            st.caption(f"{STORE_KINDS.label(need.store_kind)} · {where}")
            if need.constraints:
                st.write(md(need.constraints))
            contact = " · ".join(
                md(x) for x in (need.contact_name, need.contact_email, need.contact_phone) if x
            )
            st.caption(f"Contact : {contact}")


def need_form(needs: NeedStore, state: ProspectState | None, store_kind: str) -> None:
    if state is None or state.lat is None or state.lon is None:
        st.caption("Indiquez d'abord où se trouve votre établissement.")
        return
    with st.form("cp_need", clear_on_submit=True):
        product = st.selectbox("Famille de produits", PRODUCTS.codes(), format_func=PRODUCTS.label)
        volume = st.text_input("Volume recherché", placeholder="ex. 200 douzaines d'œufs")
        frequency = st.text_input("Fréquence", placeholder="ex. chaque semaine")
        constraints = st.text_area("Contraintes de livraison", placeholder="ex. livraison avant 9 h, quai")
        name = st.text_input("Nom du contact")
        email = st.text_input("E-mail")
        phone = st.text_input("Téléphone")
        sent = st.form_submit_button("Envoyer pour validation")
    if sent:
        draft = NeedDraft(store_kind, state.place, state.lat, state.lon, product, volume, frequency, constraints,
                          name, email, phone)  # fmt: skip
        try:
            number = needs.submit(draft)
        except InvalidNeed as exc:
            st.error(md("Le besoin n'est pas enregistré : " + " ; ".join(exc.problems) + "."))
        else:
            st.success(
                f"Besoin n° {number} enregistré. Il sera visible par les producteurs une fois validé "
                "par l'équipe du territoire."
            )
