"""The « Suggestions » section of the staff space (moderators and admins): the public's
corrections beside the listing's current value, and proposed places; accept (checked by the
ETL's steps, saved as a revision credited to « suggestion publique », published at once), refuse
one, or refuse a selection. The submitter's e-mail is shown here to staff only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import streamlit as st

from courtcircuit.db import default_db_path
from courtcircuit.export import readable_phone
from courtcircuit.listing import get_listing
from courtcircuit.search import PARIS
from courtcircuit.vocab import KINDS, PRODUCTS, STATUS
from courtcircuit.workspace import revisions
from courtcircuit.workspace import suggestions as sg
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.revisions import to_json
from courtcircuit.workspace.store import Store
from ui.chrome import communes, cursor
from ui.i18n import N_, _, said, term
from ui.pages import LISTING
from ui.staff_words import moment
from ui.text import md

CARDS = 20  # the oldest in detail; the selection refuses hundreds at once
SELECTED, DONE = "staff_sugg_selected", "staff_sugg_done"
_PLACE_LABELS = {"name": N_("Nom"), "kind": N_("Type"), "street": N_("Adresse"), "postcode": N_("Code postal"),
                 "city": N_("Commune"), "products": N_("Produits"), "description": N_("Précisions"),
                 "phone": N_("Téléphone"), "website": N_("Site web")}  # fmt: skip


def shown(field: str, value: Any) -> str:
    """A value as people read it: labels for codes, « (vide) » for nothing."""
    if value in (None, "", []):
        return _("(vide)")
    if field == "products":
        items = value if isinstance(value, list) else [value]
        return ", ".join(term(PRODUCTS, p) if isinstance(p, str) else str(p) for p in items)
    if field == "status":
        return term(STATUS, value) if isinstance(value, str) else str(value)
    if field == "phone" and str(value).startswith("+"):
        return readable_phone(str(value))
    if field == "kind":
        return term(KINDS, value) if isinstance(value, str) else str(value)
    return str(value)


def what(item: sg.SuggestionView) -> str:
    """What a suggestion is about (« Nouveau lieu », « Téléphone »…), in the reader's language: the
    domain's French field labels (``courtcircuit.workspace.suggestions.FIELDS``) are translated."""
    if item.is_new_place:
        return _("Nouveau lieu")
    return _(sg.FIELDS[item.field]) if item.field in sg.FIELDS else item.field


