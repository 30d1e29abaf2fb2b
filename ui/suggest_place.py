"""« Proposer un lieu » on the search page: a place the directory misses (name, kind, address or
commune, what they sell, an optional contact of the place), moderated before it is published."""

from __future__ import annotations

import streamlit as st

from courtcircuit.vocab import KINDS, PRODUCTS
from courtcircuit.workspace import suggestions as sg
from ui.i18n import _, term
from ui.suggest_common import THANKS, email_box, honeypot, send

SENT = "cc_propose_sent"
_TEXTS = ("name", "street", "postcode", "city", "description", "phone", "website", "email", "hp")


def key(name: str) -> str:
    return f"cc_propose_{name}"


def propose_place() -> None:
    if (sent := st.session_state.pop(SENT, None)) is not None:
        for name in _TEXTS:  # emptied only once stored: an error keeps what was typed
            st.session_state[key(name)] = ""
        st.session_state[key("products")] = []
        st.success(_(THANKS, number=sent), icon=":material/check_circle:")
    with st.expander(_("Proposer un lieu"), icon=":material/add_location_alt:"):
        with st.form("cc_propose"):
            st.caption(
                _(
                    "Un producteur, un marché, une AMAP ou un magasin manque ? Décrivez-le : l'équipe du "
                    "territoire vérifie avant de l'ajouter. Aucun compte n'est nécessaire."
                )
            )
            # Labels read now, in this run's language: Streamlit may call format_func after the run.
            kinds = {c: term(KINDS, c) for c in KINDS.codes()}
            products = {c: term(PRODUCTS, c) for c in PRODUCTS.codes()}
            name = st.text_input(_("Nom du lieu"), key=key("name"), max_chars=sg.LIMITS["name"])
            kind = st.selectbox(
                _("Type de lieu"), KINDS.codes(), format_func=lambda c: kinds.get(c, c), key=key("kind")
            )
            street = st.text_input(_("Adresse (facultatif)"), key=key("street"), max_chars=sg.MAX_VALUE)
            postcode, city = st.columns([1, 2])
            place = {
                "name": name, "kind": kind, "street": street,
                "postcode": postcode.text_input(_("Code postal"), key=key("postcode"), max_chars=10),
                "city": city.text_input(_("Commune"), key=key("city"), max_chars=sg.MAX_VALUE),
                "products": st.multiselect(
                    _("Ce qu'on y trouve"), PRODUCTS.codes(), format_func=lambda c: products.get(c, c),
                    key=key("products"), placeholder=_("Choisissez"),
                ),
                "description": st.text_area(
                    _("Précisions (facultatif)"), key=key("description"), max_chars=sg.LIMITS["description"]
                ),
                "phone": st.text_input(_("Téléphone du lieu (facultatif, publié)"), key=key("phone"), max_chars=30),
                "website": st.text_input(
                    _("Site web du lieu (facultatif, publié)"), key=key("website"), max_chars=sg.MAX_VALUE
                ),
            }  # fmt: skip
            email = email_box(key("email"))
            trap = honeypot(key("hp"))
            sent = st.form_submit_button(_("Proposer ce lieu"), type="primary")
        if sent:
            number = send(None, sg.NEW_PLACE, place, email, trap, {})
            if number is not None:
                st.session_state[SENT] = number
                st.rerun()
