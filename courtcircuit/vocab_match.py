"""Reading a partner's free value the way people write it: "Fromages de chèvre", "AOP Comté",
"Label Rouge volailles", "AB (certifié)".

A value is matched on its meaningful words against every term's code, labels and synonyms
(courtcircuit/vocab.py), accents and case folded, plurals and small typos forgiven. A value
naming two terms equally well is not guessed: it comes back ambiguous with the candidates, for
a person to choose (the import wizard, or `[values.*]` in a mapping file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from courtcircuit.vocab import Vocabulary, fold

# Words that link the others: never matched, never left over.
STOPWORDS = frozenset(
    "a au aux avec d de des du en et l la le les ou par pour sur un une".split()
)  # fmt: skip
# Words that qualify a product or label without naming one ("fromage fermier", "AB (certifié)"):
# dropped from the leftovers, and never enough alone to suggest a term ("Agriculture
# raisonnée" is not "Agriculture biologique").
GENERIC = frozenset(
    """agriculture artisanal artisanale artisanaux certifie certifiee certifies certifiees
    certification label marque fermier fermiere fermiers fermieres local locale locaux locales
    maison produit produits production productions frais fraiche""".split()
)
# A word this close to a term's word (rapidfuzz ratio, 0-100) is the same word mistyped.
SAME_WORD = 86.0
# Closer than this, a word only suggests the term to the person choosing.
NEAR_WORD = 75.0
# Shorter words must match exactly: "vin" is not "pain", "bio" is not "bois".
MIN_FUZZY_LENGTH = 5


@dataclass(frozen=True)
class Match:
    """What a raw value names in one vocabulary.

    `terms` are the codes found, in the order written (empty when ambiguous); `leftover` the
    meaningful words as written that name no term ("Comté" in "AOP Comté"); `candidates` the
    codes a person should choose from: the tied terms when `ambiguous`, else the close ones
    when nothing matched. `exact` is true when the whole value is a code, label or synonym.
    """

    value: str
    terms: tuple[str, ...] = ()
    leftover: tuple[str, ...] = ()
    ambiguous: bool = False
    candidates: tuple[str, ...] = ()
    exact: bool = False

    @property
    def known(self) -> bool:
        return bool(self.terms) and not self.ambiguous


@dataclass(frozen=True)
class _Word:
    written: str
    stem: str


@dataclass(frozen=True)
class _Hit:
    """One key of one term found on the words start..end-1 of a value."""

    code: str
    start: int
    end: int
    score: float

    def overlaps(self, other: _Hit) -> bool:
        return self.start < other.end and other.start < self.end


def stem(word: str) -> str:
    """A folded word without its plural mark: 'fromages' -> 'fromage', 'volailles' -> 'volaille'."""
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def _stems(word: str) -> tuple[str, ...]:
    """The stems of one written word ("Œufs" → oeuf), link words dropped. Partners' files repeat
    their words: folding each once is most of the time saved on a large file."""
    return tuple(stem(piece) for piece in fold(word).split() if piece not in STOPWORDS)


def _words(text: str) -> list[_Word]:
    """The meaningful words of a text, as written and folded to a stem ("d'Ambert" → Ambert)."""
    return [_Word(found.group(), s) for found in re.finditer(r"\w+", text) for s in _stems(found.group())]


def _is_generic(stem_: str) -> bool:
    return stem_ in GENERIC or stem_ + "s" in GENERIC


_Key = tuple[str, tuple[str, ...]]  # (code, stems of one of its code, labels or synonyms)


class _Index:
    """A vocabulary's keys by their first word, and its words by the codes they belong to, so a
    value is compared with the few keys it may hold, not all of them (rapidfuzz does the fuzzy
    part in C over the distinct words)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        keys: dict[_Key, None] = {}
        for term in vocabulary.terms:
            for key in (term.code, term.fr, term.en, *term.synonyms):
                stems = tuple(w.stem for w in _words(key))
                if stems:
                    keys[(term.code, stems)] = None
        self.by_first: dict[str, list[_Key]] = {}
        self.codes_of: dict[str, set[str]] = {}  # a key word (generic ones aside) → codes
        for code, stems in keys:
            self.by_first.setdefault(stems[0], []).append((code, stems))
            for word in stems:
                if not _is_generic(word):
                    self.codes_of.setdefault(word, set()).add(code)
        self.long_firsts = [w for w in self.by_first if len(w) >= MIN_FUZZY_LENGTH]
        self.long_words = [w for w in self.codes_of if len(w) >= MIN_FUZZY_LENGTH]


# Vocabulary id → (the vocabulary, kept alive so its id is never reused; its index).
_INDEXES: dict[int, tuple[Vocabulary, _Index]] = {}


def _index(vocabulary: Vocabulary) -> _Index:
    found = _INDEXES.get(id(vocabulary))
    if found is None:
        found = _INDEXES[id(vocabulary)] = (vocabulary, _Index(vocabulary))
    return found[1]


