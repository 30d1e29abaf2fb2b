"""Word lists and small text helpers for `etl.demo`: the vocabulary of the fictional demo.

Everything here is invented except the commune codes (real communes of the Livradois-Forez,
read through `courtcircuit.communes`) and `REAL_INITIATIVES` (facts from shared/DOMAIN.md).
Cell values are written the way a partner would (French labels and synonyms), and every
one of them is understood by `courtcircuit.vocab` unless a bad row says otherwise.
"""

from __future__ import annotations

import random
import unicodedata

from courtcircuit.elision import de
from courtcircuit.vocab import fold

# Communes within ~25 km of Ambert (Puy-de-Dôme 63, a few in Haute-Loire 43).
TERRITORY = (
    "63003 63341 63081 63161 63431 63374 63230 63441 63179 63211 63173 63314 63037 63174 63371 63076 "
    "63027 63105 63454 63086 63039 63207 63324 63256 63384 63394 63319 63010 63331 63147 63258 63158 "
    "63323 63142 63132 63221 63162 63309 63465 63398 63218 63353 63057 63137 63434 63139 63119 63355 "
    "63023 63104 63260 63412 63016 63312 63136 63056 43059 43128 63448 43228 63334 63414 63343 43048 "
    "43080 43212 43108 43035 43073 63125"
).split()

LIEUX = (
    "du Bois Joli, des Combes, de la Sagne, du Fau, de Chabrier, des Genêts, du Puy Vert, de la Chassagne, "
    "du Suc, des Fayes, de Varennes, du Reclos, de la Chaux, de la Vialle, des Granges, du Bouchet, du Mas, "
    "du Coudert, du Theil, de Besse, du Fraisse, de la Bâtisse, de Montcheval, du Pradel, de la Roche, "
    "des Vergnes, de Lachamp, du Chier, de Fougères, des Sapins Bleus, de la Croix Haute, du Pont de Dore, "
    "de la Grange Neuve, des Hautes Chaumes, de Chaumette, du Bourg Vieux, du Mont Simon, "
    "des Egaux, de la Planche, du Poyet, de l'Étang Noir, de la Fontaine Claire, de Larfeuillère, du Montel, "
    "de Valeyre, de la Borie, du Chambon, des Rioux, de la Mazière, de Chantelauze, du Bessat, de Lafont, "
    "du Cros, de Prélong, de la Molle, du Rouchet, de Chadernac, de Boissonnelle, du Vialard, des Tourettes, "
    "du Genévrier, de Goutte Claire, de Pradeaux, du Bruchet, de la Tuilerie, de Fontvieille, de la Jasserie, "
    "de l'Hermitage, des Bruyères, de la Côte Chaude, du Grand Pré, de Vaubarlet, du Fieu, de Champclos, "
    "de la Sauvetat, de Lespinasse, de la Vernède, du Lac Vert, du Planchat, de Beauregard, du Cheix, "
    "de Peyrelade, du Fournet, de Roche Blanche, du Rocher Vert, de la Ribeyre, de Costes, de la Gane, "
    "des Alleux, de Montgros, de la Garde, des Noisetiers, du Vernadel, de Chaméane, "
    "des Pâtureaux, du Buisson, de Lorlanges, de la Brugère, du Fayet Haut, des Chazeaux, de Malmont"
).split(", ")
SURNAMES = (
    "Vidal Chassaing Fayet Bonnefoy Tixier Gourbeyre Mondière Rochon Faure Fournier Chomette Bayle Vissac "
    "Grangeon Brugière Gidon Delaire Marcon Peyrard Chaput Dumas Sauvadet Mallet Rodier Goutte Thévenon "
    "Breuil Giraud Vacher Besseyre Chalendar Pradier Vernière Chabanne Astier Boudon Cohade Dauphin "
    "Fonlupt Gauthier Imbert Jouve Laurent Maisonneuve Nury Ollier Pélissier Quinty Reynaud Salles "
    "Teyssier Vialatte Barrier Chanal Duchamp Fargeix Granet Jarrige Lhéritier Mazel Néron Orcel Plasse "
    "Soulier Tournadre Vigouroux Bouchardon Crozet Dégeorges Escot Farge Gardette Hugon Juillard"
).split()


