"""Sign-in through the territory's identity provider (OpenID Connect), when one is configured.

Streamlit's ``st.login`` does the OIDC exchange once ``.streamlit/secrets.toml`` holds an
``[auth]`` section (``redirect_uri``, ``cookie_secret``, the provider's ``client_id``,
``client_secret`` and ``server_metadata_url``; README, « Connexion par le fournisseur
d'identité »). The provider only says who the person is: the staff space still decides what they
may do, from the account with the same e-mail (role, territory, not disabled). An identity with
no account is refused with a message saying so, and the admins' log records both.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from courtcircuit.workspace import accounts
from courtcircuit.workspace.accounts import StaffMember
from courtcircuit.workspace.store import Store
from ui.client import client_key
from ui.i18n import _
from ui.text import md

_REFUSED = "staff_identity_refused"  # the e-mail already refused (logged once per session)


def _auth_section() -> dict[str, Any] | None:
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all: Streamlit raises rather than answer "no"
        return None
    return dict(section) if section else None


def configured() -> bool:
    return _auth_section() is not None


def _provider() -> str | None:
    """The named provider (``[auth.<name>]``), if the section names exactly one; else the
    default provider given directly under ``[auth]``."""
    section = _auth_section() or {}
    named = [name for name, value in section.items() if isinstance(value, dict)]
    return named[0] if len(named) == 1 else None


def _identity() -> str | None:
    """The e-mail the provider vouched for, lower-cased; None when not signed in there."""
    user = st.user.to_dict()
    if not user.get("is_logged_in"):
        return None
    email = str(user.get("email") or "").strip().lower()
    # A provider that does not say the address is verified cannot open a staff account.
    if not email or user.get("email_verified") is False:
        return None
    return email


def member_from_identity(store: Store) -> StaffMember | None:
    """The account matching the provider's e-mail, logged as a sign-in; None otherwise (with a
    message when the provider's person has no account here)."""
    if not configured():
        return None
    email = _identity()
    if email is None:
        return None
    for member in accounts.members(store):
        if member.email.lower() == email:
            accounts.log(store, member.email, "sign_in", client_key(), "fournisseur d'identité")
            return member
    if st.session_state.get(_REFUSED) != email:
        st.session_state[_REFUSED] = email
        accounts.log(store, email, "sign_in_failed", client_key(), "fournisseur d'identité : aucun compte")
    st.error(
        _(
            "Le fournisseur d'identité vous a reconnu ({email}), mais l'espace équipe n'a pas de compte "
            "actif à cette adresse. Demandez à un administrateur de le créer "
            "(`python -m courtcircuit.staff add-user`).",
            email=md(email),
        )
    )
    st.button(_("Se déconnecter du fournisseur d'identité"), key="staff_oidc_logout", on_click=st.logout)
    return None


def login_button() -> None:
    """Above the password form, when a provider is configured."""
    if not configured():
        return
    provider = _provider()
    st.button(
        _("Se connecter avec le compte de mon organisation"),
        key="staff_oidc_login",
        icon=":material/badge:",
        type="primary",
        on_click=st.login,
        args=(provider,) if provider else (),
    )
    st.caption(_("ou avec l'e-mail et le mot de passe de l'espace équipe :"))


def sign_out_provider() -> None:
    """Signing out of the staff space also ends the provider's session cookie here."""
    if configured() and st.user.to_dict().get("is_logged_in"):
        st.logout()
