"""The translation layer (ui/i18n.py): every text the code wraps in _() or N_() has its English
translation in the catalogue with the same named values, the URL's ?lang=en switches the menu
and the pages that go through the layer, and French stays the default."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from ui.i18n import catalogue_files

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
PLACEHOLDER = re.compile(r"{(\w+)[^}]*}")


# The interface wraps its text in _() or N_(); the domain marks its templates with Message() or
# N_() (courtcircuit/messages.py), which ui.i18n.said translates.
MARKED = {
    "ui": {"_": None, "N_": None},
    "pages": {"_": None, "N_": None},
    "courtcircuit": {"N_": None, "Message": None},
}


def wrapped() -> set[str]:
    found = set()
    for folder, keywords in MARKED.items():
        for _file, _line, message, _comments, _context in extract_from_dir(
            REPO / folder, keywords=keywords, comment_tags=()
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def english() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in catalogue_files("en"):
        with path.open("rb") as handle:
            for m in read_po(handle):
                if m.id and m.string:
                    found.setdefault(m.id, m.string)
    return found


def test_every_wrapped_text_has_an_english_translation_with_the_same_values() -> None:
    texts, catalogue = wrapped(), english()
    assert len(texts) > 40
    untranslated = sorted(t for t in texts if not catalogue.get(t))
    assert untranslated == [], "run `make i18n` and translate these in locale/en/LC_MESSAGES/messages.po"
    for text in texts:
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(catalogue[text])), text


def open_page(path: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(path)
    at.query_params.update(params)
    return at.run()


def test_lang_en_switches_the_menu_and_the_gaps_page(demo_db, monkeypatch) -> None:
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(demo_db))
    french = open_page("pages/manques.py", {"dep": "63"})
    assert not french.exception, french.exception
    assert french.title[0].value == "Où manque-t-il des circuits courts ?"
    at = open_page("pages/manques.py", {"dep": "63", "lang": "en"})
    assert not at.exception, at.exception
    assert at.title[0].value == "Where is local food missing?"
    assert at.selectbox(key="gaps_dep").label == "Département"
    shares = next(d.value for d in at.dataframe if "Share of the population" in d.value.columns)
    assert list(shares["Access"])[:2] == ["Farm shop or producers' shop", "Market"]
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"  # kept in the URL


def test_the_sidebar_switch_changes_the_language_and_the_url(demo_db, monkeypatch) -> None:
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(demo_db))
    at = open_page("pages/donnees.py", {"lang": "en"})
    assert not at.exception, at.exception
    switch = at.sidebar.radio(key="cc_lang_switch")
    assert switch.value == "en"
    switch.set_value("fr").run()
    assert not at.exception, at.exception
    assert "lang" not in at.query_params and at.session_state["cc_lang"] == "fr"
    at.sidebar.radio(key="cc_lang_switch").set_value("en").run()
    assert at.query_params["lang"] in ("en", ["en"])


def test_the_accessibility_statement_in_both_languages(demo_db, monkeypatch) -> None:
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(demo_db))
    french = open_page("pages/accessibilite.py", {})
    assert french.title[0].value == "Déclaration d'accessibilité"
    assert any("partiellement conforme" in m.value for m in french.markdown)
    assert any("Défenseur des droits" in m.value for m in french.markdown)
    english = open_page("pages/accessibilite.py", {"lang": "en"})
    assert english.title[0].value == "Accessibility statement"
    assert english.subheader[0].value == "Compliance status"
