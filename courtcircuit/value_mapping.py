"""A partner's remembered choices: which of its raw values means which term, and which of its
yes/no columns feeds a channel, a label or a product family.

They are written in the partner's mapping file (`[values.products]`, `[flags]`, …, see
docs/FORMATS.md), by hand or by the import wizard, so a choice made once holds for the next
file of that partner. They are read here, in the domain package, so the wizard checks an entry
exactly as the build does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS, Vocabulary, fold
from courtcircuit.vocab_match import Match, match_cell, match_value

# The fields whose raw values a partner may map, and the vocabulary of each.
VALUE_FIELDS: dict[str, Vocabulary] = {
    "products": PRODUCTS,
    "labels": LABELS,
    "channels": CHANNELS,
    "kind": KINDS,
}
# The fields a yes/no column may feed ("Vente à la ferme" = oui → channel vente_ferme).
FLAG_FIELDS: tuple[str, ...] = ("channels", "labels", "products")

YES = frozenset({"oui", "o", "yes", "y", "true", "vrai", "1", "x", "ok"})
NO = frozenset({"non", "n", "no", "false", "faux", "0"})


class ValueMappingError(ValueError):
    """An entry of `[values.*]` or `[flags]` is wrong; the message names it, in French."""


@dataclass(frozen=True)
class ValueMapping:
    """`values`: field → folded raw value → codes (empty: the value means nothing, say nothing).
    `flags`: a yes/no column's header as written → (field, code)."""

    values: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    flags: dict[str, tuple[str, str]] = field(default_factory=dict)

    def chosen(self, field_name: str, raw: str) -> tuple[str, ...] | None:
        """The codes the partner chose for `raw`, or None when it made no choice."""
        return self.values.get(field_name, {}).get(fold(raw))


NO_CHOICES = ValueMapping()


def yes_no(value: str | None) -> bool | None:
    """True for oui/x/1…, False for non/0…, None for an empty cell; ValueError otherwise."""
    folded = fold(value or "")
    if not folded:
        return None
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValueError(f"valeur oui/non non comprise : « {value} »")


def _codes_list(vocabulary: Vocabulary) -> str:
    return ", ".join(vocabulary.codes())


def _check_code(code: object, vocabulary: Vocabulary, where: str) -> str:
    if not isinstance(code, str):
        raise ValueMappingError(f"{where} : le code doit être un texte entre guillemets, pas {code!r}")
    if code in vocabulary:
        return code
    near = match_value(code, vocabulary)
    guess = near.terms or near.candidates
    hint = f" (vouliez-vous dire « {guess[0]} » ?)" if len(guess) == 1 else ""
    raise ValueMappingError(
        f"{where} : « {code} » n'est pas un code du vocabulaire « {vocabulary.name} »{hint} ; "
        f"codes possibles : {_codes_list(vocabulary)}"
    )


def _value_table(field_name: str, table: object) -> dict[str, tuple[str, ...]]:
    vocabulary = VALUE_FIELDS[field_name]
    if not isinstance(table, dict):
        raise ValueMappingError(
            f'[values.{field_name}] doit être une table (« valeur du fichier » = "code"), pas {table!r}'
        )
    chosen: dict[str, tuple[str, ...]] = {}
    written: dict[str, str] = {}
    for raw, target in table.items():
        where = f"[values.{field_name}] « {raw} »"
        key = fold(raw)
        if not key:
            raise ValueMappingError(f"{where} : la valeur du fichier est vide")
        if isinstance(target, list):
            if field_name == "kind":
                raise ValueMappingError(f"{where} : un seul type de lieu attendu, pas une liste")
            codes = tuple(dict.fromkeys(_check_code(c, vocabulary, where) for c in target))
        else:
            codes = (_check_code(target, vocabulary, where),)
        if key in chosen and chosen[key] != codes:
            raise ValueMappingError(
                f"{where} : même valeur que « {written[key]} » (majuscules et accents ignorés) "
                "mais un autre code ; n'en garder qu'une"
            )
        chosen[key], written[key] = codes, raw
    return chosen


def _flag(header: str, target: object) -> tuple[str, str]:
    where = f"[flags] « {header} »"
    if not header.strip():
        raise ValueMappingError(f"{where} : l'en-tête de la colonne est vide")
    if not isinstance(target, str) or ":" not in target:
        raise ValueMappingError(
            f'{where} : attendu "champ:code" entre guillemets (ex. "channels:vente_ferme"), pas {target!r}'
        )
    field_name, code = (part.strip() for part in target.split(":", 1))
    if field_name not in FLAG_FIELDS:
        raise ValueMappingError(
            f"{where} : champ « {field_name} » impossible pour une colonne oui/non "
            f"(possibles : {', '.join(FLAG_FIELDS)})"
        )
    return field_name, _check_code(code, VALUE_FIELDS[field_name], where)


def parse_value_mapping(data: Mapping[str, Any]) -> ValueMapping:
    """The `[values.*]` and `[flags]` tables of a mapping file already read as TOML.

    Raises ValueMappingError naming the bad entry; the caller adds the file's name.
    """
    values_table = data.get("values", {})
    if not isinstance(values_table, dict):
        raise ValueMappingError(
            "[values] doit contenir des tables : " + ", ".join(f"[values.{name}]" for name in VALUE_FIELDS)
        )
    unknown = sorted(set(values_table) - set(VALUE_FIELDS))
    if unknown:
        raise ValueMappingError(
            f"[values.{unknown[0]}] : champ inconnu (possibles : {', '.join(VALUE_FIELDS)})"
        )
    values = {name: _value_table(name, table) for name, table in values_table.items()}
    flags_table = data.get("flags", {})
    if not isinstance(flags_table, dict):
        raise ValueMappingError(
            f'[flags] doit être une table (« En-tête » = "champ:code"), pas {flags_table!r}'
        )
    flags = {header: _flag(header, target) for header, target in flags_table.items()}
    return ValueMapping(values, flags)


@dataclass(frozen=True)
class ValueToMap:
    """A distinct value of a partner's column that the vocabulary does not know exactly and the
    partner has not mapped yet: what the wizard asks a person about."""

    field: str
    value: str
    count: int
    match: Match

    @property
    def suggestion(self) -> tuple[str, ...]:
        """The codes to propose: the terms found, else the closest one; none when ambiguous."""
        if self.match.known:
            return self.match.terms
        if self.match.ambiguous or not self.match.candidates:
            return ()
        return self.match.candidates[:1]


def values_to_map(
    field_name: str, cells: Iterable[str | None], choices: ValueMapping = NO_CHOICES
) -> list[ValueToMap]:
    """The distinct values of a column (`field_name` in VALUE_FIELDS) left to a person, most
    frequent first: those read on their words, ambiguous or unknown. Spellings differing only by
    accents or case count as one value, shown as first written."""
    vocabulary = VALUE_FIELDS[field_name]
    seen: dict[str, ValueToMap] = {}
    for cell in cells:
        if not cell or not cell.strip() or choices.chosen(field_name, cell) is not None:
            continue
        if field_name == "kind":
            found = [match_value(cell.strip(), vocabulary, one_term=True)]
        else:
            found = match_cell(cell, vocabulary)
        for match in found:
            if match.exact or choices.chosen(field_name, match.value) is not None:
                continue
            key = fold(match.value)
            known = seen.get(key)
            count = known.count + 1 if known else 1
            seen[key] = ValueToMap(field_name, known.value if known else match.value, count, match)
    return sorted(seen.values(), key=lambda v: (-v.count, fold(v.value)))
