"""The buyers' needs review in the staff space (moderators and admins): publish or refuse one by
one or a whole selection, and erase a need at the buyer's request."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from courtcircuit.needs import REJECTED_KEPT_DAYS, Need, NeedsUnavailable
from courtcircuit.vocab import NEED_STATUS, PRODUCTS, STORE_KINDS
from courtcircuit.workspace.needs import NeedStore
from ui.chrome import needs_store
from ui.text import md

CARDS = 20  # one card per need for the most recent; the selection handles hundreds at once
SELECTED, TO_ERASE = "staff_selected", "staff_erase"


def received(created_at: str) -> str:
    """The day a need was sent, as read in France (30/11/2026): stored in UTC, ISO 8601."""
    try:
        at = datetime.fromisoformat(created_at)
    except ValueError:
        return created_at  # shown as stored rather than hidden
    return f"{(at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(ZoneInfo('Europe/Paris')):%d/%m/%Y}"


def private_contact(need: Need) -> str:
    return " · ".join(x for x in (need.contact_name, need.contact_email, need.contact_phone) if x)


def table(rows: list[Need]) -> pd.DataFrame:
    # st.dataframe shows cell text as text (no Markdown, no HTML), and hundreds of rows at once.
    return pd.DataFrame(
        {
            "N°": [n.id for n in rows],
            "Besoin": [n.title for n in rows],
            "Contraintes": [n.constraints for n in rows],
            "Établissement": [f"{STORE_KINDS.label(n.store_kind)}, {n.place_label}" for n in rows],
            "Contact publié": [n.public_contact or "" for n in rows],
            "Contact (équipe seulement)": [private_contact(n) for n in rows],
            "Reçu le": [received(n.created_at) for n in rows],
            "Statut": [NEED_STATUS.label(n.status) for n in rows],
        }
    )


def needs_review() -> None:
    """The review; while the workspace cannot be read or written, a French message instead of a
    traceback (the needs share the store with the staff's edits)."""
    try:
        _review(needs_store())
    except NeedsUnavailable as exc:
        st.error(f"Les besoins ne peuvent pas être traités pour le moment : {exc}. Réessayez plus tard.")


def _review(needs: NeedStore) -> None:
    needs.purge_rejected()  # refused needs are erased after a year, as the privacy page says

    def decide(need_id: int, status: str) -> None:
        needs.review(need_id, status)
        st.toast(f"Besoin n° {need_id} {'publié' if status == 'accepted' else 'refusé'}.")

    def decide_selected(status: str) -> None:
        done = needs.review_many(st.session_state.get(SELECTED) or [], status)  # one transaction
        st.session_state[SELECTED] = []
        st.toast(f"{done} besoin(s) {'publié(s)' if status == 'accepted' else 'refusé(s)'}.")

    def erase_selected() -> None:
        done = needs.delete_many(st.session_state.get(TO_ERASE) or [])
        st.session_state[TO_ERASE] = []
        st.toast(f"{done} besoin(s) effacé(s).")

    def select(ids: list[int]) -> None:
        st.session_state[SELECTED] = ids

    pending = needs.list("pending")
    st.subheader(f"À valider ({len(pending)})")
    if not pending:
        st.caption("Aucun besoin en attente.")
    else:
        st.dataframe(table(pending), hide_index=True, width="stretch", key="staff_pending_table")
        titles = {n.id: f"n° {n.id} · {n.title}" for n in pending}
        # Drop choices decided meanwhile (by a colleague, or by a card below) before drawing the box.
        st.session_state[SELECTED] = [i for i in st.session_state.get(SELECTED) or [] if i in titles]
        st.multiselect(
            "Besoins choisis", list(titles), key=SELECTED, format_func=titles.get, placeholder="Aucun"
        )
        chosen = bool(st.session_state[SELECTED])
        pick_all, publish, refuse = st.columns(3)
        pick_all.button("Tout choisir", key="staff_all", on_click=select, args=(list(titles),))
        publish.button(
            "Publier la sélection", key="staff_accept_selected", type="primary", disabled=not chosen,
            on_click=decide_selected, args=("accepted",),
        )  # fmt: skip
        refuse.button(
            "Refuser la sélection", key="staff_reject_selected", disabled=not chosen,
            on_click=decide_selected, args=("rejected",),
        )  # fmt: skip
        if len(pending) > CARDS:
            st.caption(
                f"Les {CARDS} besoins les plus récents en détail ; les autres se traitent par la sélection."
            )
    for need in pending[:CARDS]:
        with st.container(border=True):
            st.markdown(
                f"**n° {need.id} · {md(PRODUCTS.label(need.product))}** : {md(need.volume)}, {md(need.frequency)}"
            )
            st.caption(
                f"{STORE_KINDS.label(need.store_kind)} · {md(need.place_label)} · reçu le {received(need.created_at)}"
            )
            if need.constraints:
                st.write(md(need.constraints))
            st.caption(f"Contact publié : {md(need.public_contact) if need.public_contact else 'aucun'}")
            st.caption(f"Contact (équipe seulement) : {md(private_contact(need))}")
            accept, reject = st.columns(2)
            accept.button(
                "Publier",
                key=f"accept_{need.id}",
                on_click=decide,
                args=(need.id, "accepted"),
                type="primary",
            )
            reject.button("Refuser", key=f"reject_{need.id}", on_click=decide, args=(need.id, "rejected"))

    with st.expander("Déjà traités"):
        done = needs.list("accepted") + needs.list("rejected")
        if not done:
            st.caption("Aucun besoin traité.")
        else:
            st.dataframe(table(done), hide_index=True, width="stretch", key="staff_done_table")
            st.caption(f"Les besoins refusés sont effacés {REJECTED_KEPT_DAYS} jours après la décision.")
            titles_done = {n.id: f"n° {n.id} · {n.title}" for n in done}
            st.session_state[TO_ERASE] = [i for i in st.session_state.get(TO_ERASE) or [] if i in titles_done]
            st.multiselect(
                "Effacer à la demande de l'acheteur",
                list(titles_done),
                key=TO_ERASE,
                format_func=titles_done.get,
                placeholder="Aucun",
            )
            st.button(
                "Effacer définitivement", key="staff_erase_button", disabled=not st.session_state[TO_ERASE],
                on_click=erase_selected,
            )  # fmt: skip
