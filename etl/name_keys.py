"""Names folded once: the keys that resolution and linking compare, computed once per distinct name.

`name_score` used to fold both names again for every comparison; at 80,000 records that was
most of the build. A `NameKeys` holds everything a score needs, and `KeyCache` makes one per
distinct spelling.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from courtcircuit.vocab import fold

# Words that say what a place is rather than which one it is.
STOPWORDS = frozenset(
    """gaec earl scea sarl sas eurl ferme la le les l du de des d chez et au aux famille domaine
    exploitation marche magasin producteurs boutique""".split()
)


@dataclass(frozen=True, slots=True)
class NameKeys:
    """One name as the scores see it.

    `fold` only yields [a-z0-9] words separated by one space, so sorting the words of `key`
    in Python's order is what rapidfuzz's token_sort does: `ratio(sorted_key, …)` equals
    `token_sort_ratio(key, …)` (a test checks it against rapidfuzz).
    """

    folded: str  # fold(name)
    key: str  # without the stopwords; "" when the name is only stopwords ("La Ferme")
    sorted_key: str  # the key's words in order
    squeezed: str  # the key without spaces: "bois joli" and "boisjoli" are one name


def name_keys(name: str | None) -> NameKeys:
    folded = fold(name or "")
    words = [w for w in folded.split() if w not in STOPWORDS]
    return NameKeys(folded, " ".join(words), " ".join(sorted(words)), "".join(words))


def score_keys(a: NameKeys, b: NameKeys) -> float:
    """How alike two names are, 0–100 (see `etl.resolve.name_score`)."""
    if not a.key or not b.key:
        return fuzz.token_set_ratio(a.folded, b.folded)
    return max(fuzz.ratio(a.sorted_key, b.sorted_key), fuzz.ratio(a.squeezed, b.squeezed))


class KeyCache:
    """`name_keys` memoised for one build: sources repeat names (the linked farms, the "Marché
    de …"), and each one is folded once."""

    def __init__(self) -> None:
        self._keys: dict[str | None, NameKeys] = {}

    def __call__(self, name: str | None) -> NameKeys:
        found = self._keys.get(name)
        if found is None:
            found = self._keys[name] = name_keys(name)
        return found
