"""Vocabulary cells into a record: products, labels, channels and yes/no columns.

The partner's own choices (`[values.*]`, `[flags]` in its mapping) come first; then the value
is matched on its words (courtcircuit/vocab_match.py). Every value read otherwise than exactly
is noted on the record, so staff see what was understood: a value understood with words to
spare ("AOP Comté") keeps those words in the description, and a value naming two terms equally
is left out with the candidates, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping

from courtcircuit.messages import N_, Message
from courtcircuit.record import Record
from courtcircuit.value_mapping import NO_CHOICES, VALUE_FIELDS, ValueMapping, yes_no
from courtcircuit.vocab import Vocabulary
from courtcircuit.vocab_match import Match, match_cell, match_value

# Words left over in one list field are tried on the other: "Label Rouge volailles" is a label
# and a product family, "Légumes bio" a product family and a label.
NEIGHBOUR = {"labels": "products", "products": "labels"}
# How the description introduces the words kept from a field.
TITLES = {"products": "Produits", "labels": "Signes de qualité", "channels": "Circuits de vente"}
# The neighbour a note names (TITLES in lower case, marked for the catalogue: notes are translated).
_NEIGHBOUR_WORDS = {"products": N_("produits"), "labels": N_("signes de qualité")}


# (id of the vocabulary, cell text) → (the vocabulary, what the cell names): a national file has
# 10^6 cells but few distinct texts ("Vente à la ferme"). The vocabulary is kept so its id stays its own.
_MATCHES: dict[tuple[int, str], tuple[Vocabulary, tuple[Match, ...]]] = {}
_MATCHES_MAX = 1 << 16


def _cell_matches(text: str, vocabulary: Vocabulary) -> tuple[Match, ...]:
    """`match_cell`, remembered by text (its matches are frozen, so they can be shared)."""
    key = (id(vocabulary), text)
    known = _MATCHES.get(key)
    if known is None or known[0] is not vocabulary:
        if len(_MATCHES) >= _MATCHES_MAX:
            _MATCHES.clear()
        known = _MATCHES[key] = (vocabulary, tuple(match_cell(text, vocabulary)))
    return known[1]


def _add(rec: Record, field_name: str, codes: tuple[str, ...] | list[str]) -> None:
    current: list[str] = getattr(rec, field_name)
    current += [c for c in codes if c not in current]


def _labels(vocabulary: Vocabulary, codes: tuple[str, ...], joiner: str = " ou ") -> str:
    return joiner.join(f"« {vocabulary.label(c)} »" for c in codes)


def _unknown(rec: Record, field_name: str, found: Match, vocabulary: Vocabulary) -> None:
    if found.ambiguous:
        said = Message(
            "valeur ambiguë pour « {vocabulary} » : « {value} » peut être {options} ; non retenue, à préciser "
            "dans [values.{field}] de la correspondance",
            vocabulary=vocabulary.name,
            value=found.value,
            options=_labels(vocabulary, found.candidates),
            field=field_name,
        )
    elif found.candidates:
        said = Message(
            "valeur inconnue du vocabulaire « {vocabulary} » : « {value} » (proche : {options})",
            vocabulary=vocabulary.name,
            value=found.value,
            options=_labels(vocabulary, found.candidates[:3]),
        )
    else:
        said = Message(
            "valeur inconnue du vocabulaire « {vocabulary} » : « {value} »",
            vocabulary=vocabulary.name,
            value=found.value,
        )
    rec.note(field_name, found.value, said)


def _understood(rec: Record, field_name: str, found: Match, vocabulary: Vocabulary) -> list[str]:
    """Record the terms of a value read on its words; the words that still name nothing."""
    _add(rec, field_name, found.terms)
    read = {"value": found.value, "terms": _labels(vocabulary, found.terms, " et ")}
    said = Message("« {value} » lu comme {terms}", **read)
    rest = list(found.leftover)
    neighbour = NEIGHBOUR.get(field_name)
    if neighbour and rest:
        other = match_value(" ".join(rest), VALUE_FIELDS[neighbour])
        if other.known:
            _add(rec, neighbour, other.terms)
            read |= {"other": Message(_NEIGHBOUR_WORDS[neighbour]),
                     "other_terms": _labels(VALUE_FIELDS[neighbour], other.terms, ", ")}  # fmt: skip
            said = Message("« {value} » lu comme {terms}, et {other} {other_terms}", **read)
            rest = list(other.leftover)
    if rest:
        said = Message(
            "{read} ; « {rest} » hors vocabulaire : la valeur est gardée dans la description",
            read=said,
            rest=" ".join(rest),
        )
    rec.note(field_name, found.value, said)
    return rest


def match_codes(rec: Record, field_name: str, text: str | None, vocabulary: Vocabulary) -> list[str]:
    """The codes a multi-valued cell names in any vocabulary, each value not read exactly noted.

    For sources without a mapping (AMAP and market lists); `read_terms` does more for mapped ones.
    """
    codes: list[str] = []
    for found in _cell_matches(text, vocabulary):
        if not found.known:
            _unknown(rec, field_name, found, vocabulary)
            continue
        codes += [c for c in found.terms if c not in codes]
        if not found.exact:
            rec.note(
                field_name,
                found.value,
                Message(
                    "« {value} » lu comme {terms}",
                    value=found.value,
                    terms=_labels(vocabulary, found.terms, " et "),
                ),
            )
    return codes


def read_terms(rec: Record, field_name: str, text: str | None, choices: ValueMapping = NO_CHOICES) -> None:
    """Add the codes a multi-valued cell names to `rec.<field_name>` (products, labels or
    channels), noting every value not read exactly; the value's words that name no term go
    to the description ("AOP Comté" → AOP, "Comté" kept)."""
    if not text or not text.strip():
        return
    vocabulary = VALUE_FIELDS[field_name]
    whole = choices.chosen(field_name, text)
    if whole is not None:
        _add(rec, field_name, whole)
        return
    kept: list[str] = []
    for found in _cell_matches(text, vocabulary):
        chosen = choices.chosen(field_name, found.value)
        if chosen is not None:
            _add(rec, field_name, chosen)
        elif found.exact:
            _add(rec, field_name, found.terms)
        elif found.known:
            if _understood(rec, field_name, found, vocabulary):
                kept.append(found.value)
        else:
            _unknown(rec, field_name, found, vocabulary)
    _keep_in_description(rec, field_name, kept)


def _keep_in_description(rec: Record, field_name: str, values: list[str]) -> None:
    """The partner's words the vocabulary cannot hold ("Comté", "chèvre") stay readable."""
    text = rec.description or ""
    new = [v for v in values if v.casefold() not in text.casefold()]
    if new:
        line = f"{TITLES[field_name]} : {', '.join(new)}."
        rec.description = f"{text}\n{line}" if text else line


