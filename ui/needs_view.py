"""Buyers' needs on the supplier page: the public list and the form to publish one."""

from __future__ import annotations

from functools import partial

import streamlit as st

from courtcircuit.geo import haversine_km
from courtcircuit.needs import LIMITS, InvalidNeed, Need, NeedDraft, NeedsUnavailable
from courtcircuit.supplier_state import ProspectState
from courtcircuit.suppliers import Store
from courtcircuit.vocab import PRODUCTS, STORE_KINDS
from courtcircuit.workspace.needs import NeedStore
from ui.client import client_key, throttle
from ui.i18n import _, current, said, term
from ui.pages import PRIVACY
from ui.text import md

_STORED = "cp_need_stored"  # the number of the need just stored, shown once after the rerun
_FIELDS = tuple(
    f"cp_need_{f}"
    for f in ("product", "volume", "frequency", "constraints", "public", "name", "email", "phone")
)


def _distance(store: Store | None, lat: float, lon: float) -> float | None:
    if store is None:
        return None
    return haversine_km(store.lat, store.lon, lat, lon)


def published_needs(needs: NeedStore) -> list[Need]:
    """Accepted needs for the map, or none while the store cannot be read (the needs tab says why)."""
    try:
        return needs.public()
    except NeedsUnavailable:
        return []


def public_needs(needs: NeedStore, store: Store | None) -> None:
    try:
        published = needs.public()
    except NeedsUnavailable as exc:
        st.warning(
            _("Les besoins publiés ne peuvent pas être lus pour le moment : {reason}. Réessayez plus tard.",
              reason=md(said(str(exc))))
        )  # fmt: skip
        return
    if not published:
        st.caption(_("Aucun besoin publié pour l'instant."))
        return
    st.caption(
        _("Besoins validés par l'équipe du territoire. Producteurs : contactez directement l'acheteur.")
    )
    for need in published:
        with st.container(border=True):
            st.markdown(f"**{md(need.title)}**")
            far = _distance(store, need.lat, need.lon)
            place = md(need.place_label)
            where = place if far is None else _("{place} · à {km} km", place=place, km=format(far, ".0f"))
            st.caption(f"{md(term(STORE_KINDS, need.store_kind))} · {where}")
            if need.constraints:
                st.write(md(need.constraints))
            # Only the contact the buyer chose to publish; name, e-mail and phone are for staff.
            if need.public_contact:
                st.caption(_("Contact : {contact}", contact=md(need.public_contact)))
            else:
                st.caption(_("Contact non publié : l'équipe du territoire transmet les propositions."))


def need_form(needs: NeedStore, state: ProspectState | None, store_kind: str) -> None:
    if state is None or state.lat is None or state.lon is None:
        st.caption(_("Indiquez d'abord où se trouve votre établissement."))
        return
    # The form is emptied only once the need is stored (its fields reset before they are
    # drawn again, after a rerun), never with clear_on_submit, which emptied it on a refusal
    # or a fault as well: what was typed must survive a store that is read-only or busy.
    if (stored := st.session_state.pop(_STORED, None)) is not None:
        for key in _FIELDS:  # set, not deleted: a deleted key would get the browser's value back
            st.session_state[key] = PRODUCTS.codes()[0] if key == "cp_need_product" else ""
        st.success(
            _(
                "Besoin n° {number} enregistré. Il sera visible par les producteurs une fois validé "
                "par l'équipe du territoire.",
                number=stored,
            )
        )
    with st.form("cp_need"):
        product = st.selectbox(
            _("Famille de produits"),
            PRODUCTS.codes(),
            format_func=partial(PRODUCTS.label, lang=current()),
            key="cp_need_product",
        )
        volume = st.text_input(
            _("Volume recherché"), placeholder=_("ex. 200 douzaines d'œufs"), max_chars=LIMITS["volume"],
            key="cp_need_volume",
        )  # fmt: skip
        frequency = st.text_input(
            _("Fréquence"),
            placeholder=_("ex. chaque semaine"),
            max_chars=LIMITS["frequency"],
            key="cp_need_frequency",
        )
        constraints = st.text_area(
            _("Contraintes de livraison"),
            placeholder=_("ex. livraison avant 9 h, quai"),
            max_chars=LIMITS["constraints"],
            key="cp_need_constraints",
        )
        st.markdown(_("**Contact publié** : visible par tous une fois le besoin validé."))
        public = st.text_input(
            _("Contact à publier (facultatif)"),
            placeholder=_("ex. achats@magasin.fr, standard 04 73 00 00 00"),
            max_chars=LIMITS["public_contact"],
            help=_(
                "Choisissez un contact qui peut être public : adresse du service achats, standard. "
                "Laissé vide, les producteurs passent par l'équipe du territoire."
            ),
            key="cp_need_public",
        )
        st.markdown(_("**Votre contact** : vu seulement par l'équipe du territoire, jamais publié."))
        name = st.text_input(_("Nom du contact"), max_chars=LIMITS["contact_name"], key="cp_need_name")
        email = st.text_input(_("E-mail"), max_chars=LIMITS["contact_email"], key="cp_need_email")
        phone = st.text_input(_("Téléphone"), max_chars=LIMITS["contact_phone"], key="cp_need_phone")
        st.info(
            _(
                "Une fois validé par l'équipe du territoire, le besoin est affiché à tous avec le contact "
                "publié ci-dessus (ni votre nom, ni votre e-mail, ni votre téléphone)."
            ),
            icon=":material/visibility:",
        )
        sent = st.form_submit_button(_("Envoyer pour validation"))
    st.page_link(
        PRIVACY, label=_("Données personnelles : ce que nous gardons et pourquoi"), icon=":material/policy:"
    )
    if sent:
        draft = NeedDraft(store_kind, state.place, state.lat, state.lon, product, volume, frequency, constraints,
                          name, email, phone, public)  # fmt: skip
        try:
            # Limits per client and per hour, and duplicates, are checked by the store.
            number = needs.submit(draft, throttle=throttle(), client=client_key())
        except InvalidNeed as exc:
            # The problems are the domain's Messages (courtcircuit/needs.py), translated, shown as text.
            problems = md(" ; ".join(said(p) for p in exc.problems))
            st.error(_("Le besoin n'est pas enregistré : {problems}.", problems=problems))
        except NeedsUnavailable as exc:
            st.error(
                _(
                    "Le besoin n'est pas enregistré : {reason}. Votre saisie est conservée ci-dessus : "
                    "réessayez dans un moment.",
                    reason=md(said(str(exc))),
                )
            )
        else:
            st.session_state[_STORED] = number
            st.rerun()
