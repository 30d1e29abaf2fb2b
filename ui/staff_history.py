"""A listing's history in the staff space (who, when, what changed from what to what, why), a
"Rétablir" button per revision, and the conflict panel shown when a colleague saved first."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from courtcircuit.selling_places import SELLS_AT, outlet_names
from courtcircuit.workspace import revisions
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.store import Store
from ui import staff_edit, staff_form
from ui.chrome import cursor
from ui.i18n import N_, _, term
from ui.staff_backend import publish
from ui.staff_words import kind, moment
from ui.text import md

LABELS: dict[str, str] = {  # French, marked for the catalogue; label() translates
    **{name: label for name, (label, _limit) in staff_form.TEXTS.items()},
    **{name: label for name, (label, _vocab) in staff_form.LISTS.items()},
    **{name: label for name, (label, _vocab, _optional) in staff_form.CHOICES.items()},
    **staff_form.FLAGS,
    **staff_form.NUMBERS,
    "opening_hours": N_("Horaires (OSM)"),
    "opening_hours_text": N_("Horaires (texte)"),
    "last_verified": N_("Dernière vérification"),
    SELLS_AT: N_("Lieux de vente"),
}
VOCABS = {
    **{n: v for n, (_label, v) in staff_form.LISTS.items()},
    **{n: v for n, (_label, v, _optional) in staff_form.CHOICES.items()},
}
UNCHANGED = N_("(inchangé)")
CHOICE = "staff_conflict_choice"


def label(name: str) -> str:
    """A field's name as people read it, in their language."""
    return _(LABELS[name]) if name in LABELS else name