def _local(at: datetime) -> datetime:
    """A stored time as read in France (SQLite gives it back without its UTC zone)."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(PARIS)


def _current(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    """listing id → its values as staff see them (directory, then saved edits)."""
    overrides = revisions.overrides(store, ids)
    values: dict[str, dict[str, Any]] = {}
    for listing_id in ids:
        listing = get_listing(cursor(), listing_id)
        if listing is not None:
            values[listing_id] = {n: to_json(v) for n, v in listing.fields.items()} | overrides.get(
                listing_id, {}
            )
    return values


def _accept(store: Store, member: StaffMember, suggestion_id: int) -> None:
    try:
        done = sg.accept(store, suggestion_id, member.email, db=default_db_path(), communes=communes())
    except sg.InvalidSuggestion as exc:
        st.session_state[DONE] = (
            "error",
            _(
                "Suggestion n° {id} non acceptée : {problems}.",
                id=suggestion_id,
                problems=" ; ".join(said(p) for p in exc.problems),
            ),
        )
        return
    found = sg.get(store, suggestion_id)
    values = {
        "id": suggestion_id,
        "listing": done.listing_id,
        "number": done.revision,
        "why": said(done.message),
    }
    if found is not None and found.is_new_place:
        text = (
            _("Fiche créée ({listing}) depuis la suggestion n° {id} ; publiée dans l'annuaire.", **values)
            if done.published
            else _("Fiche créée ({listing}) depuis la suggestion n° {id} ; {why}.", **values)
        )
    else:
        text = (
            _(
                "Suggestion n° {id} acceptée : révision n° {number} de la fiche ; publiée dans l'annuaire.",
                **values,
            )
            if done.published
            else _("Suggestion n° {id} acceptée : révision n° {number} de la fiche ; {why}.", **values)
        )
    st.session_state[DONE] = ("success" if done.published else "warning", text)


def _refuse(store: Store, member: StaffMember, ids: list[int]) -> None:
    count = sg.refuse(store, ids, member.email)
    st.session_state[SELECTED] = []
    st.session_state[DONE] = (
        "info", _("1 suggestion refusée.") if count == 1 else _("{n} suggestions refusées.", n=count)
    )  # fmt: skip


def _card(store: Store, member: StaffMember, item: sg.SuggestionView, current: dict[str, Any] | None) -> None:
    with st.container(border=True):
        st.markdown(
            _(
                "**n° {id} · {label}** · reçue le {when}",
                id=item.id,
                label=md(what(item)),
                when=moment(_local(item.at)),
            )
        )
        if item.is_new_place:
            place = item.place
            lines = [
                _("{label} : {value}", label=_(label), value=md(shown(n, place[n])))
                for n, label in _PLACE_LABELS.items()
                if n in place
            ]
            st.markdown("  \n".join(lines))
        elif current is None:
            st.warning(
                _(
                    "La fiche {id} n'existe plus dans l'annuaire : refusez la suggestion.",
                    id=md(item.listing_id),
                )
            )
        else:
            st.page_link(LISTING, label=md(current.get("name") or item.listing_id),
                         query_params={"id": str(item.listing_id)}, icon=":material/open_in_new:")  # fmt: skip
            field = item.field if item.field != "opening_hours_text" else "opening_hours"
            now_value = current.get(item.field) or current.get(field)
            before, after = st.columns(2)
            before.markdown(_("Valeur actuelle  \n{value}", value=md(shown(item.field, now_value))))
            after.markdown(_("**Proposée**  \n{value}", value=md(shown(item.field, item.value))))
        st.caption(
            _("E-mail de la personne (équipe seulement) : {email}", email=md(item.email))
            if item.email
            else _("E-mail de la personne (équipe seulement) : aucun")
        )
        accept, refuse = st.columns(2)
        accept.button(_("Accepter et publier"), key=f"staff_sugg_accept_{item.id}", type="primary",
                      on_click=_accept, args=(store, member, item.id))  # fmt: skip
        refuse.button(_("Refuser"), key=f"staff_sugg_refuse_{item.id}", on_click=_refuse,
                      args=(store, member, [item.id]))  # fmt: skip


def suggestions_panel(store: Store, member: StaffMember) -> None:
    if done := st.session_state.pop(DONE, None):
        level, text = done
        getattr(st, level)(md(text))
    sg.forget_contacts(store)  # e-mails of decided suggestions are not kept beyond a year
    queue = sg.pending(store)
    st.subheader(_("Suggestions à traiter ({n})", n=len(queue)))
    if not queue:
        st.caption(_("Aucune suggestion du public en attente."))
        return
    st.caption(
        _(
            "Propositions du public, sans compte. Accepter vérifie la valeur comme une modification de "
            "l'équipe, l'enregistre au nom de « suggestion publique » et la publie. L'e-mail de la personne "
            "n'est jamais publié."
        )
    )
    titles = {
        s.id: _("n° {id} · {label} : {value}", id=s.id, label=what(s),
                value=s.place.get("name", "") if s.is_new_place else s.value)[:120]
        for s in queue
    }  # fmt: skip
    st.session_state[SELECTED] = [i for i in st.session_state.get(SELECTED) or [] if i in titles]
    st.multiselect(
        _("Suggestions choisies"), list(titles), key=SELECTED, format_func=titles.get, placeholder=_("Aucune")
    )
    st.button(
        _("Refuser la sélection"), key="staff_sugg_refuse_selected", disabled=not st.session_state[SELECTED],
        on_click=lambda: _refuse(store, member, list(st.session_state.get(SELECTED) or [])),
    )  # fmt: skip
    shown_now = queue[:CARDS]
    current = _current(store, sorted({str(s.listing_id) for s in shown_now if not s.is_new_place}))
    if len(queue) > CARDS:
        st.caption(_("Les {n} plus anciennes en détail ; les autres se refusent par la sélection.", n=CARDS))
    for item in shown_now:
        _card(store, member, item, current.get(str(item.listing_id)))
