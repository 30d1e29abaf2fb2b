"""« Même lieu que… » / « pas le même lieu que… » in the staff edit view: pick a listing near this
one (by name), say whether it is the same place, add a note; or separate one source from a
listing that merged it wrongly. The decisions are kept in the workspace store and the next build
of the directory honours them (``courtcircuit.workspace.decisions``)."""

from __future__ import annotations

import streamlit as st

from courtcircuit.same_place import NEAR_KM, members, nearby, owners
from courtcircuit.staff_moves import source_twins
from courtcircuit.workspace import decisions
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.decisions import DecisionView, SourceKey
from courtcircuit.workspace.store import Store
from ui.chrome import cursor
from ui.i18n import N_, _, said
from ui.staff_moves import show_done, twins_panel
from ui.staff_words import day, nearby_label
from ui.text import md

FIND, PICK, KIND, NOTE = "staff_same_find", "staff_same_pick", "staff_same_kind", "staff_same_note"
SPLIT, DONE = "staff_same_split", "staff_same_done"
SAME, NOT_SAME = N_("Même lieu"), N_("Pas le même lieu")  # the radio's values; shown translated


def _decide(
    store: Store, member: StaffMember, listing_id: str, found: dict[str, tuple[str, str | None]]
) -> None:
    other = st.session_state.get(PICK)
    if other not in found:
        st.session_state[DONE] = ("error", _("Choisissez d'abord l'autre fiche."))
        return
    name, insee = found[other]
    if not member.can_edit(insee):
        st.session_state[DONE] = (
            "error",
            _("« {name} » est hors de votre territoire : seule son équipe peut décider.", name=name),
        )
        return
    same = st.session_state.get(KIND) == SAME
    con = cursor()
    try:
        saved = decisions.record(
            store,
            members(con, listing_id),
            members(con, other),
            same,
            member.email,
            st.session_state.get(NOTE) or "",
        )
    except ValueError as exc:
        st.session_state[DONE] = ("error", said(str(exc)))
        return
    text = (
        _(
            "Décision enregistrée ({n} paire(s) de sources) : même lieu que « {name} ». "
            "Elle sera appliquée à la prochaine construction de l'annuaire.",
            n=len(saved), name=name,
        )
        if same
        else _(
            "Décision enregistrée ({n} paire(s) de sources) : pas le même lieu que « {name} ». "
            "Elle sera appliquée à la prochaine construction de l'annuaire.",
            n=len(saved), name=name,
        )
    )  # fmt: skip
    st.session_state[DONE] = ("success", text)
    st.session_state[NOTE] = ""


def _split(store: Store, member: StaffMember, listing_id: str) -> None:
    mine = members(cursor(), listing_id)
    chosen = st.session_state.get(SPLIT)
    alone = [k for k in mine if f"{k[0]}\x1f{k[1]}" == chosen]
    try:
        decisions.record(store, alone, [k for k in mine if k not in alone], False, member.email,
                         st.session_state.get(NOTE) or _("source séparée"))  # fmt: skip
    except ValueError as exc:
        st.session_state[DONE] = ("error", said(str(exc)))
        return
    st.session_state[DONE] = (
        "success",
        _("Source séparée : à la prochaine construction, elle formera une fiche à part."),
    )


def _remove(store: Store, decision_id: int) -> None:
    decisions.remove(store, decision_id)
    st.session_state[DONE] = (
        "success",
        _("Décision supprimée : la prochaine construction décidera d'après les données."),
    )


def _describe(d: DecisionView, names: dict[SourceKey, tuple[str, str]]) -> str:
    def side(key: SourceKey) -> str:
        listing = names.get(key)
        source = f"{key[0]} {key[1]}"
        return _("{source} (« {name} »)", source=source, name=listing[1]) if listing else source

    values = {"a": side(d.a), "b": side(d.b), "author": d.author, "day": day(d.at), "note": d.note}
    if d.same:
        return (
            _("Même lieu : {a} ↔ {b} · {author}, le {day} · {note}", **values)
            if d.note
            else (_("Même lieu : {a} ↔ {b} · {author}, le {day}", **values))
        )
    return (
        _("Pas le même lieu : {a} ↔ {b} · {author}, le {day} · {note}", **values)
        if d.note
        else (_("Pas le même lieu : {a} ↔ {b} · {author}, le {day}", **values))
    )


def same_place_panel(store: Store, member: StaffMember, listing_id: str) -> None:
    with st.expander(_("Même lieu qu'une autre fiche ?"), expanded=bool(source_twins(cursor(), listing_id))):
        show_done()
        con = cursor()
        mine = members(con, listing_id)
        if done := st.session_state.pop(DONE, None):
            getattr(st, done[0])(md(done[1]))
        if not mine:  # created by staff: a source may have brought the same place since
            twins_panel(store, member, listing_id)
            return
        st.caption(
            _(
                "Deux fiches décrivent le même lieu, ou une fiche en réunit deux à tort ? Votre décision est "
                "gardée et la prochaine construction de l'annuaire la suit."
            )
        )
        st.text_input(
            _("Chercher une fiche à moins de {km} km (nom)", km=format(NEAR_KM, "g")), key=FIND, max_chars=100
        )
        found = nearby(con, listing_id, st.session_state.get(FIND) or "")
        choices = {f.id: (f.name, f.commune_insee) for f in found}
        labels = {f.id: nearby_label(f) for f in found}
        st.selectbox(_("Autre fiche"), list(labels), index=None, format_func=labels.get, key=PICK,
                     placeholder=_("Choisissez une fiche proche"))  # fmt: skip
        st.radio(_("Décision"), [SAME, NOT_SAME], horizontal=True, key=KIND, format_func=_)
        st.text_input(_("Note (facultative)"), key=NOTE, max_chars=500)
        st.button(_("Enregistrer la décision"), key="staff_same_save", on_click=_decide,
                  args=(store, member, listing_id, choices))  # fmt: skip
        if len(mine) > 1:
            options = {f"{s}\x1f{r}": f"{s} {r}" for s, r in mine}
            st.selectbox(_("Séparer une source de cette fiche (pas le même lieu que les autres)"), list(options),
                         format_func=options.get, key=SPLIT)  # fmt: skip
            st.button(_("Séparer cette source"), key="staff_same_split_save", on_click=_split,
                      args=(store, member, listing_id))  # fmt: skip
        kept = decisions.decisions(store, mine)
        if kept:
            names = owners(con, sorted({k for d in kept for k in (d.a, d.b)}))
            st.markdown(_("**Décisions sur cette fiche**"))
            for d in kept:
                text, button = st.columns([5, 1])
                text.caption(md(_describe(d, names)))
                button.button(
                    _("Supprimer"), key=f"staff_same_del_{d.id}", on_click=_remove, args=(store, d.id)
                )
