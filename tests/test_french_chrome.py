"""ui/french.py: the script that puts Streamlit's own interface words in French (the browser
scan of every page is tests/test_browser_french.py)."""

from __future__ import annotations

import json
import re

import pytest

from ui.french import FRENCH, FRENCH_FRAGMENTS, FRENCH_PATTERNS, script


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
    assert as_the_script_does(english) == french


def as_the_script_does(text: str) -> str | None:
    """The script's replacement, in Python: JavaScript's $1 is Python's \\1; the first pattern
    that matches, then every fragment once (JavaScript's replace without /g)."""

    def py(to: str) -> str:
        return re.sub(r"\$(\d)", r"\\\1", to)

    for pattern, to in FRENCH_PATTERNS:
        if re.match(pattern, text):
            out = re.sub(pattern, py(to), text)
            for part, part_to in FRENCH_FRAGMENTS:
                out = re.sub(part, py(part_to), out, count=1)
            return out
    return None


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("X-axis titled '% de la population à plus de 10 km' for a linear scale with values from 0 to 100",
         "Axe X « % de la population à plus de 10 km », échelle linéaire, valeurs de 0 à 100"),
        ("Y-axis for a discrete scale with 4 values: Marché, AMAP / paniers",
         "Axe Y, échelle discrète, 4 valeurs : Marché, AMAP / paniers"),
        ("Symbol legend titled 'Distance' for fill color with 5 values: moins de 5 km, plus de 40 km",
         "Légende « Distance », 5 valeurs : moins de 5 km, plus de 40 km"),
        ("Rect mark container", "Éléments du graphique"),
    ],
)  # fmt: skip
def test_vega_s_chart_descriptions_read_in_french(english, french):
    assert as_the_script_does(english) == french


def test_no_translation_is_still_english():
    assert all(fr != en and "Select" not in fr for en, fr in FRENCH.items())
