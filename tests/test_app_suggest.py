"""Public suggestions through AppTest: « Signaler une modification » on the listing page and
« Proposer un lieu » on the search page (sent, too long, HTML refused, a bad phone said at once,
honeypot, rate limit, duplicate, what was typed kept on error), then the staff's
« Suggestions » section (the queue beside the current value, accept, refuse, bulk refuse)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from courtcircuit.db import connect
from courtcircuit.throttle import Throttle
from courtcircuit.workspace import accounts, revisions
from courtcircuit.workspace import suggestions as sg
from courtcircuit.workspace.revisions import PUBLIC_SUGGESTION
from courtcircuit.workspace.store import Store
from tests.markdown_check import plain

APP = str(Path(__file__).resolve().parents[1] / "app.py")
FARM = "Ferme du Bord"
PASSWORD = "un mot de passe de test"
MODERATOR, EDITOR = "modo@parc.example", "edit@parc.example"
SEND = "FormSubmitter:cc_fix-Envoyer la suggestion"
PROPOSE = "FormSubmitter:cc_propose-Proposer ce lieu"


@pytest.fixture
def db(staff_db: Path) -> Path:
    return staff_db


@pytest.fixture
def store(staff_app_store: Store) -> Store:
    return staff_app_store  # tests/conftest.py: the app's environment for the staff pages


@pytest.fixture
def farm_id(db) -> str:
    con = connect(db, read_only=True)
    try:
        return con.execute("SELECT id FROM listings WHERE name = ?", [FARM]).fetchone()[0]
    finally:
        con.close()


def texts(elements) -> list[str]:
    return [plain(e.value) for e in elements]


def listing_page(farm_id: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/fiche.py")
    at.query_params["id"] = farm_id
    at.run()
    at.button(key="cc_fix_button").click().run()
    assert not at.exception, at.exception
    return at


def report(at: AppTest, field: str, value: str, email: str = "", trap: str = "") -> AppTest:
    at.selectbox(key="cc_fix_field").set_value(field)
    at.text_input(key="cc_fix_value").input(value)
    at.text_input(key="cc_fix_email").input(email)
    at.text_input(key="cc_fix_hp").input(trap)
    at.button(key=SEND).click().run()
    assert not at.exception, at.exception
    return at


def thanked(at: AppTest) -> bool:
    return any(t.startswith("Merci ! Votre suggestion n°") for t in texts(at.success))


def test_a_correction_is_sent_and_the_form_closes(store, farm_id):
    at = report(listing_page(farm_id), "phone", "04 73 82 11 22", email="moi@exemple.fr")
    assert thanked(at)
    (waiting,) = sg.pending(store)
    assert (waiting.listing_id, waiting.field, waiting.value, waiting.email) == (
        farm_id, "phone", "04 73 82 11 22", "moi@exemple.fr",
    )  # fmt: skip
    assert not [f for f in at.get("form")]  # closed again until the button is pressed


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "x" * 501, "500 caractères au plus"),
        ("description", "<script>alert(1)</script>", "HTML"),
        ("name", "Ferme <img src=x onerror=alert(1)>", "HTML"),
        ("phone", "pas un numéro", "Téléphone"),
    ],
)
def test_refused_values_say_why_and_keep_what_was_typed(store, farm_id, field, value, message):
    at = report(listing_page(farm_id), field, value, email="moi@exemple.fr")
    assert any(message in e and "n'est pas envoyée" in e for e in texts(at.error)), texts(at.error)
    assert at.text_input(key="cc_fix_value").value == value
    assert at.text_input(key="cc_fix_email").value == "moi@exemple.fr"
    assert sg.pending(store) == []


def test_the_value_already_shown_is_refused_and_a_closure_needs_no_value(store, farm_id):
    at = report(listing_page(farm_id), "phone", "04 65 71 90 01")
    assert any("déjà cette valeur" in e for e in texts(at.error)), texts(at.error)
    report(at, "status", "")
    assert thanked(at)
    (waiting,) = sg.pending(store)
    assert (waiting.field, waiting.value) == ("status", sg.CLOSED)


def test_a_filled_honeypot_is_thanked_but_recorded_as_refused(store, farm_id):
    at = report(listing_page(farm_id), "website", "https://spam.example", trap="robot")
    assert thanked(at)
    assert sg.pending(store) == []
    (trapped,) = [sg.get(store, i) for i in range(1, 3) if sg.get(store, i)]
    assert trapped.status == "refused" and trapped.handled_by == sg.HONEYPOT


def test_a_duplicate_and_the_rate_limit_are_refused(store, farm_id, monkeypatch):
    frozen = Throttle(clock=lambda: 2_000_000_000.0)
    monkeypatch.setattr("ui.suggest_common.throttle", lambda: frozen)
    at = report(listing_page(farm_id), "phone", "04 73 82 00 01")
    at.button(key="cc_fix_button").click().run()
    report(at, "phone", "04 73 82 00 01")
    assert any("déjà enregistrée" in e for e in texts(at.error))
    for i in range(2, sg.PER_SESSION_PER_HOUR + 1):
        report(at, "phone", f"04 73 82 00 0{i}")
        at.button(key="cc_fix_button").click().run()
    report(at, "phone", "04 73 82 00 09")
    assert any("trop de suggestions" in e for e in texts(at.error))
    assert len(sg.pending(store)) == sg.PER_SESSION_PER_HOUR


def propose(at: AppTest, **values) -> AppTest:
    for name, value in values.items():
        if name == "products":
            at.multiselect(key="cc_propose_products").set_value(value)
        elif name == "description":
            at.text_area(key="cc_propose_description").input(value)
        else:
            at.text_input(key=f"cc_propose_{name}").input(value)
    at.button(key=PROPOSE).click().run()
    assert not at.exception, at.exception
    return at


def test_propose_a_place_from_the_search_page(store, db, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    propose(at, name="<b>Ferme</b>", city="Ambert")
    assert any("HTML" in e for e in texts(at.error))
    assert at.text_input(key="cc_propose_city").value == "Ambert"
    propose(at, name="Ferme Proposée", postcode="63600", city="Ambert", products=["oeufs"])
    assert thanked(at), texts(at.error)
    (waiting,) = sg.pending(store)
    assert waiting.is_new_place and waiting.place["name"] == "Ferme Proposée"
    assert at.text_input(key="cc_propose_name").value == ""  # emptied once stored
    propose(at, name="Ferme Proposée", postcode="63600", city="Ambert")
    assert any("déjà enregistrée" in e for e in texts(at.error))


# ------------------------------------------------------------------ moderation


@pytest.fixture
def people(store) -> Store:
    accounts.add_account(store, MODERATOR, "moderator", PASSWORD)
    accounts.add_account(store, EDITOR, "editor", PASSWORD, accounts.Territory.parse("63"))
    return store


def staff(email: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/equipe.py")
    at.run()
    at.text_input(key="staff_login_email").input(email)
    at.text_input(key="staff_login_password").input(PASSWORD)
    at.button(key="FormSubmitter:staff_login-Se connecter").click().run()
    assert not at.exception, at.exception
    return at


def suggestions_section(at: AppTest) -> AppTest:
    at.radio(key="staff_section").set_value("Suggestions").run()
    assert not at.exception, at.exception
    return at


def test_a_moderator_accepts_a_correction_beside_the_current_value(people, db, farm_id):
    number = sg.submit(people, farm_id, "phone", "04 73 82 11 22", email="moi@exemple.fr")
    at = suggestions_section(staff(MODERATOR))
    assert "Suggestions à traiter (1)" in texts(at.subheader)
    assert any("+33465719001" in t or "04 65 71 90 01" in t for t in texts(at.markdown) + texts(at.caption))
    at.button(key=f"staff_sugg_accept_{number}").click().run()
    assert not at.exception
    assert any("acceptée" in s for s in texts(at.success)), texts(at.error) + texts(at.warning)
    (saved,) = revisions.history(people, farm_id)
    assert saved.author == PUBLIC_SUGGESTION and saved.changes["phone"][1] == "+33473821122"
    assert "Suggestions à traiter (0)" in texts(at.subheader)


def test_a_value_that_fails_the_checks_is_said_and_can_be_refused(people, farm_id):
    bad = sg.submit(people, farm_id, "phone", "pas un numéro")
    at = suggestions_section(staff(MODERATOR))
    at.button(key=f"staff_sugg_accept_{bad}").click().run()
    assert any("Téléphone" in e for e in texts(at.error))
    at.button(key=f"staff_sugg_refuse_{bad}").click().run()
    assert sg.get(people, bad).status == "refused" and sg.get(people, bad).handled_by == MODERATOR


def test_bulk_refuse_and_editors_do_not_see_the_section(people, farm_id):
    ids = [sg.submit(people, farm_id, "website", f"https://ferme{i}.example.fr") for i in range(3)]
    at = suggestions_section(staff(MODERATOR))
    at.multiselect(key="staff_sugg_selected").set_value(ids[:2]).run()
    at.button(key="staff_sugg_refuse_selected").click().run()
    assert not at.exception
    assert [s.id for s in sg.pending(people)] == ids[2:]
    assert "Suggestions" not in staff(EDITOR).radio(key="staff_section").options


def test_a_new_place_is_accepted_into_a_listing(people, db):
    number = sg.submit(people, None, "", {"name": "Ferme Nouvelle", "kind": "producteur", "city": "Ambert",
                                          "postcode": "63600"})  # fmt: skip
    at = suggestions_section(staff(MODERATOR))
    at.button(key=f"staff_sugg_accept_{number}").click().run()
    assert any("Fiche créée" in s for s in texts(at.success)), texts(at.error)
    con = connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM listings WHERE name = 'Ferme Nouvelle'").fetchone()[0] == 1
    finally:
        con.close()
