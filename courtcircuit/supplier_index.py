"""The supplier page's producers in memory (no Streamlit): one index per directory file.

The supplier page reads every producer within reach of the store (150 km, the coverage's widest
band, or the largest delivery radius): about 130,000 of them around a big city at 10^6
listings. Asked of DuckDB, that pass cost more than the full scan the issue compares it with
(``python -m bench.suppliers``). The index holds what the pass reads, per active producer: the
position (courtcircuit.point_grid), the product and label bits, what the filters and the
delivery state test, and the id, name and commune the lists and the map show. About 110 bytes a
producer (60 MB for the 545,000 producers of 10^6 listings).

:meth:`SupplierIndex.scan` gives the table courtcircuit.supplier_pages' SQL scan gives, for the
same store and filters: the same rows, and distances that compare (with the radii, the bands,
the nearby limit) and order as DuckDB's do (courtcircuit.point_grid.settle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from courtcircuit.geo import Area
from courtcircuit.point_grid import EDGE, PointGrid, exact_distances, settle
from courtcircuit.schema import FACET_BITS
from courtcircuit.search_filters import option_bits
from courtcircuit.supplier_pages import STATES, Reach
from courtcircuit.suppliers import COVERAGE_BANDS_KM, RADIUS_TOLERANCE_KM, Store, SupplierFilters, _max_radius

LIVRE, TROP_LOIN, RAYON_INCONNU, NE_LIVRE_PAS, NON_RENSEIGNE = (
    STATES.index(s) for s in ("livre", "trop_loin", "rayon_inconnu", "ne_livre_pas", "non_renseigne")
)
_LOAD = (
    "SELECT lat, lon, product_bits, label_bits, delivers, delivery_radius_km, ab_status, delivery_frequency, "
    "coalesce(gtin_available, FALSE) AS gtin, nullif(trim(sanitary_approval), '') IS NOT NULL AS sanitary, "
    "siret IS NOT NULL AS siret, nullif(trim(volumes), '') IS NOT NULL AS volumes, id, name, commune_insee "
    "FROM listings WHERE status = 'active' AND kind = 'producteur'"
)


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, tuple[str, ...]]:
    """A text column as codes into its distinct values (-1: NULL)."""
    encoded = pc.dictionary_encode(column).combine_chunks()
    return pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int32), tuple(
        encoded.dictionary.to_pylist()
    )


def _among(codes: np.ndarray, values: tuple[str, ...], wanted: Sequence[str]) -> np.ndarray:
    # list_contains(?, column): NULL (code -1) is among nothing.
    return np.isin(codes, [values.index(w) for w in wanted if w in values])


@dataclass(frozen=True, eq=False)
class SupplierIndex:
    """The active producers of one directory file, in the order of their grid (see the module)."""

    grid: PointGrid
    product_bits: np.ndarray  # int32, NULL as 0
    label_bits: np.ndarray
    delivers: np.ndarray  # int8: 1 yes, 0 no, -1 not said
    radius: np.ndarray  # float64 delivery radius in km (NaN where none, see has_radius)
    has_radius: np.ndarray  # bool: the radius is not NULL
    ab_status: np.ndarray  # int32 code into ab_values, -1 NULL
    ab_values: tuple[str, ...]
    frequency: np.ndarray  # int32 code into frequency_values, -1 NULL (the frequencies are free text)
    frequency_values: tuple[str, ...]
    stated: dict[str, np.ndarray]  # filter -> bool: gtin, sanitary, siret, volumes
    points: pa.Table  # id, name, commune_insee
    rank: np.ndarray  # int32: the producer's place in the order of (name, id), as DuckDB sorts text
    max_radius: float  # courtcircuit.suppliers._max_radius of the file

    @classmethod
    def load(cls, cur: duckdb.DuckDBPyConnection) -> SupplierIndex:
        """Read the index of the directory ``cur`` is on (0.6 s at 10^6 listings)."""
        table = cur.execute(_LOAD).to_arrow_table()

        def column(name: str, fill: object, dtype: str) -> np.ndarray:
            return pc.fill_null(table.column(name), fill).to_numpy().astype(dtype)

        grid, order = PointGrid.of_table(table)
        delivers = pc.if_else(
            pc.is_null(table.column("delivers")), -1, pc.cast(table.column("delivers"), "int8")
        )
        ab, ab_values = _codes(table.column("ab_status"))
        frequency, frequency_values = _codes(table.column("delivery_frequency"))
        # One chunk per column: a take from the many chunks DuckDB hands over costs a call per chunk.
        points = table.select(["id", "name", "commune_insee"]).take(order).combine_chunks()
        rank = np.empty(len(order), dtype=np.int32)
        by_name = pc.sort_indices(points, sort_keys=[("name", "ascending"), ("id", "ascending")]).to_numpy()
        rank[by_name] = np.arange(len(order), dtype=np.int32)
        return cls(
            grid=grid,
            product_bits=column("product_bits", 0, "int32")[order],
            label_bits=column("label_bits", 0, "int32")[order],
            delivers=delivers.to_numpy().astype(np.int8)[order],
            radius=column("delivery_radius_km", np.nan, "float64")[order],
            has_radius=pc.is_valid(table.column("delivery_radius_km")).to_numpy(zero_copy_only=False)[order],
            ab_status=ab[order],
            ab_values=ab_values,
            frequency=frequency[order],
            frequency_values=frequency_values,
            stated={
                name: column(name, False, "bool")[order] for name in ("gtin", "sanitary", "siret", "volumes")
            },
            points=points,
            rank=rank,
            max_radius=_max_radius(cur),
        )

    @property
    def nbytes(self) -> int:
        """The index's memory (its arrays and the points' text)."""
        arrays = (self.product_bits, self.label_bits, self.delivers, self.radius, self.has_radius,
                  self.ab_status, self.frequency, self.rank, *self.stated.values())  # fmt: skip
        return self.grid.nbytes + sum(a.nbytes for a in arrays) + self.points.nbytes

    def _passing(self, rows: np.ndarray, filters: SupplierFilters) -> np.ndarray:
        """Which of ``rows`` pass every filter but the product one (courtcircuit.suppliers._filter_sql)."""
        kept = np.ones(len(rows), dtype=bool)
        if filters.labels:
            kept &= (self.label_bits[rows] & option_bits(FACET_BITS["label"][3], filters.labels)) != 0
        if filters.ab_status:
            kept &= _among(self.ab_status[rows], self.ab_values, filters.ab_status)
        if filters.frequencies:
            kept &= _among(self.frequency[rows], self.frequency_values, filters.frequencies)
        for name, asked in (("gtin", filters.gtin), ("sanitary", filters.sanitary), ("siret", filters.siret),
                            ("volumes", filters.volumes)):  # fmt: skip
            if asked:
                kept &= self.stated[name][rows]
        return kept

    def reach(
        self, cur: duckdb.DuckDBPyConnection, store: Store, filters: SupplierFilters, near_km: float
    ) -> Reach:
        """The producers within reach of ``store``, as courtcircuit.supplier_pages' SQL scan finds them."""
        near = float(near_km)
        reach = max(self.max_radius, near, float(max(COVERAGE_BANDS_KM)))
        area = Area(store.lat, store.lon, max(reach, 0.001))
        rows, distance = self.grid.candidates(area)
        # Beyond the reach (and rounding) a producer is on no list (a delivery radius is at most
        # the reach) and in no coverage band: the corners of the box go first.
        kept = distance <= (reach + RADIUS_TOLERANCE_KM) * (1 + EDGE)
        rows, distance = rows[kept], distance[kept]
        kept = self._passing(rows, filters)
        rows, distance = rows[kept], distance[kept]
        lat, lon = self.grid.lat[rows], self.grid.lon[rows]
        limit = self.radius[rows] + RADIUS_TOLERANCE_KM
        distance = settle(cur, area, lat, lon, distance, [near, *map(float, COVERAGE_BANDS_KM), limit])
        delivers = self.delivers[rows]
        # courtcircuit.suppliers._STATE_SQL, its CASE branches from the last to the first.
        state = np.where(delivers == 0, NE_LIVRE_PAS, NON_RENSEIGNE)
        state[delivers == 1] = TROP_LOIN
        state[(delivers == 1) & ~self.has_radius[rows]] = RAYON_INCONNU
        state[(delivers == 1) & (distance <= limit)] = LIVRE  # no radius: a NaN limit, never reached
        bits = self.product_bits[rows]
        if filters.products:
            listed = (bits & option_bits(FACET_BITS["product"][3], filters.products)) != 0
        else:
            listed = np.ones(len(rows), dtype=bool)
        listed &= (state == LIVRE) | (distance <= near)
        counted = distance <= float(max(COVERAGE_BANDS_KM))  # the coverage's producers
        on_list = np.flatnonzero(listed)
        on_list = on_list[_in_list_order(cur, area, lat, lon, distance, self.rank[rows], on_list)]
        at = pa.array(rows[on_list])
        listed_table = pa.table(
            {
                "distance_km": distance[on_list],
                "state": state[on_list],
                "id": self.points.column("id").take(at),
                "name": self.points.column("name").take(at),
                "lat": lat[on_list],
                "lon": lon[on_list],
                "commune_insee": self.points.column("commune_insee").take(at),
            }
        )
        return Reach(distance[counted], bits[counted], state[counted], listed_table)


