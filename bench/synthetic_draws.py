"""What the synthetic directory is drawn from, and the draws: where people live (communes
weighted by population, a point around the town hall) and, per listing, integer codes and
bitmasks for its kind, channels, labels, products, hours and buyer fields.

Shares per kind are set here; the words come from courtcircuit.vocab and etl.demo.names.
`bench.synthetic` turns the draws into the directory's tables.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from courtcircuit.communes import CommuneIndex
from courtcircuit.vocab import AB_STATUS, CHANNELS, KINDS, LABELS, PRODUCTS
from etl.demo import names as gn
from etl.demo.national import sirets

# Metropolitan France with Corsica (south, north, west, east), as etl.demo.national clips its points.
FRANCE_BBOX = (41.3, 51.1, -5.2, 9.6)
KM_PER_DEGREE = 111.195
JITTER_KM = 2.0  # standard deviation of the offset from the town hall, on each axis
AT_TOWNHALL = 0.12  # share of listings geocoded to the commune only (geo_precision 'commune')

KIND_SHARES = {
    "producteur": 0.55, "point_de_vente": 0.10, "marche": 0.09, "distributeur": 0.08, "amap": 0.06,
    "magasin_producteurs": 0.04, "drive": 0.03, "transformation": 0.03, "logistique": 0.02,
}  # fmt: skip
# Kind -> probability of each sales channel (independent draws).
CHANNEL_P = {
    "producteur": {"vente_ferme": 0.65, "marche": 0.35, "amap": 0.12, "magasin_producteurs": 0.12,
                   "drive_distributeur": 0.06, "intermediaire": 0.25, "numerique": 0.12},
    "point_de_vente": {"intermediaire": 0.95, "numerique": 0.2},
    "magasin_producteurs": {"magasin_producteurs": 1.0, "numerique": 0.15},
    "amap": {"amap": 1.0},
    "marche": {"marche": 1.0},
    "drive": {"drive_distributeur": 1.0, "numerique": 0.5},
    "distributeur": {"drive_distributeur": 1.0},
    "transformation": {"soutien": 1.0},
    "logistique": {"soutien": 1.0, "numerique": 0.1},
}  # fmt: skip
# A producer's labels; other kinds get them scaled by LABEL_FACTOR (organic AMAPs apart).
LABEL_P = {
    "ab": 0.18, "aop": 0.04, "aoc": 0.01, "igp": 0.02, "label_rouge": 0.03, "stg": 0.002, "hve": 0.06,
    "nature_progres": 0.01, "demeter": 0.005, "bienvenue_ferme": 0.05, "accueil_paysan": 0.01,
    "valeurs_parc": 0.02,
}  # fmt: skip
LABEL_FACTOR = {
    "producteur": 1.0, "point_de_vente": 0.6, "magasin_producteurs": 0.6, "marche": 0.6, "amap": 0.0,
    "drive": 0.5, "distributeur": 0.2, "transformation": 0.3, "logistique": 0.1,
}  # fmt: skip
AMAP_AB = 0.5
AB_STATUS_P = {
    "certifie": 0.8,
    "conversion_c1": 0.06,
    "conversion_c2": 0.05,
    "conversion_c3": 0.05,
    "conversion": 0.04,
}
# How many product profiles (etl.demo.names.PROFILES) a listing of each kind sells.
PROFILES_PER_KIND = {
    "producteur": 1, "point_de_vente": 3, "magasin_producteurs": 3, "marche": 3, "amap": 2, "drive": 3,
    "distributeur": 1, "transformation": 1, "logistique": 0,
}  # fmt: skip
KIND_NAME = {
    "point_de_vente": "Épicerie", "magasin_producteurs": "Magasin de producteurs", "marche": "Marché",
    "amap": "AMAP", "drive": "Drive fermier", "distributeur": "Distributeur", "transformation": "Atelier de découpe",
    "logistique": "Plateforme logistique",
}  # fmt: skip
DELIVERY_RADII = (None, 0, 10, 30, 50, 80, 150)
DELIVERY_FREQUENCIES = ("hebdomadaire", "à la demande", "2 fois par semaine", "tous les 15 jours")
STREETS = ("Place du Marché", "Salle des fêtes", "Grande Rue", "Route de la Gare", "Parking de la gare",
           "Ancienne école", "Chemin des Vignes", "Rue de l'Église")  # fmt: skip
DESCRIPTIONS = (
    "Élevage de vaches allaitantes, viande en colis.", "Vaches laitières, fromages fermiers au lait cru.",
    "Légumes de saison en plein champ et sous serre.", "Vergers de pommes et de poires, jus et confitures.",
    "Produits locaux de producteurs à moins de 50 km.", "Paniers hebdomadaires sur abonnement.",
)  # fmt: skip

# Opening hours: (OSM expression, French text). etl.demo.names has farms, shops and markets.
_FARM = gn.FARM_HOURS
_SHOP = gn.SHOP_HOURS
_MARKET = tuple((osm, text) for text, osm in gn.MARKET_DAYS)
_AMAP = (("Tu 17:30-18:30", "mardi 17h30-18h30"), ("Th 18:00-19:00", "jeudi 18h-19h"),
         ("Fr 17:00-19:00", "vendredi 17h-19h"), ("We 18:00-19:30", "mercredi 18h-19h30"))  # fmt: skip
_ALWAYS = (("24/7", "24h/24, 7j/7"),)
_WORKSHOP = (("Mo-Fr 08:00-12:00,14:00-17:00", "du lundi au vendredi 8h-12h et 14h-17h"),)
# Kind -> (share with known hours, the expressions drawn from).
HOURS_BY_KIND = {
    "producteur": (0.65, _FARM), "point_de_vente": (0.85, _SHOP), "magasin_producteurs": (0.9, _SHOP),
    "amap": (0.9, _AMAP), "marche": (0.95, _MARKET), "drive": (0.9, _FARM[:3]), "distributeur": (0.9, _ALWAYS),
    "transformation": (0.4, _WORKSHOP), "logistique": (0.4, _WORKSHOP),
}  # fmt: skip
HOURS = tuple(dict.fromkeys(h for _, choices in HOURS_BY_KIND.values() for h in choices))

assert set(KIND_SHARES) == set(KINDS.codes()) == set(CHANNEL_P) == set(HOURS_BY_KIND)
assert set(LABEL_P) == set(LABELS.codes()) and set(AB_STATUS_P) == set(AB_STATUS.codes())


# ---------------------------------------------------------------------------- where people live


@cache
def towns() -> pd.DataFrame:
    """Metropolitan communes with a point and a population, one row each (ci = row number).

    CommuneIndex has no public iterator, so this reads its private table ``_t.communes``;
    acceptable inside a benchmark (etl.demo.national.metropolitan probes ``get`` code by code instead,
    which would do as well). Paris, Lyon and Marseille are replaced by their arrondissements,
    which the table also holds, so that their people are not counted twice.
    """
    index = CommuneIndex.load()
    split = set(index._t.arrondissements)
    rows = [
        (c.insee, c.name, gn.of(c.name), c.postcodes[0] if c.postcodes else None, c.departement,
         *c.point, c.population)
        for c in index._t.communes.values()
        if c.point is not None and c.population and c.insee not in split and not c.departement.startswith("97")
    ]  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=["insee", "city", "of_city", "postcode", "departement", "lat", "lon", "population"]
    )
    south, north, west, east = FRANCE_BBOX
    inside = frame["lat"].between(south, north) & frame["lon"].between(west, east)
    frame = frame[inside].sort_values("insee").reset_index(drop=True)
    frame.insert(0, "ci", np.arange(len(frame), dtype=np.int32))
    return frame


def sample_points(
    rng: np.random.Generator, k: int, jitter_km: float = JITTER_KM
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """k (commune row, lat, lon): communes weighted by population, Gaussian offset around the town hall."""
    t = towns()
    weights = t["population"].to_numpy(dtype=float)
    ci = rng.choice(len(t), size=k, p=weights / weights.sum())
    lat0, lon0 = t["lat"].to_numpy()[ci], t["lon"].to_numpy()[ci]
    lat = lat0 + rng.normal(0.0, jitter_km / KM_PER_DEGREE, k)
    lon = lon0 + rng.normal(0.0, jitter_km, k) / (KM_PER_DEGREE * np.cos(np.radians(lat0)))
    south, north, west, east = FRANCE_BBOX
    return ci, np.clip(lat, south, north).round(6), np.clip(lon, west, east).round(6)


# ---------------------------------------------------------------------------- drawing the listings


def _bitmask(rng: np.random.Generator, kind: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Per row, bit j set with probability probs[kind, j] (one draw per vocabulary term, not per row)."""
    mask = np.zeros(len(kind), dtype=np.int64)
    for j in range(probs.shape[1]):
        mask |= (rng.random(len(kind)) < probs[kind, j]).astype(np.int64) << j
    return mask


