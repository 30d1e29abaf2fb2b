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
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from courtcircuit.communes.model import Commune
from courtcircuit.geo import EARTH_RADIUS_KM, haversine_km_many
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


@dataclass(frozen=True)
class _Outlets:
    """The listings of the territory's box, once: their positions projected around the
    territory, and one mask per group (each access kind, each product family's producers)."""

    lats: np.ndarray
    lons: np.ndarray
    xy: np.ndarray  # shapely points in metres
    masks: dict[str, np.ndarray]


def _outlets(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, cap_km: float, project: Transformer
) -> _Outlets:
    """One scan of the box around the territory (plus the cap): every group's condition is a
    column of booleans, so twenty-four groups cost one read of the table."""
    dlat = math.degrees(cap_km / EARTH_RADIUS_KM)
    south, north = frame["lat"].min() - dlat, frame["lat"].max() + dlat
    dlon = dlat / max(math.cos(math.radians(max(abs(south), abs(north)))), 0.05)
    west, east = frame["lon"].min() - dlon, frame["lon"].max() + dlon
    groups = {f"a_{code}": access.sql for code, access in ACCESS.items()}
    # Constants per vocabulary code: codes come from the vocabulary, never from outside.
    groups |= {
        f"p_{t.code}": f"kind = 'producteur' AND list_contains(products, '{t.code}')" for t in PRODUCTS.terms
    }
    columns = ", ".join(f"coalesce({sql}, false) AS {name}" for name, sql in groups.items())
    cur = con.cursor()
    try:
        found = cur.execute(
            f"SELECT lat, lon, {columns} FROM listings WHERE status = 'active' "  # noqa: S608
            "AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?",
            [south, north, west, east],
        ).fetchnumpy()
    finally:
        cur.close()
    lats, lons = np.asarray(found["lat"], float), np.asarray(found["lon"], float)
    masks = {name: np.asarray(found[name], bool) for name in groups}
    return _Outlets(lats, lons, shapely.points(*project.transform(lons, lats)), masks)


def _nearest(
    frame: pd.DataFrame, towns: np.ndarray, outlets: _Outlets, group: str, cap_km: float
) -> pd.Series:
    """km from each commune's town hall to the nearest outlet of ``group``, NaN beyond ``cap_km``.

    The nearest is found by a shapely STRtree in an azimuthal equidistant projection centred on
    the territory (metres, within 0.1 % over a région); its distance is then the haversine, as
    everywhere else in the directory. (A pair join in SQL took 100 s for a région over
    1,000,000 listings; python -m bench.food_gaps.)"""
    km = pd.Series(np.nan, index=frame.index)
    mask = outlets.masks[group]
    if not mask.any():
        return km
    chosen = np.flatnonzero(mask)
    tree = shapely.STRtree(outlets.xy[chosen])
    # A little beyond the cap: the projection's scale error must not drop a pair at the edge.
    town, hit = tree.query_nearest(towns, max_distance=cap_km * 1005.0, all_matches=False)
    lat, lon = frame["lat"].to_numpy(float), frame["lon"].to_numpy(float)
    km.iloc[town] = haversine_km_many(
        lat[town], lon[town], outlets.lats[chosen[hit]], outlets.lons[chosen[hit]]
    )
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
    cap = max(CAP_KM, *thresholds, product_km)
    centre = f"+proj=aeqd +lat_0={frame['lat'].mean()} +lon_0={frame['lon'].mean()} +datum=WGS84 +units=m"
    project = Transformer.from_crs("EPSG:4326", centre, always_xy=True)
    outlets = _outlets(con, frame, cap, project)
    towns = shapely.points(*project.transform(frame["lon"].to_numpy(float), frame["lat"].to_numpy(float)))
    for access, kind in ACCESS.items():
        frame[f"km_{access}"] = _nearest(frame, towns, outlets, f"a_{access}", max(CAP_KM, *thresholds))
        shares += [(access, kind.fr, *row) for row in _share_rows(frame, f"km_{access}", total, thresholds)]
    products = []
    for term in PRODUCTS.terms:
        km = _nearest(frame, towns, outlets, f"p_{term.code}", product_km)
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
