"""The supplier page's call, paged (no Streamlit): one pass over the producers around the store
gives both lists' totals, their order, the map's points and the coverage table; only the rows a
table shows get every column.

Near a big city about 10,000 producers can deliver to a store: :func:`courtcircuit.suppliers.
prospect` hands every one of them to the page with every column, which cost five times a full
scan of the directory (``python -m bench.suppliers``). :func:`prospect_page` reads a few small
columns per producer within reach (150 km: the coverage's widest band and the largest delivery
radius, usually), orders the lists in numpy, and reads the other columns for one page of each
list, from a box around that page's producers. The rules (who delivers, the filters, the
order) are courtcircuit.suppliers'; ``tests/test_suppliers_pages.py`` checks that every page is
that slice of ``prospect``'s lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from courtcircuit.geo import Area, haversine_sql
from courtcircuit.schema import SUPPLIER_COLUMNS
from courtcircuit.search_counts import bit_counts
from courtcircuit.suppliers import (
    _STATE_SQL,
    COVERAGE_BANDS_KM,
    DELIVERY,
    RADIUS_TOLERANCE_KM,
    Store,
    SupplierFilters,
    _filter_sql,
    _max_radius,
    coverage_frame,
)
from courtcircuit.vocab import PRODUCTS

if TYPE_CHECKING:  # the index imports this module's STATES
    from courtcircuit.supplier_index import SupplierIndex

PAGE_ROWS = 50  # rows of a supplier table page
STATES = tuple(DELIVERY)  # a delivery state travels as its position in this tuple (1-based in SQL)
LIVRE, RAYON_INCONNU = STATES.index("livre"), STATES.index("rayon_inconnu")
# The columns of the map's points (pages/fournisseurs.py: markers, département outlines).
POINT_COLUMNS = ("id", "name", "lat", "lon", "commune_insee")


@dataclass
class SupplierList:
    """One page of a supplier list: ``rows`` are ranks ``offset`` to ``offset + len(rows)`` of
    ``total`` producers, nearest first (then by name and id), with SUPPLIER_COLUMNS,
    ``distance_km``, ``delivery`` (a DELIVERY code) and ``delivery_label``."""

    rows: pd.DataFrame
    total: int
    offset: int
    ids: tuple[str, ...]  # every producer of the list, in its order


@dataclass
class ProspectPage:
    """Everything the supplier page shows for one store and one set of filters, paged."""

    deliverers: SupplierList  # producers whose radius covers the store
    nearby: SupplierList  # producers within near_km, with their delivery state
    unknown_radius: int  # producers within near_km who deliver without saying how far
    points: pd.DataFrame  # POINT_COLUMNS of the longer list (the map's markers)
    coverage: pd.DataFrame  # product family x distance band, as courtcircuit.suppliers.coverage

    @property
    def ids(self) -> tuple[str, ...]:
        """Every producer of either list (the shortlist keeps only these)."""
        return tuple(dict.fromkeys((*self.deliverers.ids, *self.nearby.ids)))


def _state_code_sql() -> str:
    codes = ", ".join(f"'{code}'" for code in STATES)  # our own constants
    return f"list_position([{codes}], {_STATE_SQL}) - 1"


def _scan(cur: duckdb.DuckDBPyConnection, store: Store, filters: SupplierFilters, near_km: float) -> pa.Table:
    """The producers within reach of ``store`` (the filters but the product one applied): their
    distance, product bits, delivery state, whether they pass the product filter, and the
    point columns of those on either list."""
    reach = max(_max_radius(cur), float(near_km), float(max(COVERAGE_BANDS_KM)))
    south, north, west, east = Area(store.lat, store.lon, max(reach, 0.001)).bbox()
    wider, wider_params = _filter_sql(SupplierFilters(**{**filters.__dict__, "products": ()}))
    if filters.products:
        products_ok, product_params = "list_has_any(products, ?::VARCHAR[])", [list(filters.products)]
    else:
        products_ok, product_params = "TRUE", []
    listed = f"(products_ok AND (state = {LIVRE} OR distance_km <= ?))"
    points = ", ".join(f"CASE WHEN {listed} THEN {c} END AS {c}" for c in POINT_COLUMNS)
    inner = (
        f"SELECT id, name, lat, lon, commune_insee, product_bits, delivers, delivery_radius_km, "  # noqa: S608
        f"{products_ok} AS products_ok, {haversine_sql()} AS distance_km FROM listings "
        "WHERE status = 'active' AND kind = 'producteur' AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? "
        f"AND {wider}"
    )
    sql = (
        f"SELECT distance_km, product_bits, state, products_ok, {listed} AS listed, {points} "  # noqa: S608
        f"FROM (SELECT *, {_state_code_sql()} AS state FROM ({inner})) "
        f"WHERE distance_km <= ? OR {listed}"
    )
    near = float(near_km)
    params = [
        near, *[near] * len(POINT_COLUMNS), RADIUS_TOLERANCE_KM, *product_params,
        store.lat, store.lat, store.lon, south, north, west, east, *wider_params,
        float(max(COVERAGE_BANDS_KM)), near,
    ]  # fmt: skip
    return cur.execute(sql, params).to_arrow_table()


@dataclass
class Reach:
    """The producers within reach of a store: every one the coverage counts (their distance,
    product bits and DELIVERY state as a position in STATES), and those of either list, in the
    lists' order (``listed``: distance_km, state and POINT_COLUMNS)."""

    distance: np.ndarray
    product_bits: np.ndarray
    state: np.ndarray
    listed: pa.Table


