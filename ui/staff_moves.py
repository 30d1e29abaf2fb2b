"""Moving staff values to their right listing (``courtcircuit.staff_moves``): a listing staff
created that a source now brings too, and edits waiting on a listing the directory lost."""

from __future__ import annotations

import streamlit as st

from courtcircuit.staff_moves import move_edits, source_twins, waiting_edits
from courtcircuit.staff_queries import find_listings
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.revisions import EditConflict
from courtcircuit.workspace.store import Store
from ui.chrome import cursor
from ui.i18n import _, said
from ui.staff_backend import publish
from ui.staff_history import label, readable
from ui.staff_words import found_label, nearby_label
from ui.text import md

_DONE = "staff_move_done"


def _move(store: Store, member: StaffMember, source_id: str, target_id: str | None, reopen: bool) -> None:
    if not target_id:
        st.session_state[_DONE] = ("error", _("Choisissez d'abord la fiche qui reprend les modifications."))
        return
    try:
        report = move_edits(store, cursor(), source_id, target_id, member.email)
    except (ValueError, EditConflict) as exc:
        st.session_state[_DONE] = ("error", _("Rien n'est déplacé : {reason}.", reason=said(str(exc))))
        return
    published = publish(store)
    replaced = "; ".join(
        _("{field} était « {value} »", field=label(n), value=readable(n, v))
        for n, v in report.differed.items()
    )
    if replaced and report.closed:
        text = _(
            "Modifications reprises par la fiche de la source (valeurs de la source remplacées : {replaced}) ; "
            "la fiche créée par l'équipe est fermée.",
            replaced=replaced,
        )
    elif replaced:
        text = _(
            "Modifications reprises par la fiche de la source (valeurs de la source remplacées : {replaced}).",
            replaced=replaced,
        )
    elif report.closed:
        text = _("Modifications reprises par la fiche de la source ; la fiche créée par l'équipe est fermée.")
    else:
        text = _("Modifications reprises par la fiche de la source.")
    if not published.ok:
        text = _("{done} {problem}.", done=text, problem=published.message)
    st.session_state[_DONE] = ("success" if published.ok else "warning", text)
    if reopen:
        st.query_params["id"] = target_id  # open the listing that now holds the values
        st.session_state.pop("staff_given", None)


def show_done() -> None:
    if done := st.session_state.pop(_DONE, None):
        getattr(st, done[0])(md(done[1]))


def twins_panel(store: Store, member: StaffMember, listing_id: str) -> None:
    """For a listing staff created: the source listings that look like the same place."""
    twins = source_twins(cursor(), listing_id)
    if not twins:
        st.caption(_("Aucune fiche venue d'une source ne ressemble à celle-ci à moins d'un kilomètre."))
        return
    st.warning(
        _(
            "Une source apporte peut-être ce lieu : la recherche publique le montre alors deux fois. "
            "Reprenez les modifications de l'équipe dans la fiche de la source ; celle-ci sera fermée "
            "(son historique reste)."
        ),
        icon=":material/content_copy:",
    )
    for n, twin in enumerate(twins):
        text, button = st.columns([4, 2], vertical_alignment="center")
        text.markdown(md(nearby_label(twin)))
        button.button(_("Reprendre dans cette fiche"), key=f"staff_twin_{n}", on_click=_move,
                      args=(store, member, listing_id, twin.id, True))  # fmt: skip


def waiting_panel(store: Store, member: StaffMember) -> None:
    """Edits on listings the directory no longer has, each movable onto a listing staff find."""
    waiting = waiting_edits(store, cursor())
    st.subheader(_("Modifications en attente ({n})", n=len(waiting)))
    show_done()
    if not waiting:
        st.caption(_("Aucune : chaque modification de l'équipe a sa fiche dans l'annuaire."))
        return
    st.caption(
        _(
            "Ces fiches ont disparu de l'annuaire (leurs sources les ont fusionnées ou retirées) : leurs "
            "modifications attendent. Elles reviennent seules si la fiche revient ; sinon, reportez-les sur "
            "la fiche qui décrit désormais ce lieu."
        )
    )
    for n, item in enumerate(waiting):
        with st.container(border=True):
            fields = ", ".join(label(f) for f in item.fields)
            st.markdown(
                _(
                    "**{name}** · {fields} · par {author}",
                    name=md(item.name or item.listing_id),
                    fields=md(fields),
                    author=md(item.last_author),
                )
            )
            text = st.text_input(_("Chercher la fiche qui reprend ces modifications"), key=f"staff_wait_find_{n}",
                                 max_chars=100, placeholder=_("nom, commune ou code postal"))  # fmt: skip
            found = (
                find_listings(cursor(), text, None if member.role != "editor" else member.territory.codes)
                if text
                else []
            )
            labels = {f.id: found_label(f) for f in found}
            target = st.selectbox(_("Fiche"), list(labels), index=None, format_func=labels.get,
                                  key=f"staff_wait_pick_{n}", placeholder=_("Choisissez une fiche"))  # fmt: skip
            st.button(_("Reporter les modifications"), key=f"staff_wait_move_{n}", on_click=_move,
                      args=(store, member, item.listing_id, target, False))  # fmt: skip