def _similarity(word: str, key_word: str) -> float:
    if word == key_word:
        return 100.0
    if min(len(word), len(key_word)) < MIN_FUZZY_LENGTH:
        return 0.0
    return fuzz.ratio(word, key_word)


def _close(word: str, choices: list[str], cutoff: float) -> list[tuple[str, float]]:
    """The words of `choices` equal to `word`, or (long words only) at least `cutoff` close."""
    if len(word) < MIN_FUZZY_LENGTH:
        return []
    return [
        (c, score)
        for c, score, _ in process.extract(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
    ]


def _hits(words: list[_Word], vocabulary: Vocabulary) -> list[_Hit]:
    """Every key found as consecutive words of the value, each word the same or mistyped."""
    index = _index(vocabulary)
    hits = []
    for start, word in enumerate(words):
        firsts = {word.stem} | {w for w, _ in _close(word.stem, index.long_firsts, SAME_WORD)}
        for first in firsts:
            for code, stems in index.by_first.get(first, ()):
                if start + len(stems) > len(words):
                    continue
                scores = [_similarity(words[start + i].stem, s) for i, s in enumerate(stems)]
                if min(scores) >= SAME_WORD:
                    hits.append(_Hit(code, start, start + len(stems), sum(scores)))
    return hits


def _choose(hits: list[_Hit]) -> tuple[list[_Hit], set[str]]:
    """The hits kept (longest first, then closest), and the codes tied with a kept one."""
    kept: list[_Hit] = []
    tied: set[str] = set()
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), -h.score, h.start)):
        if any(hit.overlaps(k) for k in kept):
            rival = next(k for k in kept if hit.overlaps(k))
            if (hit.end - hit.start, hit.score) == (
                rival.end - rival.start,
                rival.score,
            ) and hit.code != rival.code:
                tied |= {hit.code, rival.code}
            continue
        kept.append(hit)
    return sorted(kept, key=lambda h: h.start), tied


def _near(words: list[_Word], vocabulary: Vocabulary) -> list[str]:
    """Codes a person might mean by words no key matched: one key word close or equal to one
    of them ("Viande" → viande_bovine), generic words aside. Best first."""
    index = _index(vocabulary)
    scored: dict[str, float] = {}
    for word in words:
        if _is_generic(word.stem):
            continue
        close = _close(word.stem, index.long_words, NEAR_WORD)
        if word.stem in index.codes_of:
            close.append((word.stem, 100.0))
        for key_word, score in close:
            for code in index.codes_of[key_word]:
                scored[code] = max(score, scored.get(code, 0.0))
    return sorted(scored, key=lambda c: (-scored[c], c))


# (vocabulary id, value, one_term) → its match: a file repeats its values row after row.
_MATCHES: dict[tuple[int, str, bool], Match] = {}
MAX_REMEMBERED = 50_000


def match_value(value: str, vocabulary: Vocabulary, *, one_term: bool = False) -> Match:
    """What `value` names in `vocabulary`.

    With `one_term` (a field holding one code, such as the kind of place), a value naming two
    terms ("Ferme épicerie") is ambiguous rather than both.
    """
    _index(vocabulary)  # holds the vocabulary, so its id stays its own while matches are kept
    key = (id(vocabulary), value, one_term)
    found = _MATCHES.get(key)
    if found is None:
        if len(_MATCHES) >= MAX_REMEMBERED:
            _MATCHES.clear()
        found = _MATCHES[key] = _match(value, vocabulary, one_term)
    return found


def _match(value: str, vocabulary: Vocabulary, one_term: bool) -> Match:
    term = vocabulary.lookup(value)
    if term is not None:
        return Match(value, (term.code,), exact=True)
    words = _words(value)
    kept, tied = _choose(_hits(words, vocabulary))
    codes = tuple(dict.fromkeys(h.code for h in kept))
    used = {i for h in kept for i in range(h.start, h.end)}
    rest = [w for i, w in enumerate(words) if i not in used]
    leftover = tuple(w.written for w in rest if not _is_generic(w.stem))
    if tied or (one_term and len(codes) > 1):
        candidates = tuple(dict.fromkeys([*codes, *sorted(tied)]))
        return Match(value, (), leftover, ambiguous=True, candidates=candidates)
    if not codes:
        return Match(value, (), leftover, candidates=tuple(_near(words, vocabulary)))
    return Match(value, codes, leftover)


def split_values(text: str | None) -> list[str]:
    """The values of a multi-valued cell: 'Légumes, oeufs; miel et fruits' → four values."""
    return [part.strip() for part in re.split(r"[,;|/\n]|\bet\b", text or "") if part.strip()]


def match_cell(text: str | None, vocabulary: Vocabulary) -> list[Match]:
    """Each value of a multi-valued cell, matched; the whole cell first when it is one term
    ("Foires et marchés de plein vent" is a label, not two values)."""
    if not text or not text.strip():
        return []
    whole = vocabulary.lookup(text.strip())
    if whole is not None:
        return [Match(text.strip(), (whole.code,), exact=True)]
    return [match_value(part, vocabulary) for part in split_values(text)]
