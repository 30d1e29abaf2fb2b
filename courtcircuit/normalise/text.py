"""Text clean-up: whitespace, control and invisible characters, HTML and template syntax."""

from __future__ import annotations

import html
import re
import sys
import unicodedata

from courtcircuit.messages import Message
from courtcircuit.record import Record, RejectRecord

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
# A tag, a script URL or an event handler: what a browser could run if a page forgot to escape.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript:|\bon[a-z]+\s*=", re.IGNORECASE)

# Invisible characters that change what a text matches or how it reads, not what it says:
# zero-width space / joiners, word joiner, BOM (a search for "Ferme du Bois" misses
# "Fer\u200bme du Bois"), and bidi embeddings, overrides and isolates (U+202E shows
# "Ferme" as "emreF" and can hide a word inside a name).
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
# Jinja's delimiters: harmless as text, but run as code wherever a page renders data
# through a template twice (issue 8). The text is kept, since "{" is legitimate; staff see a note.
_TEMPLATE = re.compile(r"\{\{|\{%|\{#")

TEXT_FIELDS = (
    "name", "description", "street", "city", "postcode", "volumes", "delivery_frequency",
    "opening_hours_text", "sanitary_approval",
)  # fmt: skip
# Fields whose texts repeat from record to record ("Place du Marché", "samedi 9h-12h30"): each
# distinct text is kept once, not once per record (a 10^6-row build holds them all at once).
_SHARED_FIELDS = frozenset(
    ("street", "city", "postcode", "volumes", "delivery_frequency", "opening_hours_text", "sanitary_approval")
)
# Longer texts are cut with a note: a 5,000-character name is an error or an attack, never a name.
MAX_CHARS = {"name": 200, "description": 5000}
MAX_OTHER_CHARS = 500


def clean(value: str | None) -> str | None:
    """NFC, no control characters, single spaces; empty → None."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", str(value))
    value = _CONTROL.sub("", value)
    lines = [_SPACES.sub(" ", line).strip() for line in value.splitlines()]
    value = "\n".join(line for line in lines if line)
    return value or None


def has_markup(value: str) -> bool:
    return bool(_MARKUP.search(html.unescape(value)))


def strip_invisible(value: str) -> str:
    return _INVISIBLE.sub("", value)


def has_template_syntax(value: str) -> bool:
    return bool(_TEMPLATE.search(value))


def clean_text_fields(rec: Record) -> None:
    for name in TEXT_FIELDS:
        value = clean(getattr(rec, name))
        if value is not None and _INVISIBLE.search(value):
            found = sorted({f"U+{ord(c):04X}" for c in _INVISIBLE.findall(value)})
            rec.note(
                name, value[:200], Message("caractères invisibles retirés ({found})", found=", ".join(found))
            )
            value = clean(strip_invisible(value))
        if value is not None and has_template_syntax(value):
            rec.note(
                name,
                value[:200],
                "syntaxe de gabarit ({{ }}, {% %} ou {# #}) dans le texte : gardé comme texte, à vérifier",
            )
        limit = MAX_CHARS.get(name, MAX_OTHER_CHARS)
        if value is not None and len(value) > limit:
            rec.note(
                name,
                value[:200],
                Message("texte de {n} caractères coupé à {limit}", n=len(value), limit=limit),
            )
            value = value[: limit - 1].rstrip() + "…"
        if value is not None and name in _SHARED_FIELDS:
            value = sys.intern(value)
        setattr(rec, name, value)
    if rec.name:
        rec.name = rec.name.replace("\n", " ")


def require_name(rec: Record) -> None:
    if not rec.name:
        raise RejectRecord("nom manquant : une fiche sans nom ne peut pas être publiée", "name")
    if has_markup(rec.name):
        raise RejectRecord(
            Message("le nom contient du balisage HTML ou du script : « {name} »", name=rec.name[:80]), "name"
        )
