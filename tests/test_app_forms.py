"""Text that is not ours, shown as text (Markdown injection), and the forms' limits, through AppTest.

Every element whose visible text holds a planted payload must hold it as inert Markdown: no
link, image, autolink, HTML, directive, code or maths (tests/markdown_check.py reads the
source as CommonMark + GFM + Streamlit would). Payloads come from the URL, from a source's
label, from a description and from a buyer's need.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from courtcircuit.db import connect
from courtcircuit.needs import LIMITS, PER_CLIENT_PER_HOUR
from courtcircuit.staff import ENV_VAR
from courtcircuit.workspace import accounts
from courtcircuit.workspace.needs import NeedStore
from courtcircuit.workspace.store import Store
from tests.markdown_check import active_markdown, plain
from tests.test_needs import DRAFT

APP = str(Path(__file__).resolve().parents[1] / "app.py")
AMBERT = {"mlieu": "Ambert (63600)", "mlat": "45.54901", "mlon": "3.74320"}
PASSWORD = "un mot de passe de test"
# Constructs that would change what a visitor sees or loads; emphasis is left out because our
# own templates use bold around escaped text.
HARMFUL = {"link or image", "reference link", "autolink or HTML", "directive", "material icon",
           "emoji shortcode", "code", "maths", "literal autolink", "HTML entity"}  # fmt: skip


def sources_of(at: AppTest) -> list[str]:
    """The Markdown source of every element and label AppTest can see."""
    out = [e.value for kind in ("markdown", "caption", "warning", "info", "error", "success",
                                "title", "header", "subheader") for e in getattr(at, kind)]  # fmt: skip
    out += [p.proto.label for p in at.get("page_link")]
    out += [b.label for b in at.button] + [t.label for t in at.tabs] + [e.label for e in at.expander]
    return [s for s in out if isinstance(s, str)]


def assert_shown_as_text(at: AppTest, payload: str) -> None:
    wanted = " ".join(payload.split())
    holding = [s for s in sources_of(at) if wanted in plain(s)]
    assert holding, f"{payload!r} is not shown: {sources_of(at)}"
    for source in holding:
        harmful = HARMFUL & set(active_markdown(source))
        assert not harmful, (source, harmful)


@pytest.fixture(scope="module")
def labelled_db(tmp_path_factory, supplier_build) -> Path:
    """The supplier directory with hostile text in a source's label and a description."""
    db = tmp_path_factory.mktemp("labelled") / "labelled.duckdb"
    shutil.copyfile(supplier_build.db, db)
    con = connect(db, read_only=False)
    try:
        con.execute("UPDATE sources SET label = ?", [LABEL])
        (listing_id,) = con.execute("SELECT id FROM listings ORDER BY id LIMIT 1").fetchone()
        con.execute("UPDATE listings SET description = ? WHERE id = ?", [DESCRIPTION, listing_id])
    finally:
        con.close()
    return db


LABEL = "Source [Connexion](//ev.il) ![](//ev.il/p.png)"
DESCRIPTION = "Voir https://ev.il/promo, www.ev.il ou contact@ev.il :red[**ALERTE**] <b>x</b>"


@pytest.fixture
def env(labelled_db, tmp_path, monkeypatch) -> str:
    """The pages' environment; the workspace store's URL (its needs, and the throttle beside it)."""
    url = f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(labelled_db))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", url)
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv("COURT_CIRCUIT_THROTTLE_DB", raising=False)
    return url


