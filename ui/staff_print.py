"""The « Annuaire imprimable » section of the staff space: a territory (my own by default), a
choice of kinds, channels and labels, listings by commune or by product family, then one click
for the PDF (courtcircuit.print), kept in the session until the next one so the download button
survives Streamlit's reruns."""

from __future__ import annotations

import re

import streamlit as st

from courtcircuit.print import PrintChoice, directory_pdf
from courtcircuit.print.data import GROUPS
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, fold
from courtcircuit.workspace.accounts import AccountError, StaffMember, Territory
from ui.chrome import communes, cursor
from ui.i18n import N_, _, term
from ui.text import md

_PDF = "staff_print_pdf"
# The radio's labels for courtcircuit.print.data.GROUPS' codes (its own labels are the PDF's French).
GROUP_LABELS = {"commune": N_("par commune"), "produit": N_("par famille de produits")}


def _file_name(title: str) -> str:
    """« Annuaire Puy-de-Dôme » → annuaire-puy-de-dome.pdf: a name every system accepts."""
    return "annuaire-" + (re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")[:60] or "territoire") + ".pdf"


def print_panel(member: StaffMember) -> None:
    st.subheader(_("Annuaire imprimable"))
    st.caption(
        _(
            "Un annuaire à imprimer pour les marchés et les mairies (PDF A4, lisible en noir et blanc) : "
            "couverture, carte numérotée, fiches avec un QR code vers leur page, index par produit, sources."
        )
    )
    with st.form("staff_print"):
        text = st.text_input(
            _("Territoire"),
            value=" ".join(member.territory.codes),
            help=_(
                "Départements (63), communes (63003) ou EPCI (SIREN à 9 chiffres), séparés par des "
                "virgules ou des espaces ; pour un Parc, la liste de ses communes."
            ),
        )
        name = st.text_input(_("Nom sur la couverture"), value=member.territory.name, max_chars=120)
        kinds = st.multiselect(
            _("Types de lieux (tous si vide)"), KINDS.codes(), format_func=lambda c: term(KINDS, c)
        )
        channels = st.multiselect(
            _("Modes de vente (tous si vide)"), CHANNELS.codes(), format_func=lambda c: term(CHANNELS, c)
        )
        labels = st.multiselect(
            _("Labels (tous si vide)"), LABELS.codes(), format_func=lambda c: term(LABELS, c)
        )
        group_by = st.radio(
            _("Classer les lieux"),
            list(GROUPS),
            format_func=lambda g: _(GROUP_LABELS[g]) if g in GROUP_LABELS else GROUPS[g],
            horizontal=True,
        )
        asked = st.form_submit_button(_("Produire le PDF"), type="primary", icon=":material/print:")
    if asked:
        try:
            territory = Territory.parse(text, name.strip(), communes())
        except AccountError as err:
            st.error(md(_("Territoire refusé : {reason}", reason=err)))
            return
        if not territory.codes:
            st.error(_("Indiquez un territoire : un département, des communes ou un EPCI."))
            return
        choice = PrintChoice(tuple(kinds), tuple(channels), tuple(labels), group_by or "commune")
        with st.spinner(_("Mise en page de l'annuaire…")):
            pdf = directory_pdf(cursor(), territory, choice, index=communes())
        st.session_state[_PDF] = (pdf, _file_name(territory.name or text))
    if done := st.session_state.get(_PDF):
        pdf, file_name = done
        st.success(_("Annuaire prêt ({size} Ko).", size=len(pdf) // 1024))
        st.download_button(
            _("Télécharger l'annuaire (PDF)"),
            pdf,
            file_name=file_name,
            mime="application/pdf",
            icon=":material/download:",
            on_click="ignore",
            key="staff_print_download",
        )
