"""Where local food is missing (no Streamlit): for a territory's communes, how far each town hall
is from the nearest outlet of each kind, the share of the population beyond 5, 10 or 20 km, the
most populated communes with nothing near, and the product families no producer offers nearby.

Each commune's population counts at its town hall (INSEE population municipale, in the commune
data the app already has); distances are great-circle, in DuckDB. Outlets are searched in the
territory plus a margin, so a commune at the border is served by the market just across it.
Beyond :data:`CAP_KM` the distance is not computed: it is "more than" that, which is all a
dashboard needs and keeps a région under two seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd

from courtcircuit.communes.model import Commune
from courtcircuit.geo import EARTH_RADIUS_KM
from courtcircuit.vocab import PRODUCTS

CAP_KM = 40.0
THRESHOLDS_KM = (5, 10, 20)
PRODUCT_KM = 30.0


@dataclass(frozen=True)
class Access:
    fr: str
    en: str
    sql: str  # the condition on a listing (a constant)

    def label(self, lang: str = "fr") -> str:
        return self.en if lang == "en" else self.fr


# The ways a resident buys directly.
ACCESS: dict[str, Access] = {
    "ferme": Access(
        "Vente à la ferme ou magasin de producteurs",
        "Farm shop or producers' shop",
        "kind = 'magasin_producteurs' OR (kind = 'producteur' AND list_contains(channels, 'vente_ferme'))",
    ),
    "marche": Access("Marché", "Market", "kind = 'marche'"),
    "amap": Access("AMAP / paniers", "AMAP / box scheme", "kind = 'amap'"),
    "distributeur": Access("Distributeur automatique", "Vending machine", "kind = 'distributeur'"),
}
_KM = (
    f"2 * {EARTH_RADIUS_KM} * asin(sqrt(pow(sin(radians(o.lat - c.lat) / 2), 2) + "
    "cos(radians(c.lat)) * cos(radians(o.lat)) * pow(sin(radians(o.lon - c.lon) / 2), 2)))"
)


@dataclass(frozen=True)
class GapReport:
    communes: pd.DataFrame  # insee, name, population, lat, lon, then km_<access> (NaN: beyond CAP_KM)
    shares: pd.DataFrame  # access, label, threshold_km, population_beyond, share_beyond
    products: pd.DataFrame  # product, label, population_beyond, share_beyond (no producer within PRODUCT_KM)
    population: int

    def most_deprived(self, km: float = 10, limit: int = 15) -> pd.DataFrame:
        """Communes with no outlet of any kind within ``km``, most populated first."""
        columns = [f"km_{a}" for a in ACCESS]
        nearest = self.communes[columns].min(axis=1, skipna=True)
        far = self.communes[nearest.isna() | (nearest > km)].copy()
        far["km_nearest"] = nearest[far.index]
        return far.sort_values(["population", "name"], ascending=[False, True]).head(limit)


def _communes_frame(communes: Iterable[Commune]) -> pd.DataFrame:
    rows = [(c.insee, c.name, int(c.population or 0), *c.point) for c in communes if c.point is not None]
    return pd.DataFrame(rows, columns=["insee", "name", "population", "lat", "lon"])


def _nearest(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, condition: str, cap_km: float) -> pd.Series:
    """km from each commune's town hall to the nearest active listing meeting ``condition``
    (a constant), NaN beyond ``cap_km``. The box join lets DuckDB prune pairs before any sine."""
    dlat = math.degrees(cap_km / EARTH_RADIUS_KM)
    south, north = frame["lat"].min() - dlat, frame["lat"].max() + dlat
    dlon = dlat / max(math.cos(math.radians(max(abs(south), abs(north)))), 0.05)
    west, east = frame["lon"].min() - dlon, frame["lon"].max() + dlon
    cur = con.cursor()
    try:
        cur.register("gap_communes", frame[["insee", "lat", "lon"]])
        found = cur.execute(
            f"WITH o AS (SELECT lat, lon FROM listings WHERE status = 'active' AND ({condition}) "  # noqa: S608
            "AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?) "
            f"SELECT c.insee, min({_KM}) AS km FROM gap_communes c JOIN o "
            "ON o.lat BETWEEN c.lat - ? AND c.lat + ? AND o.lon BETWEEN c.lon - ? AND c.lon + ? "
            "GROUP BY c.insee",
            [south, north, west, east, dlat, dlat, dlon, dlon],
        ).df()
    finally:
        cur.close()
    km = frame["insee"].map(dict(zip(found["insee"], found["km"], strict=True)))
    return km.where(km <= cap_km)


def _share_rows(frame: pd.DataFrame, column: str, total: int, thresholds: Iterable[float]) -> list[tuple]:
    rows = []
    for t in thresholds:
        beyond = int(frame.loc[frame[column].isna() | (frame[column] > t), "population"].sum())
        rows.append((t, beyond, beyond / total if total else 0.0))
    return rows


def food_gaps(
    con: duckdb.DuckDBPyConnection,
    communes: Iterable[Commune],
    thresholds: Iterable[float] = THRESHOLDS_KM,
    product_km: float = PRODUCT_KM,
) -> GapReport:
    """The gaps of the territory made of ``communes``."""
    frame = _communes_frame(communes)
    thresholds = tuple(thresholds)
    total = int(frame["population"].sum())
    shares = []
    if frame.empty:
        empty = pd.DataFrame(columns=["access", "label", "threshold_km", "population_beyond", "share_beyond"])
        return GapReport(
            frame, empty, pd.DataFrame(columns=["product", "label", "population_beyond", "share_beyond"]), 0
        )
    cap = max(CAP_KM, *thresholds)
    for access, kind in ACCESS.items():
        frame[f"km_{access}"] = _nearest(con, frame, kind.sql, cap)
        shares += [(access, kind.fr, *row) for row in _share_rows(frame, f"km_{access}", total, thresholds)]
    products = []
    for term in PRODUCTS.terms:
        # A constant per vocabulary code: the code is checked against the vocabulary, not typed.
        condition = f"kind = 'producteur' AND list_contains(products, '{term.code}')"
        km = _nearest(con, frame, condition, product_km)
        beyond = int(frame.loc[km.isna(), "population"].sum())
        products.append((term.code, term.label(), beyond, beyond / total if total else 0.0))
    return GapReport(
        frame,
        pd.DataFrame(
            shares, columns=["access", "label", "threshold_km", "population_beyond", "share_beyond"]
        ),
        pd.DataFrame(products, columns=["product", "label", "population_beyond", "share_beyond"])
        .sort_values(["population_beyond", "label"], ascending=[False, True])
        .reset_index(drop=True),
        total,
    )
