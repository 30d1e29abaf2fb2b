"""The « Intégrer la carte » section of the staff space: the <iframe> snippet a partner pastes
in their website, with a title (read by screen readers) and the territory and filters the
embedded search starts with (courtcircuit/embed.py, ui/embed.py)."""

from __future__ import annotations

import streamlit as st

from courtcircuit.embed import MAX_TITLE, embed_url, iframe_snippet
from courtcircuit.print import public_url
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS
from courtcircuit.workspace.accounts import AccountError, StaffMember, Territory
from ui.chrome import communes
from ui.i18n import _, term
from ui.text import md

# Each language named in itself, as the language switch names them.
FRAME_LANGUAGES = {"fr": "Français", "en": "English"}


def embed_panel(member: StaffMember) -> None:
    st.subheader(_("Intégrer la carte sur un site partenaire"))
    st.caption(
        _(
            "La recherche de l'annuaire dans une page de votre site (mairie, office de tourisme, Parc) : "
            "sans menu ni accès à l'espace équipe, sur votre territoire, avec les filtres choisis."
        )
    )
    title = st.text_input(
        _("Titre (affiché en haut et lu par les lecteurs d'écran)"),
        value=_("Où acheter local : {territory}", territory=member.territory.name)
        if member.territory.name
        else _("Où acheter local ?"),
        max_chars=MAX_TITLE,
        key="staff_embed_title",
    )
    territory = st.text_input(
        _("Territoire"), value=" ".join(member.territory.codes), key="staff_embed_territory",
        help=_("Départements, communes ou EPCI ; la recherche s'ouvre centrée dessus."),
    )  # fmt: skip
    kinds = st.multiselect(
        _("Types de lieux"), KINDS.codes(), format_func=lambda c: term(KINDS, c), key="staff_embed_kinds"
    )
    channels = st.multiselect(
        _("Modes de vente"), CHANNELS.codes(), format_func=lambda c: term(CHANNELS, c), key="staff_embed_ch"
    )
    labels = st.multiselect(
        _("Labels"), LABELS.codes(), format_func=lambda c: term(LABELS, c), key="staff_embed_labels"
    )
    products = st.multiselect(
        _("Produits"), PRODUCTS.codes(), format_func=lambda c: term(PRODUCTS, c), key="staff_embed_prod"
    )
    height = st.slider(_("Hauteur (pixels)"), 400, 1400, 720, step=20, key="staff_embed_height")
    lang = st.radio(
        _("Langue du cadre"), list(FRAME_LANGUAGES), format_func=FRAME_LANGUAGES.get, horizontal=True,
        key="staff_embed_lang", help=_("Le site d'un office de tourisme peut montrer la recherche en anglais."),
    )  # fmt: skip
    if not title.strip():
        st.error(_("Donnez un titre : il dit aux lecteurs d'écran ce que contient le cadre."))
        return
    if territory.strip():
        try:
            Territory.parse(territory, communes=communes())
        except AccountError as err:
            st.error(md(_("Territoire refusé : {reason}", reason=err)))
            return
    url = embed_url(
        public_url(), title, territory, kinds=kinds, channels=channels, labels=labels, products=products,
        lang=lang,
    )  # fmt: skip
    st.write(_("Code à coller dans la page du site partenaire :"))
    st.code(iframe_snippet(url, title, height), language="html", wrap_lines=True)
    st.link_button(_("Voir l'aperçu"), url, icon=":material/open_in_new:")
