"""Who lists what in the demo: the six Livradois source files, the entries each one has for the
places of the territory, with duplicates across sources, near-but-different places and bad rows
planted on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from courtcircuit.communes import CommuneIndex
from etl.demo import names as gn
from etl.demo.model import CLOSED, OPEN, Coords, Table
from etl.demo.territory import DemoPlace, Territory
from etl.resolve import name_key

OSM, CHAMBRE, PNR = "osm-livradois", "chambre-63", "pnr-livradois-forez"
AMAPS, MARKETS, REAL = "amap-livradois", "marches-livradois", "initiatives-reelles"
REAL_CELLS = ("description", "street", "postcode", "city", "opening_hours", "channels", "products", "labels")


def demo_tables() -> list[Table]:
    return [
        Table(REAL, "producers-table", "initiatives-reelles.csv", 10, "2026-10-01", "Initiatives citées dans les "
              "documents de référence", False, "initiatives-mapping.toml", gn.INITIATIVES, "utf-8-sig",
              licence=OPEN),
        Table(CHAMBRE, "producers-table", "chambre-agriculture-63.xlsx", 20, "2026-09-30",
              "Chambre d'agriculture du Puy-de-Dôme (fictif)", True, "chambre-mapping.toml", gn.CHAMBRE,
              licence=CLOSED),
        Table(PNR, "producers-table", "pnr-livradois-forez.csv", 30, "2026-06-12",
              "Parc naturel régional Livradois-Forez (fictif)", True, "pnr-mapping.toml", gn.PNR, "latin-1",
              licence=OPEN),
        Table(AMAPS, "amap-table", "amap-livradois.csv", 40, "2026-09-01", "Réseau des AMAP (fictif)", columns=gn.AMAP,
              licence="CC-BY 4.0"),
        Table(MARKETS, "markets-table", "marches-livradois.csv", 40, "2026-05-20",
              "Marchés du Livradois-Forez (fictif)", columns=gn.MARKETS, licence=OPEN),
        Table(OSM, "osm-overpass", "osm-livradois.overpass.json", 50, "2026-10-15", "OpenStreetMap (extrait fictif)",
              licence="ODbL 1.0"),
    ]  # fmt: skip


@dataclass
class Entry:
    place: DemoPlace
    coords: Coords | None  # None: the source only gives the address
    name: str
    overrides: dict[str, object]
    way: bool = False


class Demo(Territory):
    """Places first, then the entries each source has for them, with duplicates and bad rows planted."""

    def __init__(self, communes: CommuneIndex, scale: int, seed: int) -> None:
        super().__init__(communes, scale, seed)
        self.entries: dict[str, list[Entry]] = {t.name: [] for t in demo_tables()}
        self.bad: list[tuple[str, DemoPlace, str, str]] = []
        self.apart: list[tuple[str, DemoPlace, str, DemoPlace, str]] = []

    def add(
        self, source: str, p: DemoPlace, coords: Coords | None, name: str | None = None, **over: object
    ) -> Entry:
        way = source == OSM and p.kind != "distributeur" and self.rng.random() < 0.2
        entry = Entry(p, coords, p.name if name is None else name, over, way)
        self.entries[source].append(entry)
        return entry

    def maybe(self, p: DemoPlace, share: float) -> Coords | None:
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
            p = DemoPlace(
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

    def vending(self, farms: list[DemoPlace], square: DemoPlace) -> None:
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
            self.squashed.update((name_key(a_name), name_key(b_name)))  # one word each
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
