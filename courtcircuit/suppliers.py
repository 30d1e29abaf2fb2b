"""Which local producers can supply my shop or canteen? Queries for buyers (no Streamlit).

The rule that matters to buyers is the producer's own: "ce sont les producteurs qui expliquent
jusqu'où ils sont prêts à livrer". A producer can deliver to a store when it says it delivers
and the store lies within its declared delivery radius (distance ≤ radius; a radius of 0 km
means it only delivers where it is). A producer that delivers but gave no radius is never
counted as delivering: it is shown as "rayon de livraison non renseigné" in the nearby view.

Distances are great-circle (haversine) from the store. User values reach SQL only as ``?``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from courtcircuit.communes import CommuneIndex
from courtcircuit.geo import Area, haversine_sql
from courtcircuit.schema import SUPPLIER_COLUMNS
from courtcircuit.search_counts import bit_counts
from courtcircuit.vocab import PRODUCTS, STORE_KINDS

NEAR_PRESETS_KM = (30, 80, 150)  # what buyers call "local" (DOMAIN.md: 100, 150, 350 km)
COVERAGE_BANDS_KM = (30, 80, 150)
# Distances are computed in floating point: a producer exactly at its radius must count.
RADIUS_TOLERANCE_KM = 1e-6

DELIVERY = {
    "livre": "Livre votre établissement",
    "trop_loin": "Livre, mais pas jusqu'ici",
    "rayon_inconnu": "Rayon de livraison non renseigné",
    "ne_livre_pas": "Ne livre pas",
    "non_renseigne": "Livraison non renseignée",
}


class StoreOutsideFrance(ValueError):
    """The store's position is in no French commune (abroad, or in the sea)."""


@dataclass(frozen=True)
class Store:
    lat: float
    lon: float
    kind: str = "supermarche"
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in STORE_KINDS:
            raise ValueError(f"type d'établissement inconnu : {self.kind!r}")
        Area(self.lat, self.lon, 1.0)  # validates the coordinates


def check_in_france(store: Store, communes: CommuneIndex) -> str:
    """The INSEE code of the store's commune; raises StoreOutsideFrance when there is none."""
    commune = communes.containing(store.lat, store.lon)
    if commune is None:
        raise StoreOutsideFrance(
            f"La position {store.lat:.4f}, {store.lon:.4f} n'est dans aucune commune française : "
            "l'annuaire ne couvre que la France."
        )
    return commune.insee


@dataclass(frozen=True)
class SupplierFilters:
    products: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    ab_status: tuple[str, ...] = ()  # certifie, conversion_c1…: narrows the AB label
    gtin: bool = False  # barcode (GTIN/EAN) available
    sanitary: bool = False  # sanitary approval (agrément CE) stated
    siret: bool = False
    volumes: bool = False  # volumes stated
    frequencies: tuple[str, ...] = ()  # delivery frequency, as the producers wrote it


def _distance_sql() -> str:
    return haversine_sql()


def _filter_sql(filters: SupplierFilters) -> tuple[str, list[object]]:
    parts, params = [], []
    if filters.products:
        parts.append("list_has_any(products, ?::VARCHAR[])")
        params.append(list(filters.products))
    if filters.labels:
        parts.append("list_has_any(labels, ?::VARCHAR[])")
        params.append(list(filters.labels))
    if filters.ab_status:
        parts.append("list_contains(?::VARCHAR[], ab_status)")
        params.append(list(filters.ab_status))
    if filters.gtin:
        parts.append("gtin_available")
    if filters.sanitary:
        parts.append("nullif(trim(sanitary_approval), '') IS NOT NULL")
    if filters.siret:
        parts.append("siret IS NOT NULL")
    if filters.volumes:
        parts.append("nullif(trim(volumes), '') IS NOT NULL")
    if filters.frequencies:
        parts.append("list_contains(?::VARCHAR[], delivery_frequency)")
        params.append(list(filters.frequencies))
    return " AND ".join(parts) or "TRUE", params


_STATE_SQL = (
    "CASE WHEN delivers AND delivery_radius_km IS NOT NULL AND distance_km <= delivery_radius_km + ? THEN 'livre' "
    "WHEN delivers AND delivery_radius_km IS NULL THEN 'rayon_inconnu' "
    "WHEN delivers THEN 'trop_loin' WHEN NOT delivers THEN 'ne_livre_pas' ELSE 'non_renseigne' END"
)


def _max_radius(con: duckdb.DuckDBPyConnection) -> float:
    """The largest delivery radius in the directory: how far a deliverer can be. Over every
    listing, not only the active delivering producers: a bound is all the box needs, and one
    numeric column reads in about 1 ms at 10^6 listings, where the filtered maximum took 18."""
    (value,) = con.execute("SELECT max(delivery_radius_km) FROM listings").fetchone()
    return float(value or 0.0)