def readable(name: str, value: Any) -> str:
    """A stored value as people read it: vocabulary labels, Oui/Non, « — » for nothing."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if name == SELLS_AT and isinstance(value, list):
        names = outlet_names(cursor(), value)
        return ", ".join(names.get(i) or _("{id} (hors de l'annuaire)", id=i) for i in value)
    vocab = VOCABS.get(name)
    if isinstance(value, list):
        return ", ".join(term(vocab, v) if vocab and isinstance(v, str) else str(v) for v in value)
    if vocab is not None and isinstance(value, str):
        return term(vocab, value)
    return str(value)


def _revert(store: Store, member: StaffMember, revision_id: int) -> None:
    state = st.session_state[staff_edit.EDIT]
    current, _base, _known = staff_edit.current_values(store, state["id"])
    try:
        done = revisions.revert(store, revision_id, member.email, current)
    except revisions.EditConflict:  # someone saved between our read and our write: try again
        st.session_state[staff_edit.DONE] = ("warning", _("La fiche vient d'être modifiée : réessayez."))
        state["reload"] = True
        return
    published = publish(store)
    st.session_state[staff_edit.DONE] = (
        ("success", _("Révision n° {number} : {reason} et publiée.", number=done.number, reason=done.reason))
        if published.ok
        else (
            "warning",
            _(
                "Révision n° {number} : {reason} : {why}.",
                number=done.number,
                reason=done.reason,
                why=published.message,
            ),
        )
    )
    state["reload"] = True


def history_panel(store: Store, member: StaffMember, listing_id: str, can_edit: bool) -> None:
    rows = revisions.history(store, listing_id)
    st.subheader(_("Historique ({n})", n=len(rows)))
    if not rows:
        st.caption(_("Aucune modification par l'équipe : la fiche est telle que ses sources la donnent."))
    for r in rows:
        with st.container(border=True):
            st.markdown(
                _(
                    "**n° {number} · {kind}** par {author}, le {when}",
                    number=r.number, kind=kind(r.kind), author=md(r.author), when=moment(r.at),
                )
            )  # fmt: skip
            if r.reason:
                st.caption(_("Raison : {reason}", reason=md(r.reason)))
            st.dataframe(
                pd.DataFrame(
                    {
                        _("Champ"): [label(n) for n in r.changes],
                        _("Avant"): [readable(n, old) for n, (old, _new) in r.changes.items()],
                        _("Après"): [readable(n, new) for n, (_old, new) in r.changes.items()],
                    }
                ),
                hide_index=True, width="stretch", key=f"staff_revision_{r.id}",
            )  # fmt: skip
            if can_edit:
                st.button(
                    _("Rétablir"), key=f"staff_revert_{r.id}", on_click=_revert, args=(store, member, r.id),
                    help=_("Remet les valeurs d'avant cette révision (une nouvelle révision, l'historique reste)."),
                )  # fmt: skip


def _resolve(store: Store, member: StaffMember) -> None:
    conflict = st.session_state.pop(staff_edit.CONFLICT)
    state = st.session_state[staff_edit.EDIT]
    state["current"], state["base"], _known = staff_edit.current_values(store, state["id"])  # the new head
    choice = st.session_state.get(CHOICE, "mine")
    mine = {}
    for name, value in conflict["mine"].items():
        theirs = name in conflict["theirs"] and (
            choice == "theirs"
            or (choice == "fields" and st.session_state.get(f"{CHOICE}_{name}") == "theirs")
        )
        if not theirs:
            mine[name] = value
    staff_edit.save(store, member, mine, conflict["reason"], conflict["kind"])
    if staff_edit.CONFLICT not in st.session_state:  # saved (or nothing left to save): show the new head
        state["reload"] = True


def _drop() -> None:
    st.session_state.pop(staff_edit.CONFLICT, None)
    st.session_state[staff_edit.DONE] = (
        "info",
        _("Vos modifications sont abandonnées ; la fiche est rechargée."),
    )
    st.session_state[staff_edit.EDIT]["reload"] = True


def conflict_panel(store: Store, member: StaffMember) -> None:
    conflict = st.session_state.get(staff_edit.CONFLICT)
    if not conflict:
        return
    mine, theirs = conflict["mine"], conflict["theirs"]
    current = st.session_state[staff_edit.EDIT]["current"]
    who = ", ".join(conflict["who"]) or _("quelqu'un")
    st.subheader(_("Conflit : la fiche a changé pendant votre saisie"))
    names = list(dict.fromkeys([*mine, *theirs]))
    st.dataframe(
        pd.DataFrame(
            {
                _("Champ"): [label(n) for n in names],
                _("Au départ"): [readable(n, current.get(n)) for n in names],
                _("Ma valeur"): [readable(n, mine[n]) if n in mine else _(UNCHANGED) for n in names],
                _("Sa valeur ({who})", who=who): [
                    readable(n, theirs[n]) if n in theirs else _(UNCHANGED) for n in names
                ],
            }
        ),
        hide_index=True, width="stretch", key="staff_conflict_table",
    )  # fmt: skip
    both = [n for n in mine if n in theirs and theirs[n] != mine[n]]
    st.caption(
        _(
            "Les champs modifiés d'un seul côté sont gardés tous les deux. Modifiés des deux côtés : {fields}.",
            fields=", ".join(label(n) for n in both),
        )
        if both
        else _("Les champs modifiés d'un seul côté sont gardés tous les deux.")
    )
    options = {
        "mine": _("Garder mes valeurs"),
        "theirs": _("Prendre les siennes"),
        "fields": _("Choisir champ par champ"),
    }
    choice = st.radio(
        _("Pour les champs modifiés des deux côtés"), list(options), format_func=options.get, key=CHOICE
    )
    if choice == "fields":
        for name in both:
            st.radio(
                label(name), ["mine", "theirs"], key=f"{CHOICE}_{name}", horizontal=True,
                format_func=lambda c, n=name: (
                    _("la mienne : {value}", value=md(readable(n, mine[n])))
                    if c == "mine"
                    else _("la sienne : {value}", value=md(readable(n, theirs[n])))
                ),
            )  # fmt: skip
    save, drop = st.columns(2)
    save.button(_("Enregistrer avec ces choix"), key="staff_conflict_save", type="primary",
                on_click=_resolve, args=(store, member))  # fmt: skip
    drop.button(_("Abandonner mes modifications"), key="staff_conflict_drop", on_click=_drop)