def open_page(page: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(page)
    at.query_params.update(params or {})
    at.run()
    assert not at.exception, at.exception
    return at


# ------------------------------------------------------------------ Markdown injection


@pytest.mark.parametrize(
    ("page", "params", "payload"),
    [
        ("pages/fournisseurs.py", {"etab": "[Connexion](//ev.il)"}, "[Connexion](//ev.il)"),
        ("pages/fournisseurs.py", {"produit": "![](//host/img)"}, "![](//host/img)"),
        ("pages/fournisseurs.py", {"km": "<img src=//ev.il/x>"}, "<img src=//ev.il/x>"),
        ("pages/recherche.py", {"produit": "![](//host/img)"}, "![](//host/img)"),
        ("pages/recherche.py", {"jour": ":red[**ALERTE**]"}, ":red[**ALERTE**]"),
        ("pages/recherche.py", {"rayon": "https://ev.il"}, "https://ev.il"),
        ("pages/recherche.py", {"fond": ":material/warning:"}, ":material/warning:"),
        ("pages/recherche.py", {"type": "`$x$`"}, "`$x$`"),
    ],
)
def test_url_text_in_notices_is_shown_as_text(env, page, params, payload):
    at = open_page(page, params)
    assert at.warning, "a malformed value gives a notice"
    assert_shown_as_text(at, payload)


def test_a_typed_place_is_echoed_as_text(env):
    at = open_page("pages/fournisseurs.py")
    at.text_input(key="cp_lieu").input("[Connexion](//ev.il) zzz").run()
    assert_shown_as_text(at, "[Connexion](//ev.il) zzz")


@pytest.mark.parametrize("page", ["pages/recherche.py", "pages/fournisseurs.py", "pages/annuaire.py"])
def test_source_labels_in_the_credits_are_text(env, page):
    at = open_page(page)
    assert_shown_as_text(at, LABEL)


def test_urls_in_a_description_do_not_become_links(env, labelled_db):
    with connect(labelled_db) as con:
        (listing_id,) = con.execute("SELECT id FROM listings WHERE description = ?", [DESCRIPTION]).fetchone()
    at = open_page("pages/fiche.py", {"id": listing_id})
    assert_shown_as_text(at, DESCRIPTION)
    assert_shown_as_text(at, LABEL)  # the sources at the bottom of the listing


def test_the_checker_sees_what_escaping_prevents(env):
    """The checks above can fail: the same payloads unescaped are caught."""
    for payload in ("[Connexion](//ev.il)", "![](//host/img)", ":red[**ALERTE**]", DESCRIPTION, LABEL):
        assert HARMFUL & set(active_markdown(payload)), payload


# ------------------------------------------------------------------ the needs form


def fill(at: AppTest, **values: str) -> AppTest:
    boxes = {t.label: t for t in at.text_input}
    names = {"volume": "Volume recherché", "frequency": "Fréquence", "public": "Contact à publier (facultatif)",
             "name": "Nom du contact", "email": "E-mail", "phone": "Téléphone"}  # fmt: skip
    for field, label in names.items():
        boxes[label].input(values.get(field, ""))
    return at.button(key="FormSubmitter:cp_need-Envoyer pour validation").click().run()


@pytest.fixture
def ambert(env) -> AppTest:
    return open_page("pages/fournisseurs.py", AMBERT)


def test_the_form_says_what_is_public_and_links_the_privacy_page(ambert):
    boxes = {t.label: t for t in ambert.text_input}
    assert boxes["Volume recherché"].max_chars == LIMITS["volume"]
    assert boxes["Contact à publier (facultatif)"].max_chars == LIMITS["public_contact"]
    assert boxes["Nom du contact"].max_chars == LIMITS["contact_name"]
    assert boxes["E-mail"].max_chars == LIMITS["contact_email"]
    assert boxes["Téléphone"].max_chars == LIMITS["contact_phone"]
    (area,) = [t for t in ambert.text_area if t.label == "Contraintes de livraison"]
    assert area.max_chars == LIMITS["constraints"]
    notice = " ".join(i.value for i in ambert.info)
    assert "affiché à tous avec le contact publié" in notice
    assert "ni votre nom, ni votre e-mail, ni votre téléphone" in notice
    assert any(
        p.proto.page == "pages/donnees.py" or "donnees" in p.proto.page for p in ambert.get("page_link")
    )


def test_a_published_need_shows_only_the_public_contact(ambert, env):
    fill(ambert, volume="50 kg", frequency="par mois", public="[achats](//ev.il) standard",
         name="Claire Martin", email="claire.martin@example.fr", phone="06 12 34 56 78")  # fmt: skip
    assert not ambert.exception
    store = NeedStore(env)
    (need,) = store.list()
    store.review(need.id, "accepted")
    ambert.run()
    shown = " ".join(plain(s) for s in sources_of(ambert))
    assert "[achats](//ev.il) standard" in shown
    assert "Claire Martin" not in shown and "claire.martin" not in shown and "612345678" not in shown
    assert_shown_as_text(ambert, "[achats](//ev.il) standard")


def test_the_same_need_twice_is_refused_with_a_message(ambert, env):
    for _ in range(2):
        fill(ambert, volume="50 kg", frequency="par mois", name="Claire", email="c@example.fr")
    assert any("déjà enregistré" in plain(e.value) for e in ambert.error)
    assert len(NeedStore(env).list()) == 1


def test_a_client_is_limited_per_hour(ambert, env):
    for i in range(PER_CLIENT_PER_HOUR + 1):
        fill(ambert, volume=f"{i + 1} kg", frequency="par mois", name="Claire", email="c@example.fr")
    assert any("trop de besoins envoyés en une heure" in plain(e.value) for e in ambert.error), [
        e.value for e in ambert.error
    ] + [s.value for s in ambert.success]
    assert len(NeedStore(env).list()) == PER_CLIENT_PER_HOUR


# ------------------------------------------------------------------ staff


MODERATOR = "modo@parc.example"
LOGIN = "FormSubmitter:staff_login-Se connecter"


def moderator_account(monkeypatch, tmp_path: Path) -> None:
    """A personal moderator account in a private workspace store (no shared password any more)."""
    url = f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", url)
    accounts.add_account(Store(url), MODERATOR, "moderator", PASSWORD)


def sign_in(at: AppTest, password: str) -> None:
    at.text_input(key="staff_login_email").input(MODERATOR)
    at.text_input(key="staff_login_password").input(password)
    at.button(key=LOGIN).click().run()


def signed_in(monkeypatch, tmp_path: Path) -> AppTest:
    moderator_account(monkeypatch, tmp_path)
    at = open_page("pages/equipe.py")
    sign_in(at, PASSWORD)
    assert not at.exception
    return at


def test_staff_sign_in_slows_down_after_failures(env, monkeypatch, tmp_path):
    moderator_account(monkeypatch, tmp_path)
    at = open_page("pages/equipe.py")
    assert at.text_input(key="staff_login_password").max_chars == 256
    messages = []
    for i in range(5):
        sign_in(at, f"faux {i}")
        messages.append(at.error[0].value)
    assert messages[:3] == ["E-mail ou mot de passe incorrect."] * 3
    assert all("réessayez dans" in m for m in messages[3:])
    sign_in(at, PASSWORD)
    assert not any(s.value.startswith("À valider") for s in at.subheader)  # must wait, even right


def test_staff_publish_500_needs_in_one_go(env, monkeypatch, tmp_path):
    store = NeedStore(env)
    for i in range(500):
        store.submit(replace(DRAFT, volume=f"{i + 1} douzaines", public_contact="achats@magasin.example.fr"))
    at = signed_in(monkeypatch, tmp_path)
    assert "À valider (500)" in [s.value for s in at.subheader]
    assert len([b for b in at.button if b.label == "Publier"]) == 20  # not 500 cards
    started = time.perf_counter()
    at.button(key="staff_all").click().run()
    at.button(key="staff_accept_selected").click().run()
    assert not at.exception
    assert len(store.public()) == 500 and store.list("pending") == []
    assert "À valider (0)" in [s.value for s in at.subheader]
    assert time.perf_counter() - started < 30  # two clicks, not 500


def test_staff_see_both_contacts_and_can_erase_a_need(env, monkeypatch, tmp_path):
    store = NeedStore(env)
    number = store.submit(replace(DRAFT, public_contact="standard 04 73 00 00 00"))
    at = signed_in(monkeypatch, tmp_path)
    captions = [plain(c.value) for c in at.caption]
    assert "Contact publié : standard 04 73 00 00 00" in captions
    assert any(c.startswith("Contact (équipe seulement) : Claire Martin") for c in captions)
    at.button(key=f"reject_{number}").click().run()
    at.multiselect(key="staff_erase").select(number).run()
    at.button(key="staff_erase_button").click().run()
    assert not at.exception
    assert store.list() == []


# ------------------------------------------------------------------ privacy page


def test_the_privacy_page_says_what_why_how_long_and_how_to_ask(env):
    at = open_page("pages/donnees.py")
    assert at.title[0].value == "Données personnelles"
    text = " ".join(m.value for m in at.markdown)
    for words in ("Pourquoi", "Durée", "retirer", "CNIL", "jamais affichés au public"):
        assert words in text, words
