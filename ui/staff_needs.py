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
from ui.i18n import _, said, term
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


def need_title(need: Need) -> str:
    """What is asked, in the reader's language (``Need.title`` is the French one)."""
    return _(
        "{product} : {volume}, {frequency}",
        product=term(PRODUCTS, need.product),
        volume=need.volume,
        frequency=need.frequency,
    )


def private_contact(need: Need) -> str:
    return " · ".join(x for x in (need.contact_name, need.contact_email, need.contact_phone) if x)


def table(rows: list[Need]) -> pd.DataFrame:
    # st.dataframe shows cell text as text (no Markdown, no HTML), and hundreds of rows at once.
    return pd.DataFrame(
        {
            _("N°"): [n.id for n in rows],
            _("Besoin"): [need_title(n) for n in rows],
            _("Contraintes"): [n.constraints for n in rows],
            _("Établissement"): [
                _("{kind}, {place}", kind=term(STORE_KINDS, n.store_kind), place=n.place_label) for n in rows
            ],
            _("Contact publié"): [n.public_contact or "" for n in rows],
            _("Contact (équipe seulement)"): [private_contact(n) for n in rows],
            _("Reçu le"): [received(n.created_at) for n in rows],
            _("Statut"): [term(NEED_STATUS, n.status) for n in rows],
        }
    )


def needs_review() -> None:
    """The review; while the workspace cannot be read or written, a French message instead of a
    traceback (the needs share the store with the staff's edits)."""
    try:
        _review(needs_store())
    except NeedsUnavailable as exc:
        st.error(
            md(
                _(
                    "Les besoins ne peuvent pas être traités pour le moment : {reason}. Réessayez plus tard.",
                    reason=said(str(exc)),
                )
            )
        )


def _review(needs: NeedStore) -> None:
    needs.purge_rejected()  # refused needs are erased after a year, as the privacy page says

    def decide(need_id: int, status: str) -> None:
        needs.review(need_id, status)
        st.toast(
            _("Besoin n° {id} publié.", id=need_id)
            if status == "accepted"
            else _("Besoin n° {id} refusé.", id=need_id)
        )

    def decide_selected(status: str) -> None:
        done = needs.review_many(st.session_state.get(SELECTED) or [], status)  # one transaction
        st.session_state[SELECTED] = []
        st.toast(
            _("{n} besoin(s) publié(s).", n=done)
            if status == "accepted"
            else _("{n} besoin(s) refusé(s).", n=done)
        )

    def erase_selected() -> None:
        done = needs.delete_many(st.session_state.get(TO_ERASE) or [])
        st.session_state[TO_ERASE] = []
        st.toast(_("{n} besoin(s) effacé(s).", n=done))

    def select(ids: list[int]) -> None:
        st.session_state[SELECTED] = ids

    pending = needs.list("pending")
    st.subheader(_("À valider ({n})", n=len(pending)))
    if not pending:
        st.caption(_("Aucun besoin en attente."))
    else:
        st.dataframe(table(pending), hide_index=True, width="stretch", key="staff_pending_table")
        titles = {n.id: _("n° {id} · {title}", id=n.id, title=need_title(n)) for n in pending}
        # Drop choices decided meanwhile (by a colleague, or by a card below) before drawing the box.
        st.session_state[SELECTED] = [i for i in st.session_state.get(SELECTED) or [] if i in titles]
        st.multiselect(
            _("Besoins choisis"), list(titles), key=SELECTED, format_func=titles.get, placeholder=_("Aucun")
        )
        chosen = bool(st.session_state[SELECTED])
        pick_all, publish, refuse = st.columns(3)
        pick_all.button(_("Tout choisir"), key="staff_all", on_click=select, args=(list(titles),))
        publish.button(
            _("Publier la sélection"), key="staff_accept_selected", type="primary", disabled=not chosen,
            on_click=decide_selected, args=("accepted",),
        )  # fmt: skip
        refuse.button(
            _("Refuser la sélection"), key="staff_reject_selected", disabled=not chosen,
            on_click=decide_selected, args=("rejected",),
        )  # fmt: skip
        if len(pending) > CARDS:
            st.caption(
                _(
                    "Les {n} besoins les plus récents en détail ; les autres se traitent par la sélection.",
                    n=CARDS,
                )
            )
    for need in pending[:CARDS]:
        with st.container(border=True):
            st.markdown(
                _(
                    "**n° {id} · {product}** : {volume}, {frequency}",
                    id=need.id,
                    product=md(term(PRODUCTS, need.product)),
                    volume=md(need.volume),
                    frequency=md(need.frequency),
                )
            )
            st.caption(
                _(
                    "{kind} · {place} · reçu le {day}",
                    kind=md(term(STORE_KINDS, need.store_kind)),
                    place=md(need.place_label),
                    day=received(need.created_at),
                )
            )
            if need.constraints:
                st.write(md(need.constraints))
            st.caption(
                _("Contact publié : {contact}", contact=md(need.public_contact))
                if need.public_contact
                else _("Contact publié : aucun")
            )
            st.caption(_("Contact (équipe seulement) : {contact}", contact=md(private_contact(need))))
            accept, reject = st.columns(2)
            accept.button(
                _("Publier"),
                key=f"accept_{need.id}",
                on_click=decide,
                args=(need.id, "accepted"),
                type="primary",
            )
            reject.button(_("Refuser"), key=f"reject_{need.id}", on_click=decide, args=(need.id, "rejected"))

    with st.expander(_("Déjà traités")):
        done = needs.list("accepted") + needs.list("rejected")
        if not done:
            st.caption(_("Aucun besoin traité."))
        else:
            st.dataframe(table(done), hide_index=True, width="stretch", key="staff_done_table")
            st.caption(
                _("Les besoins refusés sont effacés {days} jours après la décision.", days=REJECTED_KEPT_DAYS)
            )
            titles_done = {n.id: _("n° {id} · {title}", id=n.id, title=need_title(n)) for n in done}
            st.session_state[TO_ERASE] = [i for i in st.session_state.get(TO_ERASE) or [] if i in titles_done]
            st.multiselect(
                _("Effacer à la demande de l'acheteur"),
                list(titles_done),
                key=TO_ERASE,
                format_func=titles_done.get,
                placeholder=_("Aucun"),
            )
            st.button(
                _("Effacer définitivement"), key="staff_erase_button", disabled=not st.session_state[TO_ERASE],
                on_click=erase_selected,
            )  # fmt: skip
