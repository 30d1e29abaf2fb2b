"""ui/french.py: the script that puts Streamlit's own interface words in French (the browser
scan of every page is tests/test_browser_french.py)."""

from __future__ import annotations

import json
import re

import pytest

from ui.french import FRENCH, FRENCH_PATTERNS, script


def test_the_script_declares_the_page_s_language():
    assert 'documentElement.lang = "fr"' in script("fr")
    assert 'documentElement.lang = "en"' in script("en")


def test_only_a_known_language_reaches_the_script():
    with pytest.raises(ValueError, match="langue inconnue"):
        script('fr"; alert(1); "')


def test_the_tables_reach_the_script_as_json():
    text = script()
    assert json.dumps(FRENCH, ensure_ascii=False) in text
    assert "__EXACT__" not in text and "__PATTERNS__" not in text and "__LANG__" not in text


@pytest.mark.parametrize(
    ("english", "french"),
    [("Help for Distance (km)", "Aide : Distance (km)"), ("Remove Œufs", "Retirer Œufs"),
     ("Select 12 matches", "Sélectionner les 12 résultats")],
)  # fmt: skip
def test_patterns_keep_the_varying_part(english, french):
    # The script applies them with JavaScript's replace, whose $1 is Python's \1.
    for pattern, replacement in FRENCH_PATTERNS:
        if re.match(pattern, english):
            assert re.sub(pattern, replacement.replace("$1", r"\1"), english) == french
            return
    pytest.fail(f"no pattern for {english!r}")


def test_no_translation_is_still_english():
    assert all(fr != en and "Select" not in fr for en, fr in FRENCH.items())
