"""How commune names and postcodes are normalised to be looked up."""

from __future__ import annotations

import re

from courtcircuit.vocab import fold

ARTICLES = frozenset({"l", "le", "la", "les"})
_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# First arrondissement code minus one, and number of arrondissements.
ARRONDISSEMENTS = {"paris": (75100, 20), "lyon": (69380, 9), "marseille": (13200, 16)}
ARRONDISSEMENT_RE = re.compile(
    r"^(paris|lyon|marseille) 0?(\d{1,2}) ?(?:e|er|eme|ieme|em|re)?(?: (?:arrondissement|arrt|arr))?$"
)


def commune_key(text: str) -> str:
    """Normalised name: accents, case, punctuation, 'St'/'Ste', CEDEX and postcodes removed."""
    words = re.sub(r"\b\d{4,5}\b|\bcedex\b( \d{1,3}\b)?", " ", fold(text)).split()
    return " ".join(_SAINTS.get(w, w) for w in words)


def without_articles(key: str) -> str:
    return " ".join(w for w in key.split() if w not in ARTICLES)


def find_postcode(text: str | None) -> str | None:
    """First postcode in a free text; 4 digits are padded (spreadsheets drop the leading zero)."""
    match = re.search(r"(?<!\d)(\d{5}|\d{4})(?!\d)", text or "")
    return match.group(1).zfill(5) if match else None


def postcode_departements(postcode: str) -> tuple[str, ...]:
    if postcode.startswith("20"):  # Corsica: 200xx-201xx is mostly 2A, but the split is not exact
        return ("2A", "2B")
    if postcode.startswith(("97", "98")):
        return (postcode[:3],)
    return (postcode[:2],)
