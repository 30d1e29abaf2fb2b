"""The "Fiches" section of the staff space: find a listing, then edit it (inside my territory)
or read it (outside, with the reason), close it, see its history; or create a listing."""

from __future__ import annotations

import streamlit as st

from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.store import Store
from ui import staff_edit, staff_form
from ui.i18n import _, said
from ui.pages import LISTING
from ui.staff_history import conflict_panel, history_panel
from ui.staff_same_place import same_place_panel
from ui.staff_words import role
from ui.text import md

_LAST_PICK = "staff_last_pick"


def _state(store: Store, member: StaffMember) -> dict | None:
    """The open form: a new listing, the one just picked, or the one already open (reloaded
    after a save)."""
    picked = staff_edit.finder(member)  # drawn on every run, so its box keeps what was typed
    if new_id := st.session_state.pop(staff_edit.NEW_ID, None):
        return staff_edit.open_form(store, new_id, creating=True)
    state = st.session_state.get(staff_edit.EDIT)
    if picked and picked != st.session_state.get(_LAST_PICK):
        st.session_state[_LAST_PICK] = picked
        if state is None or state["id"] != picked:
            return staff_edit.open_form(store, picked)
    if state is not None and (state.get("reload") or staff_form.key("name") not in st.session_state):
        # Reloaded after a save; or the form was not drawn in a run (another section was open),
        # and Streamlit then forgets its widgets' values: fill them again rather than save blanks.
        return staff_edit.open_form(
            store, state["id"], creating=state["creating"] and not state.get("reload")
        )
    return state


def _read_only_reason(member: StaffMember, insee: str | None) -> str:
    if member.role == "editor":
        return _(
            "Lecture seule : cette fiche est dans la commune {commune}, hors de votre "
            "territoire ({territory}). Seuls les éditeurs de son territoire et les "
            "administrateurs peuvent la modifier ; signalez la correction à l'équipe concernée.",
            commune=md(insee or _("inconnue")),
            territory=md(said(member.territory.describe())),
        )
    return _(
        "Lecture seule : votre rôle ({role}) ne permet pas de modifier les fiches. "
        "Un administrateur peut vous donner le rôle d'éditeur pour un territoire.",
        role=role(member.role),
    )


def listings_section(store: Store, member: StaffMember) -> None:
    can_create = member.role in ("admin", "editor")
    if can_create:
        st.button(
            _("Créer une fiche"),
            key="staff_create",
            icon=":material/add:",
            on_click=staff_edit.start_creating,
            args=(store,),
        )
    state = _state(store, member)
    if state is None:
        st.caption(_("Cherchez une fiche par son nom, sa commune ou son code postal pour la modifier."))
        return
    current = state["current"]
    creating = state["creating"]
    can_edit = (creating and can_create) or staff_edit.editable(member, current)
    st.subheader(_("Nouvelle fiche") if creating else md(current.get("name") or state["id"]))
    if not creating:
        st.page_link(LISTING, label=_("Voir la fiche publique"), query_params={"id": state["id"]},
                     icon=":material/open_in_new:")  # fmt: skip
        if current.get("status") == "closed":
            st.warning(_("Cette fiche est fermée : elle n'apparaît plus dans la recherche publique."))
    last = staff_edit.last_verified_text(current.get("last_verified"))
    if not can_edit:
        st.info(_read_only_reason(member, current.get("commune_insee")), icon=":material/visibility:")
        staff_form.fields(
            {}, staff_edit.week(current), last, disabled=True, outlets=staff_edit.outlets(state)
        )
        history_panel(store, member, state["id"], can_edit=False)
        return

    staff_edit.position_map(state)
    errors = st.session_state.get(staff_edit.ERRORS) or {}
    preview = staff_edit.week(current)
    with st.form("staff_edit_form"):
        staff_form.fields(errors, preview, last, outlets=staff_edit.outlets(state))
        check, save = st.columns(2)
        check.form_submit_button(_("Vérifier"), key="staff_check", on_click=staff_edit.submit,
                                 args=(store, member, "check"))  # fmt: skip
        save.form_submit_button(_("Enregistrer"), key="staff_save", type="primary", on_click=staff_edit.submit,
                                args=(store, member, "save"))  # fmt: skip
    staff_edit.show_done()
    conflict_panel(store, member)
    if not creating and current.get("status") != "closed":
        with st.expander(_("Fermer la fiche")):
            st.caption(
                _(
                    "Une fiche fermée quitte la recherche publique ; elle garde son historique et se rouvre "
                    "en remettant son statut « En activité »."
                )
            )
            st.text_input(_("Raison de la fermeture"), key="staff_close_reason", max_chars=500)
            st.button(
                _("Fermer la fiche"),
                key="staff_close",
                on_click=staff_edit.close_listing,
                args=(store, member),
            )
    if not creating:
        same_place_panel(store, member, state["id"])
        history_panel(store, member, state["id"], can_edit=True)
