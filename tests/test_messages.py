"""The domain's messages the interface translates (issue 13): ``courtcircuit.messages.Message`` is
its French sentence and carries its template and values; ``ui.i18n.said`` shows it in the
reader's language (nested values too, plain texts as constant sentences, never failing). Then
real paths opened in English through AppTest: a refused suggestion, a staff form's error, a
moderator's refused acceptance and the address geocoder's failure, each also checked in French."""

from __future__ import annotations

import ast
import copy
import pickle
import urllib.request
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.testing.v1 import AppTest

from courtcircuit import edits
from courtcircuit.db import connect
from courtcircuit.messages import Message, capitalised
from courtcircuit.places import GeocoderUnavailable, find_places
from courtcircuit.throttle import Verdict, duration_fr
from courtcircuit.workspace import accounts
from courtcircuit.workspace import suggestions as sg
from courtcircuit.workspace.accounts import AccountError, Territory
from courtcircuit.workspace.store import Store
from tests.markdown_check import plain
from ui import i18n
from ui.i18n import said

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
PASSWORD = "un mot de passe de test"
EDITOR, MODERATOR = "edit@parc.example", "modo@parc.example"
FARM = "Ferme du Bord"  # tests/fixtures/suppliers/producers.csv, north of Ambert (63)


@pytest.fixture
def english(monkeypatch) -> None:
    monkeypatch.setattr("ui.i18n.current", lambda: "en")


# ------------------------------------------------------------------ the type


def test_a_message_is_its_french_sentence_and_keeps_what_built_it():
    wait = duration_fr(600)
    said_fr = Message("Trop d'essais rapprochés : réessayez dans {wait}.", wait=wait)
    assert said_fr == "Trop d'essais rapprochés : réessayez dans 10 min."
    assert isinstance(said_fr, str) and hash(said_fr) == hash(str.__str__(said_fr))
    assert said_fr.template == "Trop d'essais rapprochés : réessayez dans {wait}."
    assert said_fr.values == {"wait": wait} and wait.template == "{n} min" and wait.values == {"n": 10}
    assert Message("sans {valeur}") == "sans {valeur}"  # no values: the text as written, like _()
    # str() of an exception raised with a Message keeps it; anything else gives plain French.
    kept = str(AccountError(Message("aucun compte {email}", email="x@y.fr")))
    assert isinstance(kept, Message) and kept.values == {"email": "x@y.fr"}
    assert type(said_fr[:4]) is str and type(said_fr + "!") is str and type(f"« {said_fr} »") is str
    for twin in (copy.deepcopy(said_fr), pickle.loads(pickle.dumps(said_fr))):
        assert twin == said_fr and twin.template == said_fr.template and twin.values == said_fr.values


def test_capitalised_keeps_a_message_translatable():
    plain_text = capitalised("champ inconnu")
    assert plain_text == "Champ inconnu" and not isinstance(plain_text, Message)
    up = capitalised(Message("nombre attendu : « {value} »", value="x"))
    assert up == "Nombre attendu : « x »" and up.template == "Nombre attendu : « {value} »"
    led = capitalised(Message("{what} : 30 caractères au plus", what=Message("le téléphone du lieu")))
    assert led == "Le téléphone du lieu : 30 caractères au plus"
    assert led.values["what"].template == "Le téléphone du lieu"


def test_said_in_french_is_the_domain_s_sentence():
    nested = Verdict(False, wait_s=40).message()
    assert said(nested) == nested == "Trop d'essais rapprochés : réessayez dans 40 s."
    assert type(said(nested)) is str
    assert said("un texte que personne ne connaît") == "un texte que personne ne connaît"


def test_said_in_english_translates_the_template_and_the_nested_values(english):
    assert said(Verdict(False, wait_s=3 * 3600, locked=True).message()) == (
        "Too many failed attempts: access locked for 3 h. Try again later."
    )
    territory = Territory(tuple(f"630{n:02d}" for n in range(14)), "PNR Livradois-Forez")
    assert said(territory.describe()).endswith("63011 and 2 more)")
    assert said(territory.describe()).startswith("PNR Livradois-Forez (63000, 63001")  # data as it is
    problem = Message("indiquez {what}", what=Message("le nom du lieu"))
    assert said(problem) == "enter the name of the place"
    assert said("E-mail ou mot de passe incorrect.") == "Incorrect e-mail or password."  # a constant
    # A capitalised reason (courtcircuit.edits) is found as written in the catalogue.
    assert said(capitalised(Message("champ inconnu"))) == "Unknown field"
    assert said("Nom manquant : une fiche sans nom ne peut pas être publiée") == (
        "Name missing: a listing without a name cannot be published"
    )


def test_said_never_fails(english, monkeypatch):
    unknown = Message(
        "une phrase que le catalogue ignore : {x}", x=Message("aucun compte {email}", email="a@b")
    )
    assert said(unknown) == "une phrase que le catalogue ignore : no account a@b"
    assert said("Texte libre {sans valeur}") == "Texte libre {sans valeur}"
    broken = {"aucun compte {email}": "no account {address}"}  # a translation naming other values
    monkeypatch.setattr("ui.i18n.catalogue", lambda lang: broken)
    assert said(Message("aucun compte {email}", email="a@b")) == "aucun compte a@b"


