"""The "À vérifier" section of the staff space: the listings of my territory not verified for a
year (``COURT_CIRCUIT_STALE_MONTHS``) or never, oldest first, each with "Vérifié aujourd'hui"
(a revision, then published); the list as a CSV for a calling campaign; and how much of each
commune was checked this year (``courtcircuit.staff_verify``)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from courtcircuit.export import readable_phone
from courtcircuit.staff_verify import (
    LIMIT,
    CommuneCount,
    StaleListing,
    calling_csv,
    commune_counts,
    mark_verified,
    stale_listings,
    stale_months,
)
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.store import Store
from ui.chrome import cursor
from ui.i18n import _
from ui.staff_backend import publish
from ui.staff_words import day
from ui.text import md

_DONE = "staff_verify_done"
SHOWN = 100  # buttons drawn at most; the CSV holds the whole list


def _verified(store: Store, member: StaffMember, item: StaleListing) -> None:
    if not member.can_edit(item.commune_insee):
        st.session_state[_DONE] = ("error", _("Cette fiche est hors de votre territoire."))
        return
    saved = mark_verified(store, item.id, member.email, item.last_verified)
    published = publish(store)
    st.session_state[_DONE] = (
        ("success", _("{name} : vérifiée aujourd'hui (révision n° {number}).", name=item.name, number=saved.number))
        if published.ok
        else (
            "warning",
            _(
                "{name} : vérifiée aujourd'hui (révision n° {number}) ; {why}.",
                name=item.name, number=saved.number, why=published.message,
            ),
        )
    )  # fmt: skip


def _when(item: StaleListing) -> str:
    return _("vérifiée le {day}", day=day(item.last_verified)) if item.last_verified else _("jamais vérifiée")


def verify_panel(store: Store, member: StaffMember) -> None:
    con = cursor()
    territory = None if member.is_admin else member.territory.codes
    months = stale_months()
    items = stale_listings(con, territory, months=months)
    if done := st.session_state.pop(_DONE, None):
        getattr(st, done[0])(md(done[1]))
    many = len(items) >= LIMIT
    st.subheader(_("À vérifier ({n} au plus)", n=len(items)) if many else _("À vérifier ({n})", n=len(items)))
    st.caption(
        _(
            "Les fiches de l'annuaire non vérifiées depuis {months} mois ou jamais, les plus anciennes d'abord. "
            "Appelez, corrigez si besoin dans « Fiches », puis marquez « Vérifié aujourd'hui ».",
            months=months,
        )
        if territory is None
        else _(
            "Les fiches de votre territoire non vérifiées depuis {months} mois ou jamais, les plus anciennes "
            "d'abord. Appelez, corrigez si besoin dans « Fiches », puis marquez « Vérifié aujourd'hui ».",
            months=months,
        )
    )
    if items:
        st.download_button(
            _("Télécharger la liste pour une campagne d'appels (CSV)"), calling_csv(items),
            file_name=f"a-verifier-{date.today():%Y-%m-%d}.csv", mime="text/csv", key="staff_verify_csv",
            icon=":material/download:",
        )  # fmt: skip
    else:
        st.caption(_("Rien à vérifier : toutes les fiches ont été vérifiées récemment."))
    if len(items) > SHOWN:
        st.caption(
            _(
                "Les {shown} plus anciennes sont affichées ; le fichier CSV contient les {n}.",
                shown=SHOWN,
                n=len(items),
            )
        )
    for item in items[:SHOWN]:
        with st.container(border=True):
            text, button = st.columns([4, 1])
            city = md(item.city) if item.city else _("commune inconnue")
            text.markdown(f"**{md(item.name)}** · {city} · {_when(item)}")
            contact = " · ".join(
                md(v) for v in (readable_phone(item.phone) if item.phone else "", item.email or "") if v
            )
            text.caption(contact or _("ni téléphone ni e-mail"))
            button.button(
                _("Vérifié aujourd'hui"), key=f"staff_verify_{item.id}", on_click=_verified,
                args=(store, member, item), disabled=not member.can_edit(item.commune_insee),
            )  # fmt: skip
    _counts(commune_counts(con, territory))


def _counts(counts: list[CommuneCount]) -> None:
    year = date.today().year
    st.subheader(_("Vérifiées en {year}, par commune", year=year))
    if not counts:
        st.caption(_("Aucune fiche ouverte dans ce territoire."))
        return
    checked, total = sum(c.checked for c in counts), sum(c.total for c in counts)
    share = round(100 * checked / total)
    st.caption(
        _("1 fiche vérifiée cette année sur {total} ({share} %).", total=total, share=share)
        if checked == 1
        else _(
            "{n} fiches vérifiées cette année sur {total} ({share} %).", n=checked, total=total, share=share
        )
    )
    st.dataframe(
        pd.DataFrame(
            {
                _("Commune"): [c.city or _("commune inconnue") for c in counts],
                _("Code INSEE"): [c.commune_insee or "" for c in counts],
                _("Vérifiées en {year}", year=year): [c.checked for c in counts],
                _("Fiches"): [c.total for c in counts],
                _("Part"): [f"{round(100 * c.checked / c.total)} %" for c in counts],
            }
        ),
        hide_index=True, width="stretch",
    )  # fmt: skip
