"""France at scale, for benchmarks: `n` listings over every metropolitan commune, vectorised
(10^6 rows in well under a minute), in the formats of the demo; a tenth of the OSM elements are
Chambre farms a few metres away (the manifest's duplicate groups), and bad rows of each kind
are planted (`national_errors`, the manifest's `bad_rows`). A département's Chambre sends its
part as a workbook: the only XLSX, kept at XLSX_ROWS (openpyxl takes minutes over 10^6 rows,
writing or reading).

`sirets` is also what bench/synthetic.py draws its SIRET numbers with.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np
import pandas as pd

from courtcircuit.communes import Commune, CommuneIndex
from etl.demo import names as gn
from etl.demo.model import CLOSED, OPEN, Manifest, Table, lambert93
from etl.demo.national_errors import plant_errors
from etl.demo.writers import LATIN1

XLSX_ROWS = 2_000


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
    x, y = lambert93().transform(plon, plat)
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

    in_xlsx = min(XLSX_ROWS, len(chambre) // 10)  # the last rows, after the twins
    workbook = chambre.iloc[len(chambre) - in_xlsx :].reset_index(drop=True)
    chambre = chambre.iloc[: len(chambre) - in_xlsx]
    tables = [
        Table("chambre-france", "producers-table", "chambre-agriculture.xlsx", 20, "2026-09-30",
              "Chambres d'agriculture (fictif)", True, "chambre-mapping.toml", gn.CHAMBRE, frame=chambre,
              licence=CLOSED),
        Table("pnr-france", "producers-table", "parcs.csv", 30, "2026-06-12", "Parcs naturels régionaux (fictif)",
              True, "pnr-mapping.toml", gn.PNR, "latin-1", frame=pnr, licence=OPEN),
        Table("amap-france", "amap-table", "amap.csv", 40, "2026-09-01", "AMAP (fictif)", columns=gn.AMAP, frame=amap, licence="CC-BY 4.0"),
        Table("marches-france", "markets-table", "marches.csv", 40, "2026-05-20", "Marchés (fictif)",
              columns=gn.MARKETS, frame=markets, licence=OPEN),
        Table("osm-france", "osm-overpass", "osm-france.overpass.json", 50, "2026-10-15",
              "OpenStreetMap (extrait fictif)", rows=elements, licence="ODbL 1.0"),
        Table("chambre-departement", "producers-table", "chambre-departement.xlsx", 20, "2026-09-30",
              "Chambre d'agriculture départementale (fictif)", True, "chambre-departement-mapping.toml",
              gn.CHAMBRE, frame=workbook, licence=CLOSED),
    ]  # fmt: skip
    tables[0].kinds["producteur"], tables[2].kinds["amap"], tables[3].kinds["marche"] = (
        len(chambre),
        counts[3],
        counts[4],
    )
    tables[5].kinds["producteur"] = in_xlsx
    tables[1].kinds.update(Counter(gn.PNR_CATEGORIES[c][1] for c in category.tolist()))
    tables[4].kinds.update(Counter(gn.OSM_KINDS[c][1] for c in kind.tolist()))
    refs = chambre["ref"].tolist()
    manifest.duplicate_groups = [
        [("chambre-france", refs[j]), ("osm-france", f"node/{ids[j]}")] for j in range(twins)
    ]
    spoil = dict(zip(("chambre", "pnr", "amap", "marches", "osm"), tables, strict=False))
    plant_errors(spoil, manifest, rng, twins)
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