def _codes(values: np.ndarray, categories: tuple | list) -> pd.Categorical:
    """Integer codes (-1 = NULL) as a pandas Categorical, which DuckDB reads as an ENUM."""
    return pd.Categorical.from_codes(values, categories=list(categories))


def draw_listings(n: int, seed: int) -> pd.DataFrame:
    """One row per listing, numbers and codes only; strings and lists are made in SQL."""
    rng = np.random.default_rng(seed)
    t = towns()
    kinds = KINDS.codes()
    ci, lat, lon = sample_points(rng, n)
    kind = rng.choice(len(kinds), n, p=[KIND_SHARES[k] for k in kinds])
    producer = kind == kinds.index("producteur")
    at_townhall = rng.random(n) < AT_TOWNHALL
    lat = np.where(at_townhall, t["lat"].to_numpy()[ci].round(6), lat)
    lon = np.where(at_townhall, t["lon"].to_numpy()[ci].round(6), lon)

    channels = CHANNELS.codes()
    channel_p = np.array([[CHANNEL_P[k].get(c, 0.0) for c in channels] for k in kinds])
    channel_mask = _bitmask(rng, kind, channel_p)
    channel_mask[producer & (channel_mask == 0)] = 1 << channels.index("vente_ferme")
    labels = LABELS.codes()
    label_p = np.array([[LABEL_P[c] * LABEL_FACTOR[k] for c in labels] for k in kinds])
    label_p[kinds.index("amap"), labels.index("ab")] = AMAP_AB
    label_mask = _bitmask(rng, kind, label_p)
    organic = (label_mask >> labels.index("ab")) & 1 == 1
    ab_status = rng.choice(len(AB_STATUS_P), n, p=list(AB_STATUS_P.values()))

    profiles = list(gn.PROFILES.values())
    product_codes = PRODUCTS.codes()
    profile_mask = np.array(
        [
            sum(1 << product_codes.index(c) for c in set(PRODUCTS.parse_list(", ".join(p[2]))[0]))
            for p in profiles
        ],
        dtype=np.int64,
    )
    weights = np.array([p[0] for p in profiles], dtype=float)
    how_many = np.array([PROFILES_PER_KIND[k] for k in kinds])[kind]
    first = rng.choice(len(profiles), n, p=weights / weights.sum())
    product_mask = np.where(how_many >= 1, profile_mask[first], 0)
    for j in (1, 2):
        other = rng.choice(len(profiles), n, p=weights / weights.sum())
        product_mask |= np.where(how_many > j, profile_mask[other], 0)

    # Name: a producer is "<its profile's prefix> <lieu-dit>", the others "<kind> de <commune>".
    prefixes = [p[1][0].replace("{lieu}", "").strip() for p in profiles]
    heads = list(dict.fromkeys(prefixes + list(KIND_NAME.values())))
    kind_head = np.array([heads.index(KIND_NAME[k]) if k in KIND_NAME else -1 for k in kinds])[kind]
    head = np.where(producer, np.array([heads.index(p) for p in prefixes])[first], kind_head)

    hours = np.full(n, -1, dtype=np.int32)
    for k, (share, choices) in HOURS_BY_KIND.items():  # one pass per kind, vectorised inside
        rows = np.flatnonzero(kind == kinds.index(k))
        picked = np.array([HOURS.index(h) for h in choices])[rng.integers(0, len(choices), len(rows))]
        hours[rows] = np.where(rng.random(len(rows)) < share, picked, -1)

    delivers = np.where(producer, (rng.random(n) < 0.5).astype(np.int8), np.int8(-1))
    radius_pick = np.array([np.nan if r is None else float(r) for r in DELIVERY_RADII])[
        rng.integers(0, len(DELIVERY_RADII), n)
    ]
    deliver = delivers == 1
    siret = sirets(rng, n)
    has_siret = rng.random(n) < np.where(producer, 0.7, 0.4)
    ident = (np.arange(n, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(seed)) & np.uint64(
        (1 << 48) - 1
    )  # a bijection of the row number: unique, random-looking 12-hex-digit ids
    return pd.DataFrame(
        {
            "ident": ident.astype(np.int64),
            "ci": ci.astype(np.int32),
            "lat": lat,
            "lon": lon,
            "kind": _codes(kind, kinds),
            "precision": _codes(at_townhall.astype(np.int8), ("exact", "commune")),
            "head": _codes(head, heads),
            "lieu": _codes(rng.integers(0, len(gn.LIEUX), n), gn.LIEUX),
            "description": _codes(
                np.where(rng.random(n) < 0.6, rng.integers(0, len(DESCRIPTIONS), n), -1), DESCRIPTIONS
            ),
            "street": _codes(np.where(rng.random(n) < 0.85, rng.integers(0, len(STREETS), n), -1), STREETS),
            "phone_zone": np.where(rng.random(n) < 0.75, rng.choice([1, 2, 3, 4, 5, 6, 7], n), 0),
            "phone_rest": rng.integers(0, 100_000_000, n),
            "has_email": rng.random(n) < 0.25,
            "has_website": rng.random(n) < 0.2,
            "hours": hours,
            "channel_mask": channel_mask,
            "label_mask": label_mask,
            "ab_status": _codes(np.where(organic, ab_status, -1), list(AB_STATUS_P)),
            "product_mask": product_mask,
            "delivers": delivers,
            "radius": np.where(deliver, radius_pick, np.nan),
            "volume_kg": np.where(deliver & (rng.random(n) < 0.3), rng.integers(1, 20, n) * 10, 0),
            "frequency": _codes(
                np.where(deliver, rng.integers(0, len(DELIVERY_FREQUENCIES), n), -1), DELIVERY_FREQUENCIES
            ),
            "gtin": np.where(producer, (deliver & (rng.random(n) < 0.4)).astype(np.int8), np.int8(-1)),
            "approval": np.where(
                (kind == kinds.index("transformation")) | (producer & (rng.random(n) < 0.05)),
                rng.integers(1, 1_000_000, n),
                0,
            ),
            "siret": np.where(has_siret, siret, None),
            "verified_day": rng.integers(0, 880, n),
            "closed": rng.random(n) < 0.01,
        }
    )
