"""Which field a partner's column holds, guessed from its header's words ("Nom de l'exploitation"
→ name, "CP" → postcode, "Tél." → phone), and yes/no columns that feed a channel, a label or a
product family ("Vente à la ferme": oui → vente_ferme).

The import wizard proposes these guesses; a person confirms them, and the result is the
`[columns]` and `[flags]` of the partner's mapping file (docs/FORMATS.md). The headers are
matched like vocabulary values (courtcircuit/vocab_match.py): on their words, accents, case,
plurals and small typos free.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from courtcircuit.value_mapping import FLAG_FIELDS, VALUE_FIELDS, yes_no
from courtcircuit.vocab import Term, Vocabulary
from courtcircuit.vocab_match import match_value

# The fields of a producers-table mapping's [columns], with the headers partners give them.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "ref": ("reference", "identifiant", "id", "n", "n fiche", "numero", "numero de fiche", "code"),
    "name": ("nom", "nom de l exploitation", "raison sociale", "denomination", "enseigne", "nom commercial",
             "exploitation", "structure", "etablissement"),
    "kind": ("type", "categorie", "type de lieu", "type de structure", "activite"),
    "description": ("description", "descriptif", "presentation", "commentaire", "commentaires"),
    "street": ("adresse", "adresse postale", "rue", "voie", "adresse ligne 1", "lieu dit"),
    "postcode": ("cp", "code postal"),
    "city": ("commune", "ville", "localite"),
    "insee": ("code insee", "insee", "code commune"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "lng", "long"),
    "x": ("x", "x l93", "x lambert", "x lambert 93", "coordonnee x"),
    "y": ("y", "y l93", "y lambert", "y lambert 93", "coordonnee y"),
    "phone": ("telephone", "tel", "tel fixe", "portable", "mobile", "numero de telephone"),
    "email": ("email", "e mail", "courriel", "mel", "mail", "adresse mail", "adresse e mail",
              "adresse electronique"),
    "website": ("site internet", "site web", "site", "web", "url", "internet"),
    "opening_hours": ("horaires", "horaires d ouverture", "jours et heures d ouverture", "heures d ouverture",
                      "ouverture"),
    "channels": ("circuits de vente", "circuits", "modes de commercialisation", "commercialisation",
                 "modes de vente", "canaux de vente"),
    "labels": ("labels", "signes de qualite", "labels et marques", "signes officiels de qualite",
               "certifications", "labels et certifications"),
    "ab_status": ("statut bio", "certification bio", "etat bio", "statut ab"),
    "products": ("produits", "productions", "produits vendus", "gamme", "types de produits"),
    "delivers": ("livre les magasins", "livraison", "livre"),
    "delivery_radius_km": ("rayon de livraison", "distance max de livraison", "distance de livraison",
                           "rayon"),
    "volumes": ("volumes", "volumes annuels", "quantites"),
    "delivery_frequency": ("frequence de livraison", "frequence"),
    "gtin_available": ("code barres", "gtin", "ean", "code ean"),
    "sanitary_approval": ("agrement sanitaire", "agrement", "agrement ce"),
    "siret": ("siret", "n siret", "numero siret"),
    "sells_at": ("points de vente", "lieux de vente", "vend a", "ou trouver les produits"),
    "last_verified": ("mis a jour le", "date de mise a jour", "mise a jour", "date maj", "maj", "derniere mise a jour"),
    "status": ("statut", "etat", "en activite"),
}  # fmt: skip
FIELDS: tuple[str, ...] = tuple(HEADER_WORDS)
# Fields that are themselves yes/no: such a column is the field, never a flag.
YES_NO_FIELDS = ("delivers", "gtin_available")

_HEADERS = Vocabulary("champ", tuple(Term(name, name, name, words) for name, words in HEADER_WORDS.items()))


@dataclass(frozen=True)
class ColumnGuess:
    """What a column seems to hold: a field of `[columns]`, or a `[flags]` target (field, code),
    or nothing; `candidates` are the fields its header fits equally, for a person to choose."""

    header: str
    field: str | None = None
    flag: tuple[str, str] | None = None
    candidates: tuple[str, ...] = ()
    exact: bool = False


def is_yes_no_column(values: Iterable[str | None]) -> bool:
    """Every cell is yes, no or empty, and one at least is not empty."""
    answered = False
    for value in values:
        try:
            answered |= yes_no(value) is not None
        except ValueError:
            return False
    return answered


def _flag_of(header: str) -> tuple[str, str] | None:
    """The one term a header names among channels, labels and products ("Vente à la ferme")."""
    found = [
        (name, match.terms[0])
        for name in FLAG_FIELDS
        if (match := match_value(header, VALUE_FIELDS[name], one_term=True)).known
    ]
    return found[0] if len(found) == 1 else None


def guess_column(header: str, values: Iterable[str | None] = ()) -> ColumnGuess:
    """The field or flag a column seems to be, from its header's words and, for a yes/no
    column, its cells (`values`, a sample is enough)."""
    match = match_value(header, _HEADERS, one_term=True)
    if match.known and match.terms[0] in YES_NO_FIELDS:
        return ColumnGuess(header, match.terms[0], exact=match.exact)
    if is_yes_no_column(values) and (flag := _flag_of(header)) is not None:
        return ColumnGuess(header, flag=flag)
    if match.known:
        return ColumnGuess(header, match.terms[0], exact=match.exact)
    return ColumnGuess(header, candidates=match.candidates)


def guess_columns(headers: Sequence[str], rows: Iterable[Mapping[str, str | None]] = ()) -> list[ColumnGuess]:
    """A guess for each header, each field given to one column only (an exact header first,
    else the leftmost); the columns' cells (`rows`, keyed by header) tell yes/no columns."""
    samples: dict[str, list[str | None]] = {h: [] for h in headers}
    for row in rows:
        for header in headers:
            samples[header].append(row.get(header))
    guesses = [guess_column(h, samples[h]) for h in headers]
    taken: dict[str, int] = {}
    for i in sorted(range(len(guesses)), key=lambda i: (not guesses[i].exact, i)):
        name = guesses[i].field
        if name is None:
            continue
        if name in taken:
            guesses[i] = ColumnGuess(headers[i], candidates=(name,))
        else:
            taken[name] = i
    return guesses
