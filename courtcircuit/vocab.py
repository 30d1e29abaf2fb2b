"""The controlled vocabularies of Court-Circuit, defined once.

Kinds of listing, sales channels, quality labels (with the AB certification
state), product families, geographic precision and status.  Codes are stable
ASCII identifiers stored in the database; labels are what people read (French
first).  The ETL parses source values with `Vocabulary.lookup`, and those written otherwise
("Fromages de chèvre", "AOP Comté") on their words (courtcircuit/vocab_match.py); the SQL
checks use `codes()`, and the widgets show `label()`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache


# Cached: headers, vocabulary cells and names repeat, and folding was half of reading a source.
@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation: 'Œufs frais' -> 'oeufs frais'."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    return text.strip()


@dataclass(frozen=True)
class Term:
    code: str
    fr: str
    en: str
    synonyms: tuple[str, ...] = ()

    def label(self, lang: str = "fr") -> str:
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: tuple[Term, ...]
    _index: dict[str, Term] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms:
            for key in (term.code, term.fr, term.en, *term.synonyms):
                self._index.setdefault(fold(key), term)

    def codes(self) -> list[str]:
        return [t.code for t in self.terms]

    def __contains__(self, code: object) -> bool:
        return any(t.code == code for t in self.terms)

    def get(self, code: str) -> Term:
        for term in self.terms:
            if term.code == code:
                return term
        raise KeyError(f"{code!r} n'est pas un code du vocabulaire « {self.name} »")

    def label(self, code: str, lang: str = "fr") -> str:
        return self.get(code).label(lang)

    def lookup(self, text: str) -> Term | None:
        """The term a free source value names (code, label or synonym), or None."""
        return self._index.get(fold(text))

    def parse_list(self, text: str | None) -> tuple[list[str], list[str]]:
        """Split 'Légumes, oeufs; miel' into known codes and the values not understood."""
        known: list[str] = []
        unknown: list[str] = []
        for part in re.split(r"[,;|/]|\bet\b", text or ""):
            part = part.strip()
            if not part:
                continue
            term = self.lookup(part)
            if term is None:
                unknown.append(part)
            elif term.code not in known:
                known.append(term.code)
        return known, unknown


KINDS = Vocabulary(
    "type de lieu",
    (
        Term("producteur", "Producteur", "Producer", ("ferme", "exploitation", "farm", "producteurs")),
        Term("point_de_vente", "Point de vente", "Shop", ("epicerie", "magasin", "boutique", "shop")),
        Term(
            "magasin_producteurs",
            "Magasin de producteurs",
            "Producers' shop",
            ("magasin de producteurs", "point de vente collectif", "pvc"),
        ),
        Term("amap", "AMAP / paniers", "AMAP / box scheme", ("paniers", "panier")),
        Term("marche", "Marché", "Market", ("marche de plein vent", "marche de producteurs")),
        Term(
            "drive",
            "Drive / point de retrait",
            "Drive / pick-up point",
            ("point de retrait", "drive fermier"),
        ),
        Term(
            "distributeur",
            "Distributeur automatique",
            "Vending machine",
            ("distributeur automatique", "vending machine", "casier"),
        ),
        Term(
            "transformation",
            "Outil de transformation",
            "Processing facility",
            ("abattoir", "atelier de decoupe", "legumerie", "conserverie"),
        ),
        Term(
            "logistique",
            "Plateforme logistique",
            "Logistics hub",
            ("plateforme", "plateforme logistique", "mil", "marche d interet local"),
        ),
    ),
)

CHANNELS = Vocabulary(
    "circuit de vente",
    (
        Term("marche", "Foires et marchés de plein vent", "Open-air markets", ("marche", "marches", "foire")),
        Term("amap", "AMAP et paniers", "AMAP and box schemes", ("amap", "paniers", "panier")),
        Term(
            "vente_ferme",
            "Vente à la ferme",
            "Farm shop",
            ("ferme", "a la ferme", "vente directe", "cueillette", "libre cueillette"),
        ),
        Term("magasin_producteurs", "Magasin de producteurs", "Producers' shop", ("magasin de producteurs",)),
        Term(
            "drive_distributeur",
            "Drive fermier et distributeurs",
            "Farm drive and vending machines",
            ("drive", "drive fermier", "distributeur", "distributeur automatique"),
        ),
        Term(
            "intermediaire",
            "Vente par un intermédiaire",
            "Through one intermediary",
            (
                "epicerie",
                "magasin",
                "restaurant",
                "cooperative",
                "gms",
                "grande surface",
                "magasin specialise",
            ),
        ),
        Term(
            "soutien",
            "Structures de soutien",
            "Support structures",
            ("plateforme logistique", "point de retrait", "mil"),
        ),
        Term(
            "numerique",
            "Plateformes numériques",
            "Online platforms",
            ("internet", "en ligne", "cagette", "la ruche qui dit oui", "vente en ligne"),
        ),
    ),
)

LABELS = Vocabulary(
    "signe de qualité",
    (
        Term(
            "ab",
            "Agriculture biologique (AB)",
            "Organic (AB)",
            ("bio", "biologique", "agriculture biologique", "organic"),
        ),
        Term("aop", "AOP", "PDO (AOP)"),
        Term("aoc", "AOC", "AOC"),
        Term("igp", "IGP", "PGI (IGP)"),
        Term("label_rouge", "Label Rouge", "Label Rouge"),
        Term("stg", "STG", "TSG (STG)"),
        Term("hve", "Haute Valeur Environnementale (HVE)", "High Environmental Value (HVE)", ("hve",)),
        Term("nature_progres", "Nature & Progrès", "Nature & Progrès", ("nature et progres",)),
        Term("demeter", "Demeter", "Demeter", ("biodynamie",)),
        Term("bienvenue_ferme", "Bienvenue à la ferme", "Bienvenue à la ferme"),
        Term("accueil_paysan", "Accueil paysan", "Accueil paysan"),
        Term(
            "valeurs_parc",
            "Valeurs Parc naturel régional",
            "Regional Nature Park values",
            ("marque valeurs parc", "valeurs parc", "marque parc"),
        ),
    ),
)

# Agence BIO certification states; only meaningful with the `ab` label.
AB_STATUS = Vocabulary(
    "état de certification AB",
    (
        Term("certifie", "Certifié", "Certified", ("engagee", "certifiee", "oui", "yes", "ab")),
        Term("conversion_c1", "En conversion (C1)", "In conversion (C1)", ("c1",)),
        Term("conversion_c2", "En conversion (C2)", "In conversion (C2)", ("c2",)),
        Term("conversion_c3", "En conversion (C3)", "In conversion (C3)", ("c3",)),
        Term("conversion", "En conversion", "In conversion", ("en conversion",)),
    ),
)

PRODUCTS = Vocabulary(
    "famille de produits",
    (
        Term("legumes", "Légumes", "Vegetables", ("legume", "vegetables", "maraichage", "pommes de terre")),
        Term("fruits", "Fruits", "Fruit", ("fruit", "petits fruits", "pommes", "fraises")),
        Term("viande_bovine", "Viande bovine", "Beef", ("boeuf", "veau", "beef", "viande de boeuf")),
        Term("porc_charcuterie", "Porc / charcuterie", "Pork / charcuterie", ("porc", "charcuterie", "pork")),
        Term("volaille", "Volaille", "Poultry", ("volailles", "poulet", "poultry", "canard")),
        Term("agneau", "Agneau", "Lamb", ("mouton", "ovin", "lamb")),
        Term("oeufs", "Œufs", "Eggs", ("oeuf", "eggs", "egg")),
        Term(
            "lait",
            "Lait et produits laitiers",
            "Milk and dairy",
            ("lait", "produits laitiers", "milk", "dairy", "yaourts", "yaourt", "beurre", "creme"),
        ),
        Term("fromages", "Fromages", "Cheese", ("fromage", "cheese", "fourme", "fourme d ambert")),
        Term("miel", "Miel et produits de la ruche", "Honey", ("miel", "honey", "ruche")),
        Term(
            "pain_cereales", "Pain et céréales", "Bread and cereals", ("pain", "bread", "cereales", "cereals")
        ),
        Term(
            "farines_legumineuses",
            "Farines / légumineuses",
            "Flours / pulses",
            ("farine", "farines", "flour", "lentilles", "legumineuses"),
        ),
        Term("huiles", "Huiles", "Oils", ("huile", "oil")),
        Term(
            "boissons",
            "Boissons (jus, vin, bière, cidre)",
            "Drinks",
            ("jus", "vin", "biere", "cidre", "wine", "juice", "beer", "boisson"),
        ),
        Term(
            "plats_conserves",
            "Plats préparés / conserves",
            "Ready meals / preserves",
            ("conserves", "plats prepares", "confitures", "confiture"),
        ),
        Term("plantes_aromates", "Plantes / aromates", "Herbs", ("aromates", "plantes", "herbs", "tisanes")),
        Term("poisson", "Poisson", "Fish", ("poissons", "fish", "truite")),
    ),
)

GEO_PRECISION = Vocabulary(
    "précision de la position",
    (
        Term("exact", "Position exacte", "Exact position"),
        Term("street", "Rue", "Street"),
        Term("commune", "Commune (mairie)", "Commune (town hall)"),
    ),
)

STATUS = Vocabulary(
    "statut",
    (
        Term("active", "En activité", "Active", ("actif", "ouvert", "en activite")),
        Term("closed", "Fermé définitivement", "Closed", ("ferme definitivement", "cesse", "ferme")),
    ),
)

# The buyer's establishment, on the supplier-prospecting page.
STORE_KINDS = Vocabulary(
    "type d'établissement acheteur",
    (
        Term("supermarche", "Supermarché / GMS", "Supermarket", ("gms", "grande surface", "hypermarche")),
        Term("epicerie", "Épicerie", "Grocery", ("superette",)),
        Term("restaurant", "Restaurant", "Restaurant", ("restauration commerciale",)),
        Term(
            "cantine",
            "Cantine / restauration collective",
            "School or staff canteen",
            ("restauration collective",),
        ),
    ),
)

# Status of a buyer's need (published by a buyer, reviewed by territory staff).
NEED_STATUS = Vocabulary(
    "statut d'un besoin",
    (
        Term("pending", "En attente de validation", "Awaiting review"),
        Term("accepted", "Publié", "Published"),
        Term("rejected", "Refusé", "Rejected"),
    ),
)
