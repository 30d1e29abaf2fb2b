"""Who is signed in to the staff space: the workspace store, the sign-in form, sessions that
expire, sign-out and the password change.

A session remembers the member and two times: when they signed in (absolute limit, 8 h by
default) and when they last did something (idle limit, 30 min). Both limits are settings:
``COURT_CIRCUIT_STAFF_IDLE_MIN`` and ``COURT_CIRCUIT_STAFF_SESSION_HOURS``. The member's role
and territory are read again from the store at every rerun, so a disabled account or a new
territory takes effect at once.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import streamlit as st

from courtcircuit.staff import MAX_LENGTH, MIN_LENGTH
from courtcircuit.workspace import accounts
from courtcircuit.workspace.accounts import AccountError, StaffMember
from courtcircuit.workspace.store import Store, StoreUnavailable, default_url
from ui import staff_identity
from ui.client import client_key, throttle
from ui.i18n import N_, _, said
from ui.staff_words import account_error, message, role
from ui.text import md

IDLE_ENV, ABSOLUTE_ENV = "COURT_CIRCUIT_STAFF_IDLE_MIN", "COURT_CIRCUIT_STAFF_SESSION_HOURS"
SESSION = "staff_session"
_NOTICE = "staff_session_notice"  # shown once on the sign-in form (expired, signed out)
SIGNED_OUT = N_("Vous êtes déconnecté.")
EXPIRED = N_("Votre session a expiré : reconnectez-vous.")
NOT_ACTIVE = N_("Ce compte n'est plus actif.")


def now() -> float:
    """The clock sessions are measured with (replaced in tests)."""
    return time.time()


def _setting(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def idle_limit_s() -> float:
    return _setting(IDLE_ENV, 30) * 60


def absolute_limit_s() -> float:
    return _setting(ABSOLUTE_ENV, 8) * 3600


@dataclass
class StaffSession:
    member: StaffMember
    signed_in_at: float
    last_seen: float


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)  # migrates once per server; a failure is not cached, so it is retried


def workspace() -> Store:
    """The workspace store, or a message saying why not and the page stops."""
    try:
        return _store(default_url())
    except StoreUnavailable as exc:
        st.error(md(message(str(exc))))
        st.stop()
        raise


def no_account_yet() -> None:
    """What an administrator must do before anyone can sign in, in plain words."""
    st.info(
        _(
            "L'espace équipe n'a encore aucun compte. Chaque membre de l'équipe (Parc, PAT, Chambre "
            "d'agriculture) y entre avec son e-mail et son propre mot de passe ; c'est l'administrateur du "
            "serveur qui crée les comptes."
        ),
        icon=":material/group_add:",
    )
    st.markdown(
        _(
            "**Pour l'administrateur**, sur le serveur, dans le dossier de l'application : "
            "créer d'abord son propre compte d'administrateur (le mot de passe est demandé deux fois, "
            "{n} caractères au moins) :",
            n=MIN_LENGTH,
        )
    )
    st.code("python -m courtcircuit.staff add-user prenom.nom@parc.fr --role admin", language="text")
    st.markdown(_("puis un compte par personne, avec son rôle et, pour un éditeur, son territoire :"))
    st.code(
        "python -m courtcircuit.staff add-user agent@parc.fr --role editor --territory 63,42\n"
        'python -m courtcircuit.staff add-user charte@parc.fr --role editor --communes charte.csv --name "PNR"\n'
        "python -m courtcircuit.staff add-user besoins@parc.fr --role moderator",
        language="text",
    )
    st.caption(
        _(
            "Rôles : administrateur (tout, dont les comptes), éditeur (modifie les fiches de son territoire), "
            "modérateur (valide les besoins des acheteurs). La documentation (README, « Espace équipe : mise "
            "en place pour un Parc ») donne le détail."
        )
    )


def _sign_in_form(store: Store) -> None:
    if notice := st.session_state.pop(_NOTICE, None):
        st.info(_(notice))
    staff_identity.login_button()
    with st.form("staff_login"):
        email = st.text_input(_("E-mail"), max_chars=254, key="staff_login_email", autocomplete="username")
        password = st.text_input(
            _("Mot de passe"), type="password", max_chars=MAX_LENGTH, key="staff_login_password",
            autocomplete="current-password",
        )  # fmt: skip
        submitted = st.form_submit_button(_("Se connecter"), type="primary")
    if submitted:
        # Throttled per client and per account before Argon2 runs (courtcircuit.staff.guarded_check).
        result = accounts.sign_in(store, email, password, throttle(), client_key())
        if result.member is not None:
            t = now()
            st.session_state[SESSION] = StaffSession(result.member, t, t)
            st.rerun()
        st.error(message(result.message))


def _refreshed(store: Store, session: StaffSession) -> StaffMember | None:
    for member in accounts.members(store):
        if member.email == session.member.email:
            return member
    return None  # disabled or removed meanwhile


def sign_out(store: Store, notice: str = SIGNED_OUT, event: str = "sign_out") -> None:
    """End the session; ``notice`` (French, marked for the catalogue) is shown on the form."""
    session = st.session_state.pop(SESSION, None)
    if session is not None:
        accounts.log(store, session.member.email, event, client_key())
    st.session_state[_NOTICE] = notice
    staff_identity.sign_out_provider()  # else the provider's cookie would sign them in again


def current_member(store: Store) -> StaffMember | None:
    """The signed-in member, their session renewed; None once expired or signed out."""
    session: StaffSession | None = st.session_state.get(SESSION)
    if session is None:
        member = staff_identity.member_from_identity(store)  # signed in at the identity provider
        if member is not None:
            t = now()
            st.session_state[SESSION] = StaffSession(member, t, t)
        return member
    t = now()
    if t - session.signed_in_at > absolute_limit_s() or t - session.last_seen > idle_limit_s():
        sign_out(store, EXPIRED, "session_expired")
        return None
    member = _refreshed(store, session)
    if member is None:
        sign_out(store, NOT_ACTIVE, "sign_out")
        return None
    session.member, session.last_seen = member, t
    return member


def require_member(store: Store) -> StaffMember:
    """The signed-in member, or the sign-in form (or the no-account explanation) and a stop."""
    member = current_member(store)
    if member is not None:
        return member
    if not accounts.has_accounts(store):
        no_account_yet()
    else:
        _sign_in_form(store)
    st.stop()
    raise AssertionError("unreachable")


def who_bar(store: Store, member: StaffMember) -> None:
    """Who is signed in, and the sign-out button, at the top of every staff page."""
    text, button = st.columns([3, 1], vertical_alignment="center")
    who, what = md(member.email), role(member.role)
    if member.territory.codes:
        where = md(said(member.territory.describe()))
        text.caption(
            _(
                "Connecté : **{email}** ({role} · territoire : {territory})",
                email=who,
                role=what,
                territory=where,
            )
        )
    else:
        text.caption(_("Connecté : **{email}** ({role})", email=who, role=what))
    if button.button(_("Se déconnecter"), key="staff_sign_out", icon=":material/logout:"):
        sign_out(store)
        st.rerun()


def password_form(store: Store, member: StaffMember) -> None:
    st.subheader(_("Changer mon mot de passe"))
    with st.form("staff_password", clear_on_submit=True):
        old = st.text_input(
            _("Mot de passe actuel"), type="password", max_chars=MAX_LENGTH, key="staff_pw_old"
        )
        new = st.text_input(
            _("Nouveau mot de passe ({n} caractères au moins)", n=MIN_LENGTH), type="password",
            max_chars=MAX_LENGTH, key="staff_pw_new",
        )  # fmt: skip
        again = st.text_input(
            _("Encore une fois"), type="password", max_chars=MAX_LENGTH, key="staff_pw_again"
        )
        submitted = st.form_submit_button(_("Changer le mot de passe"))
    if not submitted:
        return
    if new != again:
        st.error(_("Les deux saisies du nouveau mot de passe diffèrent."))
        return
    # The current password is checked behind the throttle like a sign-in (no free guessing here).
    check = accounts.sign_in(store, member.email, old, throttle(), client_key())
    if check.member is None:
        st.error(
            _("Mot de passe actuel incorrect.") if "incorrect" in check.message else message(check.message)
        )
        return
    try:
        accounts.change_password(store, member.email, old, new)
    except AccountError as exc:
        st.error(md(account_error(exc)))
    else:
        st.success(_("Mot de passe changé."))
