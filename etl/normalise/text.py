"""Text clean-up: whitespace, control characters, HTML where a plain name is expected."""

from __future__ import annotations

import html
import re
import unicodedata

from etl.record import Record, RejectRecord

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
# A tag, a script URL or an event handler: what a browser could run if a page forgot to escape.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript:|\bon[a-z]+\s*=", re.IGNORECASE)

TEXT_FIELDS = ("name", "description", "street", "city", "postcode", "volumes", "delivery_frequency")


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


def clean_text_fields(rec: Record) -> None:
    for name in TEXT_FIELDS:
        setattr(rec, name, clean(getattr(rec, name)))
    if rec.name:
        rec.name = rec.name.replace("\n", " ")


def require_name(rec: Record) -> None:
    if not rec.name:
        raise RejectRecord("nom manquant : une fiche sans nom ne peut pas être publiée", "name")
    if has_markup(rec.name):
        raise RejectRecord(f"le nom contient du balisage HTML ou du script : « {rec.name[:80]} »", "name")
