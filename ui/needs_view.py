"""Buyers' needs on the supplier page: the public list and the form to publish one."""

from __future__ import annotations

import streamlit as st

from courtcircuit.geo import haversine_km
from courtcircuit.needs import LIMITS, InvalidNeed, NeedDraft, NeedStore
from courtcircuit.supplier_state import ProspectState
from courtcircuit.suppliers import Store
from courtcircuit.vocab import PRODUCTS, STORE_KINDS
from ui.client import client_key, throttle
from ui.pages import PRIVACY
from ui.text import md


def _distance(store: Store | None, lat: float, lon: float) -> float | None:
    if store is None:
        return None
    return haversine_km(store.lat, store.lon, lat, lon)


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
            # Only the contact the buyer chose to publish; name, e-mail and phone are for staff.
            if need.public_contact:
                st.caption(f"Contact : {md(need.public_contact)}")
            else:
                st.caption("Contact non publié : l'équipe du territoire transmet les propositions.")


def need_form(needs: NeedStore, state: ProspectState | None, store_kind: str) -> None:
    if state is None or state.lat is None or state.lon is None:
        st.caption("Indiquez d'abord où se trouve votre établissement.")
        return
    with st.form("cp_need", clear_on_submit=True):
        product = st.selectbox("Famille de produits", PRODUCTS.codes(), format_func=PRODUCTS.label)
        volume = st.text_input(
            "Volume recherché", placeholder="ex. 200 douzaines d'œufs", max_chars=LIMITS["volume"]
        )
        frequency = st.text_input(
            "Fréquence", placeholder="ex. chaque semaine", max_chars=LIMITS["frequency"]
        )
        constraints = st.text_area(
            "Contraintes de livraison",
            placeholder="ex. livraison avant 9 h, quai",
            max_chars=LIMITS["constraints"],
        )
        st.markdown("**Contact publié** : visible par tous une fois le besoin validé.")
        public = st.text_input(
            "Contact à publier (facultatif)",
            placeholder="ex. achats@magasin.fr, standard 04 73 00 00 00",
            max_chars=LIMITS["public_contact"],
            help="Choisissez un contact qui peut être public : adresse du service achats, standard. "
            "Laissé vide, les producteurs passent par l'équipe du territoire.",
        )
        st.markdown("**Votre contact** : vu seulement par l'équipe du territoire, jamais publié.")
        name = st.text_input("Nom du contact", max_chars=LIMITS["contact_name"])
        email = st.text_input("E-mail", max_chars=LIMITS["contact_email"])
        phone = st.text_input("Téléphone", max_chars=LIMITS["contact_phone"])
        st.info(
            "Une fois validé par l'équipe du territoire, le besoin est affiché à tous avec le contact "
            "publié ci-dessus (ni votre nom, ni votre e-mail, ni votre téléphone).",
            icon=":material/visibility:",
        )
        sent = st.form_submit_button("Envoyer pour validation")
    st.page_link(
        PRIVACY, label="Données personnelles : ce que nous gardons et pourquoi", icon=":material/policy:"
    )
    if sent:
        draft = NeedDraft(store_kind, state.place, state.lat, state.lon, product, volume, frequency, constraints,
                          name, email, phone, public)  # fmt: skip
        try:
            # Limits per client and per hour, and duplicates, are checked by the store.
            number = needs.submit(draft, throttle=throttle(), client=client_key())
        except InvalidNeed as exc:
            st.error(md("Le besoin n'est pas enregistré : " + " ; ".join(exc.problems) + "."))
        else:
            st.success(
                f"Besoin n° {number} enregistré. Il sera visible par les producteurs une fois validé "
                "par l'équipe du territoire."
            )
