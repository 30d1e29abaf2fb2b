"""The domain's messages of the search, the buyers' needs and the staff sign-in (issue 13): each is a
``courtcircuit.messages.Message`` that is still the French sentence it always was, and reads in
English through ``ui.i18n.said``. Then the pages in English through AppTest: a search with no
result (its hints translated one by one), a link that cannot be read (its notices) and a refused
need on the supplier page, each also in French."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from courtcircuit import edits, search_state
from courtcircuit.messages import Message
from courtcircuit.needs import DuplicateNeed, InvalidNeed, NeedDraft, NeedsUnavailable, validate
from courtcircuit.normalise import require_kind
from courtcircuit.normalise.coordinates import check_coordinates
from courtcircuit.record import Record, RejectRecord
from courtcircuit.search import Area, Filters, widen_hints
from courtcircuit.staff import guarded_check, hash_password
from courtcircuit.throttle import Throttle
from courtcircuit.workspace.needs import NeedStore
from courtcircuit.workspace.store import Store, StoreUnavailable
from tests.markdown_check import plain
from ui.i18n import said

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
AMBERT = {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320"}
SUPPLIER_AMBERT = {"mlieu": "Ambert", "mlat": "45.54901", "mlon": "3.74163"}
NOTHING = Filters(
    kinds=("marche",), channels=("amap",), labels=("ab",), products=("miel",), text="zzz", open_now=True,
    day=6, minute=180,
)  # fmt: skip


@pytest.fixture
def english(monkeypatch) -> None:
    monkeypatch.setattr("ui.i18n.current", lambda: "en")


def _need(**changes: str) -> NeedDraft:
    values = dict(
        store_kind="restaurant", place_label="Ambert", lat=45.549, lon=3.7416, product="oeufs",
        volume="200 douzaines", frequency="chaque semaine", constraints="", contact_name="Mme Martin",
        contact_email="achats@college.example",
    )  # fmt: skip
    return NeedDraft(**(values | changes))


def _refusal(draft: NeedDraft) -> list[str]:
    with pytest.raises(InvalidNeed) as refused:
        validate(draft)
    assert all(isinstance(p, Message) for p in refused.value.problems)
    return refused.value.problems


# ------------------------------------------------------------------ the search


def test_widen_hints_are_messages_in_both_languages(monkeypatch):
    hints = widen_hints(SimpleNamespace(total=0), Area(45.5, 3.7, 2.5), NOTHING)
    assert all(isinstance(h, Message) for h in hints)
    assert hints[0] == "élargir le rayon (actuellement 2.5 km)" and hints[-1] == "retirer le jour ou l'heure"
    assert [said(h) for h in hints] == list(hints)  # French by default
    monkeypatch.setattr("ui.i18n.current", lambda: "en")
    assert [said(h) for h in hints] == [
        "widening the radius (currently 2.5 km)",
        "removing the kind-of-place filter",
        "removing the way-of-selling filter",
        "removing the label filter",
        "removing the product filter",
        "clearing the text search",
        "unticking “open now”",
        "removing the day or the time",
    ]


URL = {
    "lat": "abc", "lon": "3.7", "rayon": "1000", "type": "xx,marche", "texte": "x" * 120, "ouvert": "peut-être",
    "jour": "dimanche2", "heure": "25h", "page": "deux", "fond": "satellite",
}  # fmt: skip
FRENCH_NOTICES = [
    "Position du lien illisible (lat/lon) : la recherche repart sans lieu.",
    "Rayon « 1000 » invalide (de 1 à 100 km) : 10 km retenus.",
    "Valeur inconnue ignorée pour « type » : xx.",
    "Texte recherché tronqué à 100 caractères.",
    "« ouvert=peut-être » non compris : filtre « ouvert maintenant » retiré.",
    "Jour « dimanche2 » inconnu : filtre retiré.",
    "Heure « 25h » illisible (format 09:30) : filtre retiré.",
    "Page « deux » invalide : retour à la première page.",
    "Fond de carte « satellite » inconnu : OpenStreetMap France retenu.",
]


def test_the_url_notices_are_the_same_french_sentences_and_read_in_english(english):
    _state, notices = search_state.parse(URL)
    assert notices == FRENCH_NOTICES
    assert all(isinstance(n, Message) for n in notices)
    assert [said(n) for n in notices] == [
        "The link's position (lat/lon) cannot be read: the search starts again without a place.",
        "Invalid radius “1000” (from 1 to 100 km): 10 km used.",
        "Unknown value ignored for “type”: xx.",
        "Search text cut to 100 characters.",
        "“ouvert=peut-être” not understood: “open now” filter removed.",
        "Unknown day “dimanche2”: filter removed.",
        "Time “25h” cannot be read (format 09:30): filter removed.",
        "Invalid page “deux”: back to the first page.",
        "Unknown base map “satellite”: OpenStreetMap France is used.",
    ]
    # What the link says stays as it was typed, braces too (values are not formatted again).
    _state, (odd,) = search_state.parse({"jour": "{day}"})
    assert said(odd) == "Unknown day “{day}”: filter removed."


# ------------------------------------------------------------------ the needs


def test_a_need_s_refusals_keep_their_french_and_read_in_english(english):
    problems = _refusal(
        _need(store_kind="x", product="", volume=" ", frequency="", contact_name="", contact_email="a b",
              contact_phone="12", lat=200.0, place_label="p" * 201)
    )  # fmt: skip
    assert problems == [
        "type d'établissement inconnu",
        "choisissez une famille de produits",
        "position de l'établissement invalide",
        "indiquez le volume",
        "indiquez la fréquence",
        "indiquez le nom du contact",
        "lieu : 200 caractères au plus",
        "adresse e-mail invalide : « a b »",
        "numéro de téléphone invalide : « 12 »",
    ]
    assert [said(p) for p in problems] == [
        "unknown kind of establishment",
        "choose a product family",
        "invalid position of the establishment",
        "enter the volume",
        "enter the frequency",
        "enter the contact name",
        "place: 200 characters at most",
        "invalid e-mail address: “a b”",
        "invalid phone number: “12”",
    ]
    (no_contact,) = _refusal(_need(contact_email=""))
    assert said(no_contact) == "leave an e-mail or a phone number so that you can be contacted"
    limits = _refusal(_need(contact_phone="0" * 31, public_contact="c" * 201, constraints="c" * 501))
    assert [said(p) for p in limits] == [
        "constraints: 500 characters at most",
        "phone: 30 characters at most",
        "published contact: 200 characters at most",
    ]


def test_the_needs_store_s_refusals_and_unavailability_read_in_english(english, tmp_path):
    assert [said(str(NeedsUnavailable(r))) for r in ("readonly", "busy", "broken")] == [
        "the register of needs is read-only on the server",
        "the register of needs is busy with another operation",
        "the register of needs is unavailable on the server",
    ]
    assert str(NeedsUnavailable("busy")) == "le registre des besoins est occupé par une autre opération"
    needs = NeedStore(f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    throttle = Throttle(tmp_path / "throttle.sqlite3")
    needs.submit(_need(), throttle=throttle, client="c1")
    with pytest.raises(DuplicateNeed) as duplicate:
        needs.submit(_need())
    assert said(duplicate.value.problems[0]) == (
        "this need is already recorded (awaiting approval or published): no need to send it again"
    )
    for n in range(4):
        needs.submit(_need(volume=f"{n} douzaines"), throttle=throttle, client="c1")
    with pytest.raises(InvalidNeed) as flood:
        needs.submit(_need(volume="trop"), throttle=throttle, client="c1")
    (too_many,) = flood.value.problems
    assert too_many.startswith("trop de besoins envoyés en une heure : réessayez dans ")
    assert said(too_many).startswith("too many needs sent in an hour: try again in ")
    assert said(too_many).endswith(" min")


# ------------------------------------------------------------------ the staff's words


def test_the_sign_in_s_refusals_and_the_store_s_failure_read_in_english(english, tmp_path):
    throttle = Throttle(tmp_path / "throttle.sqlite3")
    too_long = guarded_check("x" * 300, lambda: "", throttle, "c1", account="a").message
    assert too_long == "Mot de passe incorrect." and said(too_long) == "Incorrect password."
    with pytest.raises(ValueError) as short:
        hash_password("court")
    assert said(str(short.value)) == "the password must have at least 12 characters"
    with pytest.raises(StoreUnavailable) as unavailable:
        Store(f"sqlite:///{tmp_path}")  # a folder, not a database file
    french = str(unavailable.value)
    assert french.startswith("L'espace équipe est indisponible : la base de travail (")
    assert said(french).startswith("The staff space is unavailable: the workspace database (")


# ------------------------------------------------------------------ the pages, in English and French


def _open(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if page:
        at.switch_page(page)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def _lang(lang: str | None) -> dict[str, str]:
    return {"lang": lang} if lang else {}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "No place matches. Try widening the radius (currently 10 km); clearing the text search."),
        (None, "Aucun lieu ne correspond. Essayez d'élargir le rayon (actuellement 10 km) ; d'effacer la "
               "recherche par texte."),
    ],
)  # fmt: skip
def test_a_search_with_no_result(small_build, monkeypatch, lang, expected):
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(small_build.db))
    at = _open(**AMBERT, texte="introuvablezzz", **_lang(lang))
    assert expected in [plain(w.value) for w in at.warning]
    if lang:  # no French hint left over
        assert not any("élargir" in w.value or "Essayez" in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["The link's position (lat/lon) cannot be read: the search starts again without a place.",
                "Invalid radius “1000” (from 1 to 100 km): 10 km used.",
                "Unknown value ignored for “type”: xx."]),
        (None, ["Position du lien illisible (lat/lon) : la recherche repart sans lieu.",
                "Rayon « 1000 » invalide (de 1 à 100 km) : 10 km retenus.",
                "Valeur inconnue ignorée pour « type » : xx."]),
    ],
)  # fmt: skip
def test_a_link_that_cannot_be_read(small_build, monkeypatch, lang, expected):
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(small_build.db))
    at = _open(lat="abc", lon="3.7", rayon="1000", type="xx", **_lang(lang))
    shown = [plain(w.value) for w in at.warning]
    assert all(sentence in shown for sentence in expected), shown


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "The need is not saved: enter the volume ; enter the contact name ; invalid e-mail address: "
               "“<b>pas-une-adresse</b>”."),
        (None, "Le besoin n'est pas enregistré : indiquez le volume ; indiquez le nom du contact ; adresse "
               "e-mail invalide : « <b>pas-une-adresse</b> »."),
    ],
)  # fmt: skip
def test_a_refused_need(supplier_build, tmp_path, monkeypatch, lang, expected):
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(supplier_build.db))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    monkeypatch.delenv("COURT_CIRCUIT_STAFF_PASSWORD_HASH", raising=False)
    at = _open("pages/fournisseurs.py", **SUPPLIER_AMBERT, **_lang(lang))
    at.text_input(key="cp_need_frequency").input("chaque semaine")
    at.text_input(key="cp_need_email").input("<b>pas-une-adresse</b>")  # data stays escaped Markdown
    next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:cp_need-")).click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert expected in [plain(e) for e in errors], errors
    assert not any("<b>" in e for e in errors)  # shown as text, not as HTML


# ------------------------------------------------------------------ the ETL's reasons (staff form, import wizard)


def test_the_etl_s_reasons_with_values_read_in_english(english, communes):
    changes = {"phone": "12", "email": "a b", "website": "pas un site", "commune_insee": "99999", "name": "x"}
    check = edits.validate_edit({"kind": "producteur"}, changes, communes)
    assert check.errors["phone"] == "Numéro de téléphone invalide : « 12 »"  # the French, capitalised
    assert {field: said(why) for field, why in check.errors.items()} == {
        "phone": "Invalid phone number: “12”",
        "email": "Invalid e-mail address: “a b”",
        "website": "Invalid website: “pas un site”",
        "commune_insee": "Place not found: neither coordinates nor commune",
    }
    rec = Record(source="test", ref="1", name="Ferme", kind="zzz")
    with pytest.raises(RejectRecord) as refused:
        require_kind(rec)
    assert refused.value.reason == "type de lieu inconnu : « zzz »"
    assert said(str(refused.value)) == "unknown kind of place: “zzz”"
    rec = Record(source="test", ref="2", name="Ferme", kind="ferme", lat=30.0, lon=60.0)
    check_coordinates(rec)
    (issue,) = rec.issues
    assert issue.reason == "point hors de France (30, 60) : coordonnées ignorées"
    assert said(issue.reason) == "point outside France (30, 60): coordinates ignored"