def read_kind(rec: Record, text: str, choices: ValueMapping = NO_CHOICES) -> str:
    """The kind of place a cell names: the partner's choice, else the one term it names.

    A value naming no kind, or two ("Ferme épicerie"), is returned as written: the kind step
    then rejects the record, naming the candidates (courtcircuit/normalise/__init__.py).
    """
    chosen = choices.chosen("kind", text)
    if chosen:
        return chosen[0]
    found = match_value(text, VALUE_FIELDS["kind"], one_term=True)
    if not found.known:
        return text
    if not found.exact:
        label = VALUE_FIELDS["kind"].label(found.terms[0])
        rec.note("kind", text, Message("« {value} » lu comme « {label} »", value=text, label=label))
    return found.terms[0]


def apply_flags(rec: Record, cells: Mapping[str, str | None], choices: ValueMapping) -> None:
    """Yes/no columns feeding a field: oui adds the term, non or empty adds nothing, anything
    else is noted (the record is kept). `cells` maps each flag's header to its cell (None when
    the column is absent)."""
    for header, (field_name, code) in choices.flags.items():
        value = cells.get(header)
        try:
            if yes_no(value):
                _add(rec, field_name, [code])
        except ValueError:
            label = VALUE_FIELDS[field_name].label(code)
            rec.note(
                field_name,
                value,
                Message(
                    "colonne « {header} » : valeur oui/non non comprise « {value} » (attendu oui ou non) ; "
                    "« {label} » non ajouté",
                    header=header,
                    value=value,
                    label=label,
                ),
            )
