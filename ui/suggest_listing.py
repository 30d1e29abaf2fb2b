"""« Signaler une modification » on the listing page: a button opens a small form (what to
correct, the new value, an optional e-mail never published, a hidden honeypot)."""

from __future__ import annotations

import streamlit as st

from courtcircuit.listing import ListingDetail
from courtcircuit.schema import RECORD_FIELDS
from courtcircuit.workspace import suggestions as sg
from courtcircuit.workspace.revisions import to_json
from ui.i18n import _
from ui.suggest_common import THANKS, email_box, honeypot, send

OPEN, SENT = "cc_fix_open", "cc_fix_sent"
FIELD, VALUE, EMAIL, TRAP = "cc_fix_field", "cc_fix_value", "cc_fix_email", "cc_fix_hp"


def _toggle() -> None:
    st.session_state[OPEN] = not st.session_state.get(OPEN, False)


def report_change(listing: ListingDetail) -> None:
    if (sent := st.session_state.pop(SENT, None)) is not None:
        for key in (VALUE, EMAIL, TRAP):  # emptied only once stored: an error keeps what was typed
            st.session_state[key] = ""
        st.success(_(THANKS, number=sent), icon=":material/check_circle:")
    st.button(
        _("Signaler une modification"), key="cc_fix_button", icon=":material/edit_note:", on_click=_toggle
    )
    if not st.session_state.get(OPEN):
        return
    with st.form("cc_fix"):
        st.caption(
            _(
                "Une information est fausse ou a changé ? Proposez la bonne valeur : l'équipe du territoire "
                "la vérifie avant qu'elle n'apparaisse. Aucun compte n'est nécessaire."
            )
        )
        fields = {
            f: _(label) for f, label in sg.FIELDS.items()
        }  # the domain's French labels, in this catalogue
        field = st.selectbox(
            _("Ce qui est à corriger"), list(fields), format_func=lambda f: fields.get(f, f), key=FIELD
        )
        value = st.text_input(
            _("Nouvelle valeur"), key=VALUE, max_chars=sg.LIMITS["description"],
            help=_("Pour « Le lieu a fermé définitivement », laissez ce champ vide."),
        )  # fmt: skip
        email = email_box(EMAIL)
        trap = honeypot(TRAP)
        sent = st.form_submit_button(_("Envoyer la suggestion"), type="primary")
    if sent:
        current = {n: to_json(listing.fields.get(n)) for n in RECORD_FIELDS} | {"id": listing.id}
        number = send(listing.id, field, value, email, trap, current)
        if number is not None:
            st.session_state[SENT] = number
            st.session_state[OPEN] = False
            st.rerun()