def _in_list_order(
    cur: duckdb.DuckDBPyConnection,
    area: Area,
    lat: np.ndarray,
    lon: np.ndarray,
    distance: np.ndarray,
    rank: np.ndarray,
    at: np.ndarray,
) -> np.ndarray:
    """The order of the rows ``at`` by distance, then rank: ORDER BY distance_km, name, id.

    Where producers at different places are within rounding of each other's distance, DuckDB's
    distances order them (set in ``distance``); at the very same place, the distance is the
    same either way."""
    order = _by_distance_then_rank(distance[at], rank[at])
    ranked = distance[at][order]
    close = np.diff(ranked) <= EDGE * np.maximum(ranked[1:], 1e-9)
    if not close.any():
        return order
    cluster = np.cumsum(np.r_[True, ~close]) - 1  # runs of distances within rounding of the next
    first = np.flatnonzero(np.r_[True, ~close])[cluster]
    where = at[order]
    elsewhere = (lat[where] != lat[where][first]) | (lon[where] != lon[where][first])
    mixed = np.flatnonzero((np.bincount(cluster, weights=elsewhere) > 0)[cluster])  # places in ``order``
    if not len(mixed):
        return order
    redo = where[mixed]
    distance[redo] = exact_distances(cur, area, lat[redo], lon[redo])
    # DuckDB's distances differ from numpy's by far less than the gaps between runs: only the
    # order inside each run can change.
    order[mixed] = order[mixed[np.lexsort((rank[redo], distance[redo], cluster[mixed]))]]
    return order


def _by_distance_then_rank(distance: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """np.lexsort((rank, distance)), in a fraction of its time: a sort by distance, then the
    runs of equal distances (producers at one place) sorted by rank."""
    order = np.argsort(distance)
    ranked = distance[order]
    same = np.r_[False, ranked[1:] == ranked[:-1]]  # as far as the one before
    if same.any():
        run = np.cumsum(~same)
        tied = np.flatnonzero(same | np.r_[same[1:], False])
        order[tied] = order[tied[np.lexsort((rank[order[tied]], run[tied]))]]
    return order