class FirstName(str):
    """A first name a name pattern can put after « de », elided: ``"{prenom:de}"`` gives « d'Éric »,
    « de Martine » (courtcircuit.elision; "de {prenom}" wrote « de Éric », issue 13)."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        return de(str(self)) if spec == "de" else super().__format__(spec)


FIRST_NAMES = [
    FirstName(n)
    for n in (
        "Martine Jean-Luc Sophie Pierre Nathalie Éric Isabelle Céline Thierry Aurélie Julien Sandrine Camille "
        "Baptiste Émilie Nicolas Claire Olivier Hélène Romain Lucie Antoine Marion Yannick Delphine Florian "
        "Anne Benoît Agnès Gilles Élodie Damien"
    ).split()
]

# profile: (weight, name patterns, products as written, OSM produce=*, sanitary approval needed)
PROFILES: dict[str, tuple[int, tuple[str, ...], tuple[str, ...], str, bool]] = {
    "bovin": (20, ("GAEC {lieu}", "EARL {nom}", "Ferme {lieu}", "GAEC {nom}-{nom2}"), ("Viande bovine", "Veau"), "beef", True),
    "fromager": (
        18,
        ("GAEC {lieu}", "Fromagerie fermière {lieu}", "Ferme {lieu}", "GAEC {nom}-{nom2}"),
        ("Fromages", "Fourme d'Ambert", "Lait"),
        "cheese;milk",
        True,
    ),
    "chevre": (8, ("Chèvrerie {lieu}", "La Chèvrerie {prenom:de} {nom}"), ("Fromages", "Yaourts"), "cheese", True),
    "maraicher": (
        18,
        ("Les Jardins {lieu}", "Le Potager {lieu}", "EARL {nom}"),
        ("Légumes", "Pommes de terre"),
        "vegetables;potatoes",
        False,
    ),
    "volaille": (10, ("Ferme {lieu}", "EARL {nom}"), ("Volailles", "Œufs"), "poultry;eggs", True),
    "porc": (6, ("Ferme {lieu}", "GAEC {lieu}", "GAEC {nom}-{nom2}"), ("Porc", "Charcuterie"), "pork", True),
    "agneau": (5, ("Bergerie {lieu}",), ("Agneau",), "lamb", True),
    "miel": (8, ("Les Ruchers {lieu}", "Miellerie {lieu}"), ("Miel",), "honey", False),
    "fruits": (7, ("Vergers {lieu}",), ("Fruits", "Jus", "Confitures"), "fruit;apples;juice", False),
    "pain": (4, ("Le Fournil {lieu}", "Le Fournil {prenom:de} {nom}"), ("Pain", "Farines", "Lentilles"), "bread;flour", False),
    "plantes": (3, ("Les Simples {lieu}",), ("Plantes", "Tisanes", "Aromates"), "herbs", False),
    "poisson": (2, ("Pisciculture {lieu}",), ("Truite",), "trout", True),
    "boissons": (2, ("Brasserie {lieu}", "Cidrerie {lieu}"), ("Bière", "Cidre"), "beer;cider", False),
}  # fmt: skip
VOLUMES = {
    "bovin": "{n} bêtes/an", "fromager": "{n}0 fourmes/semaine", "chevre": "{n}0 fromages/semaine",
    "maraicher": "{n}0 kg/semaine", "volaille": "{n}0 volailles/mois", "porc": "{n} porcs/mois",
    "agneau": "{n} agneaux/an", "miel": "{n}00 kg/an", "fruits": "{n} t/an", "pain": "{n}0 pains/semaine",
    "plantes": "{n}0 sachets/mois", "poisson": "{n}0 kg/semaine", "boissons": "{n}00 L/mois",
}  # fmt: skip
FREQUENCIES = ("hebdomadaire", "tous les 15 jours", "mensuelle", "à la demande", "2 fois par semaine")
RADII = (10, 15, 20, 30, 40, 50, 80, 100)
# (OSM opening_hours, the same in French as a Chambre or Parc file writes it)
FARM_HOURS = (
    ("Fr 16:00-19:00", "vendredi 16h-19h"),
    ("Sa 09:00-12:00", "samedi 9h-12h"),
    ("Tu,Fr 17:00-19:00", "mardi et vendredi 17h-19h"),
    ("Mo-Sa 08:00-12:00", "du lundi au samedi 8h-12h"),
    ("We 17:00-19:00; Sa 09:00-12:00", "mercredi 17h-19h, samedi 9h-12h"),
    ("Mo-Fr 17:00-19:00", "du lundi au vendredi 17h-19h"),
    ("Sa 09:00-12:30", "samedi 9h-12h30"),
    ("Th 16:30-19:00", "jeudi 16h30-19h"),
)
SHOP_HOURS = (
    (
        "Tu-Sa 08:30-12:30,15:00-19:00; Su 08:30-12:30",
        "du mardi au samedi 8h30-12h30 et 15h-19h, dimanche 8h30-12h30",
    ),
    ("Tu-Sa 09:00-12:00,15:00-19:00", "du mardi au samedi 9h-12h et 15h-19h"),
    ("Mo-Sa 08:00-12:00", "du lundi au samedi 8h-12h"),
)
# markets: (French text of the markets list, OSM opening_hours)
MARKET_DAYS = (
    ("mardi matin", "Tu 08:00-13:00"), ("samedi 8h-12h30", "Sa 08:00-12:30"),
    ("le 1er dimanche du mois", "Su[1] 08:00-13:00"), ("mercredi et samedi matin", "We,Sa 08:00-13:00"),
    ("vendredi 16h-19h", "Fr 16:00-19:00"), ("lundi matin", "Mo 08:00-13:00"), ("dimanche 9h-12h", "Su 09:00-12:00"),
    ("mercredi 17h-20h", "We 17:00-20:00"), ("le 3e samedi du mois", "Sa[3] 08:00-13:00"),
    ("mardi et vendredi matin", "Tu,Fr 08:00-13:00"), ("samedi matin", "Sa 08:00-13:00"),
)  # fmt: skip
SEASONS = (("juin-septembre", "Jun-Sep"), ("de mai à octobre", "May-Oct"), ("juillet et août", "Jul-Aug"))
AMAP_DAYS = (
    ("mardi", "17h30-18h30"),
    ("jeudi", "18h-19h"),
    ("vendredi", "17h-19h"),
    ("mercredi", "18h-19h30"),
)
SQUARES = ("Place de l'Église", "Place de la Mairie", "Place du Foirail", "Grande Rue", "Place du Marché")
AMAP_PLACES = (
    "Salle des fêtes",
    "Place de la Mairie",
    "Ancienne école",
    "Parking de la gare",
    "Salle polyvalente",
)
# (Parc "Catégorie" as written, kind code, OSM tags, name pattern) for outlets and tools
SHOPS = (
    ("Épicerie", "point_de_vente", {"shop": "deli"}, "Épicerie {de}"),
    ("Boutique", "point_de_vente", {"shop": "cheese"}, "Fromagerie {de}"),
    ("Magasin", "point_de_vente", {"shop": "butcher"}, "Boucherie {nom}"),
    ("Épicerie", "point_de_vente", {"shop": "greengrocer"}, "Primeur {de}"),
)
TOOLS = (
    ("Magasin de producteurs", "magasin_producteurs", "Le Panier paysan {de}"),
    ("Drive fermier", "drive", "Drive fermier {de}"),
    ("Atelier de découpe", "transformation", "Atelier de découpe {de}"),
    ("Légumerie", "transformation", "Légumerie {de}"),
    ("Conserverie", "transformation", "Conserverie {de}"),
    ("Plateforme logistique", "logistique", "Plateforme paysanne {de}"),
)

# Partners' headers: field of docs/FORMATS.md → header as the partner writes it.
CHAMBRE = {
    "ref": "N° fiche", "name": "Nom de l'exploitation", "description": "Présentation", "street": "Adresse",
    "postcode": "CP", "city": "Commune", "insee": "Code INSEE", "lat": "Latitude", "lon": "Longitude",
    "phone": "Téléphone", "email": "Courriel", "website": "Site internet", "opening_hours": "Horaires",
    "channels": "Circuits de vente", "labels": "Signes de qualité", "ab_status": "Statut bio",
    "products": "Produits", "delivers": "Livre les magasins", "delivery_radius_km": "Rayon de livraison (km)",
    "volumes": "Volumes", "delivery_frequency": "Fréquence de livraison", "gtin_available": "Code-barres",
    "sanitary_approval": "Agrément sanitaire", "siret": "SIRET", "sells_at": "Points de vente",
    "last_verified": "Mis à jour le", "status": "Statut",
}  # fmt: skip
PNR = {
    "ref": "Identifiant", "name": "Raison sociale", "kind": "Catégorie", "description": "Descriptif",
    "street": "Adresse postale", "postcode": "Code postal", "city": "Ville", "x": "X (L93)", "y": "Y (L93)",
    "phone": "Tél.", "email": "Mél", "website": "Site web", "opening_hours": "Jours et heures d'ouverture",
    "channels": "Modes de commercialisation", "labels": "Labels et marques", "products": "Productions",
    "delivers": "Livraison", "delivery_radius_km": "Distance max de livraison", "sanitary_approval": "Agrément",
    "siret": "N° SIRET", "sells_at": "Lieux de vente", "last_verified": "Date de mise à jour",
}  # fmt: skip
INITIATIVES = {
    "ref": "Référence", "name": "Nom", "kind": "Type", "description": "Description", "street": "Adresse",
    "postcode": "Code postal", "city": "Commune", "opening_hours": "Horaires", "channels": "Circuits",
    "products": "Produits", "labels": "Labels",
}  # fmt: skip
# Fixed French headers of the AMAP and markets lists (docs/FORMATS.md), header → header.
AMAP = {
    h: h
    for h in "ref nom adresse code_postal commune latitude longitude jour horaires producteurs produits contact_email telephone site".split()
}
MARKETS = {
    h: h
    for h in "ref nom adresse code_postal commune latitude longitude jours saison type producteurs".split()
}
KIND_CODES = {
    "Magasin de producteurs": "magasin_producteurs", "Abattoir": "transformation", "AMAP": "amap", "Paniers": "amap",
    "Épicerie": "point_de_vente", "Producteur": "producteur", "Marché de producteurs": "marche",
    "Plateforme logistique": "logistique",
}  # fmt: skip
# France (benchmarks): name prefixes, the Parc's categories and OSM main tags with their shares.
FARM_PREFIXES = ("GAEC", "EARL", "Ferme", "Ferme", "Les Jardins", "Vergers", "Les Ruchers", "Chèvrerie", "Bergerie",
                 "Le Fournil", "Fromagerie fermière", "Domaine")  # fmt: skip
PNR_CATEGORIES = (("Producteur", "producteur", 0.7), ("Épicerie", "point_de_vente", 0.1),
                  ("Magasin de producteurs", "magasin_producteurs", 0.06), ("Drive fermier", "drive", 0.04),
                  ("Distributeur automatique", "distributeur", 0.04), ("Atelier de découpe", "transformation", 0.04),
                  ("Plateforme logistique", "logistique", 0.02))  # fmt: skip
OSM_KINDS = ((("shop", "farm"), "producteur", 0.65), (("amenity", "marketplace"), "marche", 0.1),
             (("amenity", "vending_machine"), "distributeur", 0.15), (("shop", "deli"), "point_de_vente", 0.1))  # fmt: skip

# The real initiatives of DOMAIN.md, only with the facts given there (no phone, no coordinates).
# Columns: ref, name, kind, description, street, postcode, city, hours, channels, products, labels
REAL_INITIATIVES: tuple[tuple[str, ...], ...] = (
    ("INIT-01", "Le Local", "Magasin de producteurs", "Magasin de producteurs (SAS) de 9 fermes et 12 agriculteurs, "
     "20 autres producteurs en dépôt-vente ; centre d'Ambert ; ouvert 4 demi-journées par semaine.",
     "", "63600", "Ambert", "", "Magasin de producteurs", "", ""),
    ("INIT-02", "Abattoir d'Ambert", "Abattoir", "Outil de transformation.", "", "63600", "Ambert", "", "", "", ""),
    ("INIT-03", "AMAP Caux'inelle", "AMAP", "Paniers de légumes bio.", "4 rue Gautier", "76190", "Yvetot",
     "mardi 17h30-18h30", "AMAP", "Légumes", "Agriculture biologique"),
    ("INIT-04", "Les Paniers du CIVAM", "Paniers", "Paniers d'une quinzaine de producteurs, distribution tous les "
     "quinze jours.", "7 rue des Templiers", "36600", "Valençay", "tous les quinze jours, 17h30-18h30", "Paniers", "", ""),
    ("INIT-05", "Le coin des producteurs 36", "Épicerie", "Épicerie de produits locaux : 37 producteurs à moins de "
     "100 km, click & collect.", "25 rue du Général de Gaulle", "36320", "Villedieu-sur-Indre", "",
     "Épicerie, Vente en ligne", "", ""),
    ("INIT-06", "EARL Blanchet", "Producteur", "Viande bovine charolaise, vente à la ferme le samedi.",
     "13 rue Jean Moulin", "28300", "Coltainville", "samedi 10h-14h", "Vente à la ferme", "Viande bovine", ""),
    ("INIT-07", "Le Cerf à 3 pattes", "Épicerie", "Épicerie de produits locaux et bistrot.", "3 rue du Pré Michaux",
     "51160", "Germaine", "", "Épicerie, Restaurant", "", ""),
    ("INIT-08", "Épiceries Andreline", "Épicerie", "Épicerie de village, produits locaux.", "", "28330",
     "Coudray-au-Perche", "", "Épicerie", "", ""),
    ("INIT-09", "Épiceries Andreline", "Épicerie", "Épicerie de village, produits locaux.", "", "28480", "Luigny",
     "", "Épicerie", "", ""),
    ("INIT-10", "AMAP'tite terre", "AMAP", "", "", "28300", "Mainvilliers", "", "AMAP", "", ""),
    ("INIT-11", "AMAP en BIOce", "AMAP", "", "", "28300", "Lèves", "", "AMAP", "", ""),
    ("INIT-12", "Amapetite cagette", "AMAP", "", "", "28000", "Chartres", "", "AMAP", "", ""),
    ("INIT-13", "Marchés Paysans Transfrontaliers", "Marché de producteurs", "Marchés de producteurs, 4 à 7 par an, "
     "une quarantaine de producteurs, sur le territoire du Parc naturel régional des Vosges du Nord (placés à "
     "La Petite-Pierre, siège du Parc, faute de lieu précis).", "", "67290", "La Petite-Pierre", "", "Marchés", "", ""),
    ("INIT-14", "MIL Perche", "Plateforme logistique", "Marché d'intérêt local, sur le territoire du Parc naturel "
     "régional du Perche (placé à Perche en Nocé, siège du Parc, faute de lieu précis).", "", "61340",
     "Perche en Nocé", "", "Plateforme logistique", "", ""),
)  # fmt: skip


def of(place: str) -> str:
    """'de' + a name with French elision and contraction: d'Ambert, du Monestier, de la Chaise-Dieu
    (courtcircuit.elision, except that the demo lowers « La » and elides before h: d'Hauterive)."""
    if place.startswith("La "):
        return "de la " + place[3:]
    if fold(place)[:1] == "h":
        return "d'" + place
    return de(place)


def slug(name: str) -> str:
    return "-".join(w for w in fold(name).split() if w not in ("la", "le", "les", "l", "d"))[:40]


def variant(name: str, rng: random.Random) -> str:
    """The same name as another partner spells it: case, accents, articles, legal form moved."""
    words = name.split()
    legal = words[0] if words[0] in ("GAEC", "EARL") else None
    choices = ["lower", "accents", "upper"]
    if legal and len(words) > 1:
        choices += ["legal"] * 3
    if words[0] in ("Ferme", "Chèvrerie", "Bergerie", "Miellerie", "Vergers", "Pisciculture"):
        choices += ["article"] * 2
    if words[0] in ("Les", "Le", "La") and len(words) > 2:
        choices.append("drop")
    match rng.choice(choices):
        case "legal":  # "GAEC du Bois Joli" -> "Gaec Bois-Joli", "EARL Vidal" -> "Vidal (EARL)"
            rest = [w for w in words[1:] if w not in ("du", "des", "de", "la", "l'")]
            return (
                f"{legal.capitalize()} {'-'.join(rest)}"
                if words[1] in ("du", "des", "de")
                else f"{' '.join(rest)} ({legal})"
            )
        case "article":
            return "La " + name[0].lower() + name[1:].lower()
        case "drop":
            return " ".join(words[1:])
        case "upper":
            return name.upper()
        case "accents":
            return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
        case _:
            return name[0] + name[1:].lower()


def luhn_complete(digits: str) -> str:
    """`digits` + the check digit that makes the whole string pass the Luhn test (SIREN, SIRET)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (1 if i % 2 else 2)
        total += n - 9 if n > 9 else n
    return digits + str(-total % 10)


def siret(rng: random.Random) -> str:
    siren = luhn_complete(str(rng.randint(3, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7)))
    return luhn_complete(siren + f"{rng.randint(1, 30):04d}")


def phone(number: int, style: str) -> str:
    """A number of the 04 65 71 xx xx block that ARCEP keeps for fiction, as a partner writes it."""
    digits = f"046571{number % 10000:04d}"
    pairs = [digits[i : i + 2] for i in range(0, 10, 2)]
    if style == "osm":
        return "+33 " + digits[1] + " " + " ".join(pairs[1:])
    return {"dots": ".".join(pairs), "compact": digits}.get(style, " ".join(pairs))


PROFILE_TEXT = {
    "bovin": "Élevage de vaches allaitantes, viande en colis", "fromager": "Vaches laitières, fromages fermiers au lait cru",
    "chevre": "Chèvres en plein air, fromages et yaourts", "maraicher": "Légumes de saison en plein champ et sous serre",
    "volaille": "Volailles élevées en plein air et œufs", "porc": "Porcs fermiers et charcuterie maison",
    "agneau": "Brebis et agneaux de pays", "miel": "Ruchers sédentaires et transhumants",
    "fruits": "Vergers de pommes et de poires, jus et confitures", "pain": "Céréales, farines et pain au levain",
    "plantes": "Plantes aromatiques et médicinales, tisanes", "poisson": "Truites de source",
    "boissons": "Bière et cidre de la ferme",
}  # fmt: skip
VENDING = {"milk": "Distributeur de lait cru", "eggs": "Œufs frais", "food": "Casier fermier"}


def lieu_dit(lieu: str) -> str:
    """'du Fau' -> 'Le Fau', 'de la Sagne' -> 'La Sagne', 'de Chabrier' -> 'Chabrier'."""
    for prefix, article in (
        ("du ", "Le "),
        ("des ", "Les "),
        ("de la ", "La "),
        ("de l'", "L'"),
        ("de ", ""),
    ):
        if lieu.startswith(prefix):
            return article + lieu[len(prefix) :]
    return lieu


# One bad row of each kind: (source, reason family, effect on the build, cells overridden).
# "_coords": the coordinates the row gives ("swapped", None for none); "_address": False = none in OSM.
BAD_ROWS: tuple[tuple[str, str, str, dict[str, object]], ...] = (
    ("chambre-63", "coordinates_swapped", "field", {"_coords": "swapped"}),
    ("chambre-63", "coordinates_sea", "field", {"lat": 46.15, "lon": -3.2}),  # Bay of Biscay, 90 km offshore
    ("chambre-63", "html_name", "record", {"name": "<script>alert(1)</script>Ferme"}),
    ("chambre-63", "missing_name", "record", {"name": ""}),
    ("chambre-63", "unknown_vocabulary", "field", {"products": "Escargots, Légumes"}),
    ("chambre-63", "siret", "field", {"siret": "12345678901234"}),
    (
        "pnr-livradois-forez",
        "unknown_commune",
        "record",
        {"city": "Trifouilly-les-Oies", "postcode": "", "_coords": None},
    ),
    (
        "pnr-livradois-forez",
        "ambiguous_commune",
        "record",
        {"city": "Saint-Germain", "postcode": "", "_coords": None},
    ),
    ("pnr-livradois-forez", "phone", "field", {"phone": "12 34"}),
    ("pnr-livradois-forez", "unknown_vocabulary", "field", {"labels": "Agriculture raisonnée"}),
    ("osm-livradois", "opening_hours", "field", {"opening_hours": "quand les poules pondent"}),
    (
        "osm-livradois",
        "coordinates_sea",
        "record",
        {"_coords": (45.9, -2.6), "_address": False},
    ),  # nothing to fall back on
)
