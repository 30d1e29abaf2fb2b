"""The "à arbitrer" list of the staff space: fields staff edited that a source now gives
differently. The staff value stays published until someone keeps it or takes the source's
(``courtcircuit.edits.resolve_arbitration``, a revision like any other)."""

from __future__ import annotations

from typing import Literal

import pandas as pd
import streamlit as st

from courtcircuit.edits import Arbitration, arbitrations, resolve_arbitration
from courtcircuit.staff_queries import listing_communes
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.revisions import EditConflict
from courtcircuit.workspace.store import Store
from ui.chrome import cursor
from ui.i18n import _
from ui.staff_backend import publish
from ui.staff_history import label, readable
from ui.text import md

_DONE = "staff_arbitration_done"


def _settle(store: Store, member: StaffMember, item: Arbitration, keep: Literal["staff", "source"]) -> None:
    try:
        resolve_arbitration(store, item, keep, member.email)
    except EditConflict:
        st.session_state[_DONE] = ("warning", _("La fiche vient d'être modifiée : réessayez."))
        return
    published = publish(store)
    values = {"name": item.name or item.listing_id, "field": label(item.field)}
    if published.ok:
        text = (
            _("{name} · {field} : valeur de l'équipe gardée.", **values)
            if keep == "staff"
            else _("{name} · {field} : valeur de la source reprise.", **values)
        )
    else:
        text = (
            _("{name} · {field} : valeur de l'équipe gardée ; {why}.", why=published.message, **values)
            if keep == "staff"
            else _("{name} · {field} : valeur de la source reprise ; {why}.", why=published.message, **values)
        )
    st.session_state[_DONE] = ("success" if published.ok else "warning", text)


def arbitration_panel(store: Store, member: StaffMember) -> None:
    con = cursor()
    items = arbitrations(con)
    communes = listing_communes(con, sorted({i.listing_id for i in items}))
    mine = [i for i in items if member.can_edit(communes.get(i.listing_id))]
    if done := st.session_state.pop(_DONE, None):
        getattr(st, done[0])(md(done[1]))
    st.subheader(_("À arbitrer ({n})", n=len(mine)))
    if not mine:
        st.caption(
            _(
                "Aucun champ à arbitrer dans votre territoire : les sources ne contredisent aucune modification."
            )
        )
        return
    st.caption(
        _(
            "Une source donne désormais une autre valeur qu'une modification de l'équipe. La valeur de "
            "l'équipe reste publiée tant que personne n'a choisi."
        )
    )
    for n, item in enumerate(mine):
        with st.container(border=True):
            st.markdown(f"**{md(item.name or item.listing_id)}** · {label(item.field)}")
            st.dataframe(
                pd.DataFrame(
                    {
                        _("Valeur de l'équipe (publiée)"): [readable(item.field, item.staff_value)],
                        _("Valeur de la source ({source})", source=item.source): [
                            readable(item.field, item.source_value)
                        ],
                    }
                ),
                hide_index=True, width="stretch",
            )  # fmt: skip
            keep, take = st.columns(2)
            keep.button(_("Garder la valeur de l'équipe"), key=f"staff_arb_keep_{n}", on_click=_settle,
                        args=(store, member, item, "staff"))  # fmt: skip
            take.button(_("Reprendre celle de la source"), key=f"staff_arb_take_{n}", on_click=_settle,
                        args=(store, member, item, "source"))  # fmt: skip
