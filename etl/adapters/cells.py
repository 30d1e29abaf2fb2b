"""Parsing the cells of partners' tables: yes/no, numbers, dates, vocabulary codes, and names
of linked places. A value that cannot be read becomes a note on the record, never an error."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime

from courtcircuit.normalise.terms import match_codes
from courtcircuit.record import OutletRef, Record
from courtcircuit.value_mapping import yes_no
from courtcircuit.vocab import Vocabulary


def parse_bool(rec: Record, field_name: str, value: str | None) -> bool | None:
    if not value:
        return None
    try:
        return yes_no(value)
    except ValueError as err:
        rec.note(field_name, value, str(err))
        return None


def parse_float(rec: Record, field_name: str, value: str | None) -> float | None:
    if not value:
        return None
    if isinstance(value, str):
        try:
            return float(value)  # the usual cell, "43.094376", needs none of the clean-up below
        except ValueError:
            pass
    text = re.sub(r"\s|km|kilom[eè]tres?", "", value, flags=re.IGNORECASE).replace(",", ".")
    try:
        return float(text)
    except ValueError:
        rec.note(field_name, value, f"nombre non compris : « {value} »")
        return None


def parse_date(rec: Record, field_name: str, value: str | None) -> date | None:
    if not value:
        return None
    found = read_date(value)
    if found is None:
        rec.note(field_name, value, f"date non comprise : « {value} » (attendu JJ/MM/AAAA)")
    return found


@functools.lru_cache(maxsize=1 << 14)
def read_date(value: str) -> date | None:
    """The date a cell gives (2024-01-27, 27/01/2024, 27/01/24, 27-01-2024, 27.01.2024), or None.

    Cached: strptime is slow and a file repeats its dates."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value.strip()[:10], fmt).date()
        except ValueError:
            continue
    return None


def parse_codes(rec: Record, field_name: str, value: str | None, vocabulary: Vocabulary) -> list[str]:
    """Codes of a multi-valued cell, values read on their words (courtcircuit/vocab_match.py)."""
    return match_codes(rec, field_name, value, vocabulary)


def parse_term(rec: Record, field_name: str, value: str | None, vocabulary: Vocabulary) -> str | None:
    """The code of one vocabulary value, or None with a note when not understood."""
    if not value:
        return None
    term = vocabulary.lookup(value)
    if term is None:
        rec.note(field_name, value, f"valeur inconnue du vocabulaire « {vocabulary.name} » : « {value} »")
        return None
    return term.code


def parse_names(value: str | None, kind: str | None = None, days: str | None = None) -> list[OutletRef]:
    return [OutletRef(name.strip(), kind, days) for name in re.split(r"[|\n]", value or "") if name.strip()]