def _suppliers_sql(
    con: duckdb.DuckDBPyConnection,
    store: Store,
    filters: SupplierFilters = SupplierFilters(),
    *,
    within_km: float | None = None,
) -> tuple[str, list[object]]:
    """The query behind :func:`suppliers` and :func:`coverage`, and its parameters."""
    reach = _max_radius(con) if within_km is None else float(within_km)
    south, north, west, east = Area(store.lat, store.lon, max(reach, 0.001)).bbox()
    where, params = _filter_sql(filters)
    cols = ", ".join(SUPPLIER_COLUMNS)
    limit = "delivery = 'livre'" if within_km is None else "distance_km <= ?"
    inner = (
        f"SELECT {cols}, {_distance_sql()} AS distance_km FROM listings "
        "WHERE status = 'active' AND kind = 'producteur' AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? "
        f"AND {where}"
    )
    sql = (
        f"SELECT * FROM (SELECT *, {_STATE_SQL} AS delivery FROM ({inner})) "
        f"WHERE {limit} ORDER BY distance_km, name, id"
    )
    # Parameters in the order their ? appear in the text: the CASE first, then the inner SELECT.
    args: list[object] = [RADIUS_TOLERANCE_KM, store.lat, store.lat, store.lon, south, north, west, east]
    args += params
    if within_km is not None:
        args.append(float(within_km))
    return sql, args


def suppliers(
    con: duckdb.DuckDBPyConnection,
    store: Store,
    filters: SupplierFilters = SupplierFilters(),
    *,
    within_km: float | None = None,
) -> pd.DataFrame:
    """Producers for ``store``, nearest first, with ``distance_km`` and ``delivery`` (a DELIVERY code).

    ``within_km=None``: only the producers who can deliver to the store (their radius covers it).
    ``within_km=N``: every producer within N km, whether it delivers here or not.
    """
    return con.execute(*_suppliers_sql(con, store, filters, within_km=within_km)).df()


def coverage(
    con: duckdb.DuckDBPyConnection, store: Store, filters: SupplierFilters = SupplierFilters()
) -> pd.DataFrame:
    """Producers per product family and distance band (≤30, ≤80, ≤150 km; bands include the
    nearer ones), and how many of them deliver to the store. Product filters are ignored:
    every family gets a row, so gaps show as zeros."""
    wider = SupplierFilters(**{**filters.__dict__, "products": ()})
    where, params = _filter_sql(wider)
    reach = max(COVERAGE_BANDS_KM)
    south, north, west, east = Area(store.lat, store.lon, reach).bbox()
    # At 10^6 listings the 150 km band holds ~50,000 producers: a few numbers each (the product
    # bits, courtcircuit.schema.FACET_BITS), counted in numpy, rather than their product lists.
    table = con.execute(
        "SELECT distance_km, product_bits, coalesce(delivers AND delivery_radius_km IS NOT NULL "
        "AND distance_km <= delivery_radius_km + ?, FALSE) AS delivering FROM ("
        f"SELECT product_bits, delivers, delivery_radius_km, {_distance_sql()} AS distance_km FROM listings "
        "WHERE status = 'active' AND kind = 'producteur' AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? "
        f"AND {where}) WHERE distance_km <= ?",
        [RADIUS_TOLERANCE_KM, store.lat, store.lat, store.lon, south, north, west, east, *params, reach],
    ).fetchnumpy()
    distance, bits, delivering = table["distance_km"], table["product_bits"], table["delivering"]
    codes = PRODUCTS.codes()
    found, delivered = {}, {}
    for band in COVERAGE_BANDS_KM:
        inside = distance <= band
        found[band] = bit_counts(bits[inside], len(codes))
        delivered[band] = bit_counts(bits[inside & delivering], len(codes))
    return coverage_frame(found, delivered)


def coverage_frame(found: dict[int, np.ndarray], delivered: dict[int, np.ndarray]) -> pd.DataFrame:
    """The coverage table from, per band, the producers (and those delivering) per product family
    (counts in PRODUCTS' order)."""
    codes = PRODUCTS.codes()
    rows = [
        {"product": code, "product_label": PRODUCTS.label(code), "band_km": band,
         "suppliers": int(found[band][i]), "delivering": int(delivered[band][i])}
        for i, code in enumerate(codes)
        for band in COVERAGE_BANDS_KM
    ]  # fmt: skip
    return pd.DataFrame(rows)


def frequencies(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The delivery frequencies producers stated, most common first (for the filter's options)."""
    rows = con.execute(
        "SELECT delivery_frequency, count(*) AS n FROM listings WHERE kind = 'producteur' AND status = 'active' "
        "AND delivery_frequency IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1"
    ).fetchall()
    return [r[0] for r in rows]


@dataclass
class Prospect:
    """Everything the supplier page shows for one store and one set of filters."""

    deliverers: pd.DataFrame  # producers whose radius covers the store
    nearby: pd.DataFrame  # producers within the chosen distance, with their delivery state
    coverage: pd.DataFrame  # product family x distance band


def prospect(
    con: duckdb.DuckDBPyConnection, store: Store, filters: SupplierFilters, near_km: float
) -> Prospect:
    cur = con.cursor()
    try:
        # One read of the producers for both lists: those delivering here (within the largest
        # radius) and those within near_km; each list is then a slice, in the same order.
        reach = max(_max_radius(cur), float(near_km))
        sql, args = _suppliers_sql(cur, store, filters, within_km=reach)
        both = cur.execute(
            f"SELECT * FROM ({sql}) WHERE delivery = 'livre' OR distance_km <= ? ORDER BY distance_km, name, id",
            [*args, float(near_km)],
        ).df()
        both["delivery_label"] = both["delivery"].map(DELIVERY)
        deliverers = both[both["delivery"] == "livre"].reset_index(drop=True)
        nearby = both[both["distance_km"] <= float(near_km)].reset_index(drop=True)
        return Prospect(deliverers, nearby, coverage(cur, store, filters))
    finally:
        cur.close()
