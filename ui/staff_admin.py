"""What admins see in the staff space: the accounts, the log of sign-ins and edits, and the
button that lifts an account's sign-in lock."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from courtcircuit.staff_queries import recent_revisions
from courtcircuit.workspace import accounts
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.store import Store
from ui.client import throttle
from ui.i18n import N_, _, said
from ui.staff_words import account_error, kind, moment, role
from ui.text import md

EVENTS = {
    "account_created": N_("compte créé"),
    "sign_in": N_("connexion"),
    "sign_in_failed": N_("connexion refusée"),
    "sign_out": N_("déconnexion"),
    "session_expired": N_("session expirée"),
    "password_changed": N_("mot de passe changé"),
    "unlocked": N_("blocage levé"),
    "disabled": N_("compte fermé"),
    "enabled": N_("compte rouvert"),
}
LOG_ROWS = 200


def admin_panel(store: Store, member: StaffMember) -> None:
    people = accounts.members(store)
    st.subheader(_("Comptes ({n})", n=len(people)))
    st.dataframe(
        pd.DataFrame(
            {
                _("E-mail"): [p.email for p in people],
                _("Rôle"): [role(p.role) for p in people],
                _("Territoire"): [
                    said(p.territory.describe()) if p.territory.codes else _("partout") for p in people
                ],
            }
        ),
        hide_index=True,
        width="stretch",
        key="staff_accounts_table",
    )
    st.caption(
        _(
            "Ajouter un compte : `python -m courtcircuit.staff add-user EMAIL --role editor --territory 63` "
            "sur le serveur (voir le README)."
        )
    )
    with st.form("staff_unlock"):
        who = st.selectbox(
            _("Débloquer la connexion de"), [p.email for p in people], key="staff_unlock_email"
        )
        if st.form_submit_button(_("Débloquer")) and who:
            accounts.unlock(store, throttle(), member.email, who)
            st.success(_("La connexion de {email} est débloquée.", email=md(who)))
    with st.form("staff_disable"):
        others = [p.email for p in people if p.email != member.email]
        who = st.selectbox(_("Fermer le compte de (une personne qui quitte l'équipe)"), others,
                           key="staff_disable_email", index=None, placeholder=_("Choisissez un compte"))  # fmt: skip
        if st.form_submit_button(_("Fermer le compte")) and who:
            try:
                accounts.set_disabled(store, who, True, member.email)
            except accounts.AccountError as exc:
                st.error(md(account_error(exc)))
            else:
                st.success(
                    _("Le compte de {email} est fermé ; ses modifications gardent son nom.", email=md(who))
                )

    st.subheader(_("Journal des connexions"))
    events = accounts.recent_events(store, LOG_ROWS)
    st.dataframe(
        pd.DataFrame(
            {
                _("Quand"): [moment(e.at) for e in events],
                _("Compte"): [e.email for e in events],
                _("Événement"): [_(EVENTS[e.event]) if e.event in EVENTS else e.event for e in events],
                _("Détail"): [e.detail for e in events],
                _("Client"): [e.client for e in events],
            }
        ),
        hide_index=True,
        width="stretch",
        key="staff_events_table",
    )
    st.subheader(_("Journal des modifications"))
    edits = recent_revisions(store, LOG_ROWS)
    st.dataframe(
        pd.DataFrame(
            {
                _("Quand"): [moment(r.at) for r in edits],
                _("Fiche"): [r.listing_id for r in edits],
                _("N°"): [r.number for r in edits],
                _("Par"): [r.author for r in edits],
                _("Type"): [kind(r.kind) for r in edits],
                _("Champs"): [", ".join(r.changes) for r in edits],
                _("Raison"): [r.reason for r in edits],
            }
        ),
        hide_index=True,
        width="stretch",
        key="staff_edits_table",
    )
