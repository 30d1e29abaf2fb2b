"""Elision in written French: « de » before a name or a verb (ui/french.py is another matter:
Streamlit's own chrome in French).

"à moins de 10 km de Ambert" and "Essayez de élargir" read as mistakes to a French reader:
« de » elides before a vowel (d'Ambert, d'Éric, d'élargir), and contracts with the articles
le and les (du Puy-en-Velay, des Martres-de-Veyre). « La » and « L' » stay (de La Chaise-Dieu).
"""

from __future__ import annotations

import unicodedata

_VOWELS = frozenset("aeiouy")
_LIGATURES = {"œ": "o", "æ": "a"}  # NFKD keeps them whole: d'Œting, d'Œuilly


def _first_letter(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lstrip()[:1])
    return _LIGATURES.get(decomposed[:1].lower(), decomposed[:1].lower())


def de(text: str) -> str:
    """« de » joined to ``text`` as French writes it.

    >>> de("Ambert (63600)"), de("Éric Jarrige"), de("élargir le rayon")
    ("d'Ambert (63600)", "d'Éric Jarrige", "d'élargir le rayon")
    >>> de("Le Puy-en-Velay (43000)"), de("Les Martres-de-Veyre (63730)"), de("La Chaise-Dieu")
    ('du Puy-en-Velay (43000)', 'des Martres-de-Veyre (63730)', 'de La Chaise-Dieu')

    A word starting with h keeps « de »: whether its h is mute (d'Hauterive?) cannot be told
    from the spelling, and « de Hauterive » reads better than a wrong elision.
    """
    text = text.strip()
    lowered = text.lower()
    if lowered.startswith("le "):
        return "du " + text[3:]
    if lowered.startswith("les "):
        return "des " + text[4:]
    if _first_letter(text) in _VOWELS:
        return "d'" + text
    return "de " + text
