"""The resident search's filters and their SQL (no Streamlit): what a resident can ask for, and
the boolean SQL expression each filter becomes over a row of ``listings``.

Filters combine as people expect from a shop catalogue: options of one filter are alternatives
(a market *or* an AMAP), different filters must all hold (a market *and* organic). Each filter
is its own expression (:func:`filter_sql`) so that the counts beside the options of one facet
can apply every *other* filter in the same pass over the circle (courtcircuit.search).

Every user value reaches SQL as a ``?`` parameter; the SQL text is assembled only from
constants of this module.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from courtcircuit.schema import FACET_BITS
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS, Vocabulary, fold

# Facet name -> (listing column, is a list column, vocabulary).
FACETS = {
    "kind": ("kind", False, KINDS),
    "channel": ("channels", True, CHANNELS),
    "label": ("labels", True, LABELS),
    "product": ("products", True, PRODUCTS),
}


@dataclass(frozen=True)
class Filters:
    """What the resident is looking for. Empty tuples mean "any"."""

    kinds: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    text: str = ""
    open_now: bool = False
    day: int | None = None  # 0 = Monday … 6 = Sunday
    minute: int | None = None  # minutes after midnight

    def facet_values(self, facet: str) -> tuple[str, ...]:
        return {"kind": self.kinds, "channel": self.channels, "label": self.labels, "product": self.products}[
            facet
        ]

    def without(self, facet: str) -> Filters:
        return replace(self, **{{"kind": "kinds"}.get(facet, facet + "s"): ()})

    @property
    def is_empty(self) -> bool:
        return self == Filters()


def text_terms(text: str) -> tuple[str, list[str]]:
    """The folded text to look for in names and descriptions, and the product codes it names."""
    folded = fold(text)
    codes = []
    for term in PRODUCTS.terms:
        words = {fold(term.fr), fold(term.en), *(fold(s) for s in term.synonyms)}
        # "oeu" as typed, or "oeufs bio": a word's beginning, or a whole word inside the text.
        if any((len(folded) >= 3 and w.startswith(folded)) or (len(w) >= 4 and w in folded) for w in words):
            codes.append(term.code)
    return folded, codes


# SQL twin of vocab.fold: lower-case, no accents, "œ" -> "oe", runs of other characters -> one space.
_FOLD_SQL = (
    "trim(regexp_replace(strip_accents(replace(replace(lower({}), 'œ', 'oe'), 'æ', 'ae')), "
    "'[^a-z0-9]+', ' ', 'g'))"
)
_FOLDED_NAME = _FOLD_SQL.format("name")
_FOLDED_DESCRIPTION = _FOLD_SQL.format("coalesce(description, '')")

Condition = tuple[str, list[object]]  # a boolean SQL expression over a listings row, its parameters
TRUE: Condition = ("TRUE", [])


def _slot_sql(day: int | None, minute: int | None) -> Condition:
    conds, params = [], []
    if day is not None:
        conds.append("weekday = ?")
        params.append(day)
    if minute is not None:
        conds.append("start_minute <= ? AND end_minute > ?")
        params += [minute, minute]
    sql = f"id IN (SELECT listing_id FROM opening_slots WHERE {' AND '.join(conds)})"  # noqa: S608 - constants
    return sql, params


def filter_sql(filters: Filters) -> dict[str, Condition]:
    """One condition per facet (``kind``, ``channel``, ``label``, ``product``) and ``rest`` (the
    text, day and hour filters together); ``TRUE`` where nothing is asked. "Open now" is not
    here: it depends on the time of the search, and courtcircuit.search applies it per
    opening-hours expression."""
    found: dict[str, Condition] = {}
    for facet, (bits, _, _, vocab) in FACET_BITS.items():
        values = filters.facet_values(facet)
        # The listing holds one of the options asked for: its bits and theirs share one. A code
        # outside the vocabulary has no bit, and no listing holds it (etl/checks.py).
        found[facet] = (f"({bits} & ?) <> 0", [option_bits(vocab, values)]) if values else TRUE
    rest: list[Condition] = []
    if filters.text.strip():
        folded, codes = text_terms(filters.text)
        if folded:
            # Name and description folded as vocab.fold folds the text, so "Marché d'Ambert" finds itself.
            rest.append(
                (
                    f"(contains({_FOLDED_NAME}, ?) OR contains({_FOLDED_DESCRIPTION}, ?)"
                    " OR list_has_any(products, ?::VARCHAR[]))",
                    [folded, folded, codes],
                )
            )
        else:  # only punctuation ("%", "_"): it names nothing, and must not match everything
            rest.append(("FALSE", []))
    if filters.day is not None or filters.minute is not None:
        rest.append(_slot_sql(filters.day, filters.minute))
    found["rest"] = both(*rest) if rest else TRUE
    return found


def option_bits(vocab: Vocabulary, codes: tuple[str, ...]) -> int:
    """The bits of ``codes`` as courtcircuit.schema.FACET_BITS writes them (vocabulary order)."""
    return sum(1 << i for i, code in enumerate(vocab.codes()) if code in codes)


def both(*conditions: Condition) -> Condition:
    """The conjunction of ``conditions``, parameters in the order of the text."""
    kept = [c for c in conditions if c != TRUE] or [TRUE]
    return " AND ".join(f"({sql})" for sql, _ in kept), [p for _, params in kept for p in params]