def _reach(cur: duckdb.DuckDBPyConnection, store: Store, filters: SupplierFilters, near_km: float) -> Reach:
    table = _scan(cur, store, filters, near_km)
    return Reach(
        table.column("distance_km").to_numpy(),
        pc.fill_null(table.column("product_bits"), 0).to_numpy(),
        table.column("state").to_numpy(),
        _listed_in_order(table),
    )


def _listed_in_order(table: pa.Table) -> pa.Table:
    """The rows of either list, nearest first, then by name and id: ORDER BY distance_km, name,
    id (Arrow compares text byte by byte, as DuckDB does). Both lists share this order."""
    listed = table.filter(pc.fill_null(table.column("listed"), False))  # NULL: a filter did not hold
    keys = [("distance_km", "ascending"), ("name", "ascending"), ("id", "ascending")]
    return listed.take(pc.sort_indices(listed, sort_keys=keys))


def suppliers_by_id(cur: duckdb.DuckDBPyConnection, store: Store, ids: Sequence[str]) -> pd.DataFrame:
    """The producers ``ids`` as the supplier lists show them (SUPPLIER_COLUMNS, distance_km from
    ``store``, delivery, delivery_label), in the order of ``ids``; unknown ids are left out."""
    return _rows(cur, store, list(ids), None)


def _rows(
    cur: duckdb.DuckDBPyConnection,
    store: Store,
    ids: list[str],
    box: tuple[float, float, float, float] | None,
) -> pd.DataFrame:
    cols = ", ".join(SUPPLIER_COLUMNS)
    where, params = "list_contains(?::VARCHAR[], id)", [ids]
    if box is not None:  # the page's producers lie in this box: DuckDB skips the rest of the file
        where += " AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"
        params += list(box)
    sql = (
        f"SELECT *, {_STATE_SQL} AS delivery FROM (SELECT {cols}, {haversine_sql()} AS distance_km "  # noqa: S608
        f"FROM listings WHERE status = 'active' AND kind = 'producteur' AND {where})"
    )
    frame = cur.execute(sql, [RADIUS_TOLERANCE_KM, store.lat, store.lat, store.lon, *params]).df()
    found = set(frame["id"])
    frame = frame.set_index("id").loc[[i for i in ids if i in found]].reset_index()
    frame["delivery_label"] = frame["delivery"].map(DELIVERY)
    return frame


def prospect_page(
    con: duckdb.DuckDBPyConnection,
    store: Store,
    filters: SupplierFilters,
    near_km: float,
    *,
    page_rows: int = PAGE_ROWS,
    deliverers_offset: int = 0,
    nearby_offset: int = 0,
    index: SupplierIndex | None = None,
) -> ProspectPage:
    """The supplier page for ``store``: the lists of :func:`courtcircuit.suppliers.prospect`,
    of which only ``page_rows`` rows each (from ``deliverers_offset`` and ``nearby_offset``)
    carry every column, their totals and order, the map's points and the coverage table.

    ``index``: the file's SupplierIndex (what a server keeps per file): the producers within
    reach are then read from memory; the answer is the same."""
    cur = con.cursor()
    try:
        reach = (
            index.reach(cur, store, filters, near_km)
            if index is not None
            else _reach(cur, store, filters, near_km)
        )
        listed = reach.listed
        state = listed.column("state").to_numpy()
        distance = listed.column("distance_km").to_numpy()
        lists = {
            "deliverers": np.flatnonzero(state == LIVRE),
            "nearby": np.flatnonzero(distance <= float(near_km)),
        }
        offsets = {"deliverers": deliverers_offset, "nearby": nearby_offset}
        shown = {name: at[offsets[name] : offsets[name] + page_rows] for name, at in lists.items()}
        on_pages = listed.take(np.unique(np.concatenate(list(shown.values()))))
        if on_pages.num_rows:
            lat, lon = on_pages.column("lat"), on_pages.column("lon")
            box = (pc.min(lat).as_py(), pc.max(lat).as_py(), pc.min(lon).as_py(), pc.max(lon).as_py())
            rows = _rows(cur, store, on_pages.column("id").to_pylist(), box)
        else:
            rows = _empty()
        rows = rows.set_index("id")
        ids = listed.column("id")

        def page(name: str) -> SupplierList:
            at = lists[name]
            frame = rows.loc[ids.take(shown[name]).to_pylist()].reset_index()
            return SupplierList(frame, len(at), offsets[name], tuple(ids.take(at).to_pylist()))

        longer = lists["nearby"] if len(lists["nearby"]) >= len(lists["deliverers"]) else lists["deliverers"]
        return ProspectPage(
            deliverers=page("deliverers"),
            nearby=page("nearby"),
            unknown_radius=int((state[lists["nearby"]] == RAYON_INCONNU).sum()),
            points=listed.select(list(POINT_COLUMNS)).take(longer).to_pandas(),
            coverage=_coverage(reach),
        )
    finally:
        cur.close()


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=[*SUPPLIER_COLUMNS, "distance_km", "delivery", "delivery_label"])


def _coverage(reach: Reach) -> pd.DataFrame:
    distance, bits, delivering = reach.distance, reach.product_bits, reach.state == LIVRE
    width = len(PRODUCTS.codes())
    found, delivered = {}, {}
    for band in COVERAGE_BANDS_KM:
        inside = distance <= band
        found[band] = bit_counts(bits[inside], width)
        delivered[band] = bit_counts(bits[inside & delivering], width)
    return coverage_frame(found, delivered)
