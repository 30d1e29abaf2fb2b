"""Staff sign-in through an identity provider (OpenID Connect, Streamlit's st.login), through
AppTest: the provider's e-mail opens the matching account with its role and territory, an
identity with no account is refused and logged, and signing out ends the provider session too.

AppTest seeds ``st.user`` (what the provider vouched for) and ``st.secrets`` (the ``[auth]``
section that says a provider is configured); the OIDC exchange itself is Streamlit's and Authlib's."""

from __future__ import annotations

import pytest

from courtcircuit.workspace import accounts
from courtcircuit.workspace.accounts import Territory
from tests.test_app_staff import ADMIN, EDITOR, PASSWORD, connected, open_page, texts

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "un secret de test assez long pour le cookie",
    "client_id": "court-circuit",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.parc.example/.well-known/openid-configuration",
}
LOGIN_BUTTON = "Se connecter avec le compte de mon organisation"


@pytest.fixture
def people(staff_app_store):
    accounts.add_account(staff_app_store, ADMIN, "admin", PASSWORD)
    accounts.add_account(staff_app_store, EDITOR, "editor", PASSWORD, Territory.parse("63", "PNR"))
    return staff_app_store


def provider_page(user: dict | None = None, auth: dict | None = AUTH):
    from streamlit.testing.v1 import AppTest

    from tests.test_app_staff import APP, PAGE

    at = AppTest.from_file(APP, default_timeout=60)
    if auth is not None:
        at.secrets["auth"] = auth
    if user is not None:
        at.user = user
    at.switch_page(PAGE)
    return at.run()


def events(store, email: str) -> list[tuple[str, str]]:
    return [(e.event, e.detail) for e in accounts.recent_events(store) if e.email == email]


def test_without_a_provider_only_the_password_form_shows(people):
    at = open_page()
    assert not at.exception
    assert LOGIN_BUTTON not in [b.label for b in at.button]


def test_with_a_provider_its_button_shows_beside_the_password_form(people):
    at = provider_page({"is_logged_in": False})
    assert not at.exception, at.exception
    assert LOGIN_BUTTON in [b.label for b in at.button]
    assert at.text_input(key="staff_login_email") is not None  # passwords still work


def test_the_provider_s_email_opens_the_matching_account(people):
    at = provider_page({"is_logged_in": True, "email": "Edit@Parc.example", "email_verified": True})
    assert not at.exception, at.exception
    assert connected(at, EDITOR)
    assert any("territoire : PNR" in c for c in texts(at.caption))
    assert ("sign_in", "fournisseur d'identité") in events(people, EDITOR)


def test_an_identity_without_an_account_is_refused_and_logged_once(people):
    at = provider_page({"is_logged_in": True, "email": "inconnu@parc.example", "email_verified": True})
    assert not at.exception, at.exception
    assert not connected(at, "inconnu@parc.example")
    assert any("pas de compte actif" in e for e in texts(at.error))
    at.run()
    assert events(people, "inconnu@parc.example") == [
        ("sign_in_failed", "fournisseur d'identité : aucun compte")
    ]


def test_an_unverified_email_is_not_trusted(people):
    at = provider_page({"is_logged_in": True, "email": EDITOR, "email_verified": False})
    assert not at.exception, at.exception
    assert not connected(at, EDITOR)


def test_a_disabled_account_cannot_come_back_through_the_provider(people):
    accounts.set_disabled(people, EDITOR, True, ADMIN)
    at = provider_page({"is_logged_in": True, "email": EDITOR, "email_verified": True})
    assert not connected(at, EDITOR)
    assert any("pas de compte actif" in e for e in texts(at.error))


def test_signing_out_ends_the_provider_session_too(people):
    at = provider_page({"is_logged_in": True, "email": EDITOR, "email_verified": True})
    assert connected(at, EDITOR)
    at.button(key="staff_sign_out").click().run()
    assert not at.exception, at.exception
    assert not at.user.get("is_logged_in")  # st.logout ran: the provider's cookie is gone
    assert not connected(at, EDITOR)
    assert LOGIN_BUTTON in [b.label for b in at.button]


def test_an_admin_closes_an_account_from_the_staff_space(people):
    from tests.test_app_staff import section, signed_in

    at = section(signed_in(ADMIN), "Comptes et journal")
    assert ADMIN not in at.selectbox(key="staff_disable_email").options  # not one's own
    at.selectbox(key="staff_disable_email").set_value(EDITOR)
    at.button(key="FormSubmitter:staff_disable-Fermer le compte").click().run()
    assert not at.exception, at.exception
    assert any("est fermé" in s for s in texts(at.success))
    assert "compte fermé" in set(
        next(d.value for d in at.dataframe if "Événement" in d.value.columns)["Événement"]
    )
    assert not connected(signed_in(EDITOR), EDITOR)
