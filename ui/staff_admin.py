"""What admins see in the staff space: the accounts, the log of sign-ins and edits, and the
button that lifts an account's sign-in lock."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from courtcircuit.staff_queries import recent_revisions
from courtcircuit.workspace import accounts, revisions
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.store import Store
from ui.client import throttle
from ui.text import md

EVENTS = {
    "account_created": "compte créé",
    "sign_in": "connexion",
    "sign_in_failed": "connexion refusée",
    "sign_out": "déconnexion",
    "session_expired": "session expirée",
    "password_changed": "mot de passe changé",
    "unlocked": "blocage levé",
    "disabled": "compte fermé",
    "enabled": "compte rouvert",
}
LOG_ROWS = 200


def _when(at: datetime) -> str:  # naive (SQLite) or aware (PostgreSQL)
    return f"{at:%d/%m/%Y %H:%M}"


def admin_panel(store: Store, member: StaffMember) -> None:
    people = accounts.members(store)
    st.subheader(f"Comptes ({len(people)})")
    st.dataframe(
        pd.DataFrame(
            {
                "E-mail": [p.email for p in people],
                "Rôle": [accounts.ROLES[p.role] for p in people],
                "Territoire": [p.territory.describe() if p.territory.codes else "partout" for p in people],
            }
        ),
        hide_index=True,
        width="stretch",
        key="staff_accounts_table",
    )
    st.caption(
        "Ajouter un compte : `python -m courtcircuit.staff add-user EMAIL --role editor --territory 63` "
        "sur le serveur (voir le README)."
    )
    with st.form("staff_unlock"):
        who = st.selectbox("Débloquer la connexion de", [p.email for p in people], key="staff_unlock_email")
        if st.form_submit_button("Débloquer") and who:
            accounts.unlock(store, throttle(), member.email, who)
            st.success(f"La connexion de {md(who)} est débloquée.")
    with st.form("staff_disable"):
        others = [p.email for p in people if p.email != member.email]
        who = st.selectbox("Fermer le compte de (une personne qui quitte l'équipe)", others,
                           key="staff_disable_email", index=None, placeholder="Choisissez un compte")  # fmt: skip
        if st.form_submit_button("Fermer le compte") and who:
            try:
                accounts.set_disabled(store, who, True, member.email)
            except accounts.AccountError as exc:
                st.error(md(str(exc)[:1].upper() + str(exc)[1:] + "."))
            else:
                st.success(f"Le compte de {md(who)} est fermé ; ses modifications gardent son nom.")

    st.subheader("Journal des connexions")
    events = accounts.recent_events(store, LOG_ROWS)
    st.dataframe(
        pd.DataFrame(
            {
                "Quand": [_when(e.at) for e in events],
                "Compte": [e.email for e in events],
                "Événement": [EVENTS.get(e.event, e.event) for e in events],
                "Détail": [e.detail for e in events],
                "Client": [e.client for e in events],
            }
        ),
        hide_index=True,
        width="stretch",
        key="staff_events_table",
    )
    st.subheader("Journal des modifications")
    edits = recent_revisions(store, LOG_ROWS)
    st.dataframe(
        pd.DataFrame(
            {
                "Quand": [_when(r.at) for r in edits],
                "Fiche": [r.listing_id for r in edits],
                "N°": [r.number for r in edits],
                "Par": [r.author for r in edits],
                "Type": [revisions.KINDS.get(r.kind, r.kind) for r in edits],
                "Champs": [", ".join(r.changes) for r in edits],
                "Raison": [r.reason for r in edits],
            }
        ),
        hide_index=True,
        width="stretch",
        key="staff_edits_table",
    )