def test_the_domain_says_messages_the_catalogue_knows(english, communes):
    def unreachable(url: str, timeout: float) -> bytes:
        raise OSError("no network in tests")

    found = find_places("12 rue du Marché Ambert", communes, use_geocoder=True, fetch=unreachable)
    assert isinstance(found.notice, Message)
    assert said(found.notice) == (
        "Address search unavailable (address geocoder unreachable (OSError)): only communes are offered."
    )
    with pytest.raises(sg.InvalidSuggestion) as refused:
        sg.clean_submission(None, sg.NEW_PLACE, {"name": "<b>x</b>", "kind": "nope"}, "pas-un-mail")
    assert [said(p) for p in refused.value.problems] == [
        "the name of the place: HTML and scripts are not accepted",
        "choose the kind of place",
        "enter the commune or the postcode",
    ]
    check = edits.validate_edit({}, {"delivery_radius_km": "loin", "name": ""}, communes)
    assert said(check.errors["delivery_radius_km"]) == "A number is expected: “loin”"
    assert said(check.errors["name"]) == "Name missing: a listing without a name cannot be published"
    with pytest.raises(GeocoderUnavailable) as unreadable:
        from courtcircuit.places import parse_geocoder_answer

        parse_geocoder_answer(b"not json")
    assert said(str(unreadable.value)) == "unreadable answer from the geocoder (JSONDecodeError)"


def test_the_etl_reasons_marked_in_edits_are_still_the_steps_own():
    """courtcircuit.edits marks the ETL steps' constant reasons for the catalogue: each must still
    be a sentence a step of courtcircuit/normalise writes, or it would stay French."""
    written = {
        node.value
        for path in (REPO / "courtcircuit" / "normalise").glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert set(edits.ETL_REASONS) <= written


# ------------------------------------------------------------------ real paths, in English


def _open(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if page:
        at.switch_page(page)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def _submit(at: AppTest, form: str) -> AppTest:
    next(b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}-")).click().run()
    assert not at.exception, at.exception
    return at


def _errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "The suggestion was not sent: the name of the place: HTML and scripts are not accepted ; "
            "enter the commune or the postcode.",
        ),
        (
            None,
            "La suggestion n'est pas envoyée : le nom du lieu : le HTML et les scripts ne sont pas "
            "acceptés ; indiquez la commune ou le code postal.",
        ),
    ],
)
def test_a_refused_suggestion(staff_app_store, lang, expected):
    at = _open(**({"lang": lang} if lang else {}))
    at.text_input(key="cc_propose_name").input("<b>Ferme</b>")
    _submit(at, "cc_propose")
    assert expected in _errors(at)
    assert sg.pending(staff_app_store) == []
    assert at.text_input(key="cc_propose_name").value == "<b>Ferme</b>"  # kept


@pytest.fixture
def farm_id(staff_db: Path) -> str:
    con = connect(staff_db, read_only=True)
    try:
        return con.execute("SELECT id FROM listings WHERE name = ?", [FARM]).fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def team(staff_app_store: Store) -> Store:
    accounts.add_account(staff_app_store, EDITOR, "editor", PASSWORD, Territory.parse("63", "PNR"))
    accounts.add_account(staff_app_store, MODERATOR, "moderator", PASSWORD)
    return staff_app_store


@pytest.fixture
def choices_in_english(monkeypatch) -> None:
    """AppTest formats a choice's value in the test's thread, where no URL says the language."""
    from_url = i18n.current
    monkeypatch.setattr("ui.i18n.current", lambda: from_url() if get_script_run_ctx() else "en")


def _signed_in(email: str, **params: str) -> AppTest:
    at = _open("pages/equipe.py", **params)
    at.text_input(key="staff_login_email").input(email)
    at.text_input(key="staff_login_password").input(PASSWORD)
    return _submit(at, "staff_login")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Name missing: a listing without a name cannot be published"),
        (None, "Nom manquant : une fiche sans nom ne peut pas être publiée"),
    ],
)
def test_a_staff_form_error(team, farm_id, lang, expected, request):
    if lang == "en":
        request.getfixturevalue("choices_in_english")
    at = _signed_in(EDITOR, id=farm_id, **({"lang": lang} if lang else {}))
    at.text_input(key="staff_f_name").input("")
    at.button(key="staff_check").click().run()
    assert not at.exception, at.exception
    assert expected in _errors(at)


def test_a_moderator_s_refused_acceptance_in_english(team, choices_in_english):
    number = sg.submit(team, "plus-dans-l-annuaire", "phone", "04 73 82 11 22")
    at = _signed_in(MODERATOR, lang="en")
    at.radio(key="staff_section").set_value("Suggestions").run()
    at.button(key=f"staff_sugg_accept_{number}").click().run()
    assert not at.exception, at.exception
    assert f"Suggestion no. {number} not accepted: this listing is no longer in the directory." in _errors(at)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "Address search unavailable (address geocoder unreachable (OSError)): only communes are offered.",
        ),
        (
            None,
            "Recherche d'adresse indisponible (géocodeur d'adresses injoignable (OSError)) : seules les "
            "communes sont proposées.",
        ),
    ],
)
def test_a_geocoder_failure_notice(small_build, monkeypatch, lang, expected):
    def unreachable(*args, **kwargs):
        raise OSError("no network in tests")

    monkeypatch.setenv("COURT_CIRCUIT_DB", str(small_build.db))
    monkeypatch.setenv("COURT_CIRCUIT_GEOCODER", "geoplateforme")
    monkeypatch.setattr(urllib.request, "urlopen", unreachable)
    at = _open(**({"lang": lang} if lang else {}))
    at.text_input(key="cc_lieu").input("12 rue du Marché Ambert").run()
    assert not at.exception, at.exception
    assert expected in [plain(i.value) for i in at.info]
    assert plain(at.button(key="cc_sugg_0").label) == "Ambert (63600)"  # the communes still come
