"""The supplier page's in-memory index (courtcircuit.supplier_index) gives the SQL page, to the
last producer and in the same order.

prospect_page() with and without the index, on a generated national directory (bench.synthetic)
at stores drawn where people live; then around a store where planted producers put the index's
rounding to the test: pairs at mirrored places (distances equal on paper, an ulp apart in
floating point) and delivery radii exactly at the store's distance."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bench.synthetic import sample_points
from courtcircuit.db import connect
from courtcircuit.geo import Area, haversine_sql
from courtcircuit.point_grid import distances_km
from courtcircuit.supplier_index import SupplierIndex
from courtcircuit.supplier_pages import prospect_page
from courtcircuit.suppliers import RADIUS_TOLERANCE_KM, Store, SupplierFilters
from tests.both_ways import assert_same_page

FILTERS = [
    SupplierFilters(),
    SupplierFilters(products=("oeufs", "legumes"), labels=("ab",)),
    SupplierFilters(gtin=True, volumes=True),
    SupplierFilters(sanitary=True, siret=True),
    SupplierFilters(ab_status=("certifie",), frequencies=("hebdomadaire", "inconnue")),
]


PAIRS, EDGES = 100, 100  # at most, of each kind of planted producer


def stores(count: int, seed: int) -> list[Store]:
    _, lat, lon = sample_points(np.random.default_rng(seed), count)
    return [Store(float(a), float(b)) for a, b in zip(lat, lon, strict=True)]


@pytest.fixture(scope="module")
def con(synthetic_directory):
    with connect(synthetic_directory, read_only=True) as con:
        yield con


@pytest.fixture(scope="module")
def index(con) -> SupplierIndex:
    return SupplierIndex.load(con.cursor())


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f)[16:60])
def test_the_index_gives_the_sql_page_at_every_store(con, index, filters):
    listed = []
    for i, store in enumerate(stores(12, seed=6)):
        near_km = (1, 30, 150)[i % 3]
        for offset in (0, 7):
            plain = prospect_page(
                con, store, filters, near_km, page_rows=5, deliverers_offset=offset, nearby_offset=offset
            )
            indexed = prospect_page(
                con,
                store,
                filters,
                near_km,
                page_rows=5,
                deliverers_offset=offset,
                nearby_offset=offset,
                index=index,
            )
            assert_same_page(indexed, plain)
        listed.append(len(plain.ids))
    if filters == SupplierFilters():  # not a comparison of empty pages
        assert sum(n > 50 for n in listed) >= 8, listed


def sql_distances(con, store: Store, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    return con.execute(
        f"SELECT {haversine_sql()} AS d FROM (SELECT unnest(?::DOUBLE[]) AS lat, unnest(?::DOUBLE[]) AS lon)",  # noqa: S608
        [store.lat, store.lat, store.lon, lat.tolist(), lon.tolist()],
    ).fetchnumpy()["d"]


@pytest.fixture(scope="module")
def planted(synthetic_directory, tmp_path_factory) -> tuple[Path, Store]:
    """A copy of the directory with producers planted around a store where numpy's rounding
    differs from DuckDB's, chosen among 200,000 random places:
    - pairs at mirrored places east and west of the store (one distance on paper), the western
      one first by name, whose order by numpy's distances is not the order by DuckDB's;
    - producers whose delivery radius is, in DuckDB's arithmetic, their distance to the store
      less the tolerance, where numpy's distance is not DuckDB's."""
    db = tmp_path_factory.mktemp("planted") / "planted.duckdb"
    shutil.copyfile(synthetic_directory, db)
    rng = np.random.default_rng(3)
    drawn = stores(1, seed=12)[0]  # every bit of the store's position used, not six decimals
    store = Store(drawn.lat + rng.random() * 1e-3, drawn.lon + rng.random() * 1e-3)
    area = Area(store.lat, store.lon, 1.0)
    lat = store.lat + rng.uniform(-1.0, 1.0, 200_000)
    offset = rng.uniform(0.001, 1.2, 200_000)
    with connect(db, read_only=True) as con:
        east = (
            distances_km(area, lat, store.lon + offset),
            sql_distances(con, store, lat, store.lon + offset),
        )
        west = (
            distances_km(area, lat, store.lon - offset),
            sql_distances(con, store, lat, store.lon - offset),
        )
    flipped = np.flatnonzero(np.sign(east[0] - west[0]) != np.sign(east[1] - west[1]))[:PAIRS]
    rows = []
    for k in flipped.tolist():
        rows += [(f"pair-{k}-e", f"Z pair {k}", lat[k], store.lon + offset[k], 500.0)]
        rows += [(f"pair-{k}-w", f"A pair {k}", lat[k], store.lon - offset[k], 500.0)]
    differs = np.flatnonzero(east[0] != east[1])[:EDGES]
    rows += [(f"edge-{k}", f"edge {k}", lat[k], store.lon + offset[k], 0.0) for k in differs.tolist()]
    with connect(db, read_only=False) as con:
        con.execute(
            "CREATE TEMP TABLE planted (id VARCHAR, name VARCHAR, lat DOUBLE, lon DOUBLE, radius DOUBLE)"
        )
        con.executemany("INSERT INTO planted VALUES (?, ?, ?, ?, ?)", rows)
        con.execute(
            "INSERT INTO listings SELECT l.* REPLACE (p.id AS id, p.name AS name, p.lat AS lat, p.lon AS lon, "
            "ST_Point(p.lon, p.lat) AS geom, TRUE AS delivers, p.radius AS delivery_radius_km) "
            "FROM (SELECT * FROM listings WHERE kind = 'producteur' AND status = 'active' LIMIT 1) l, planted p"
        )
        con.execute(
            f"UPDATE listings SET delivery_radius_km = {haversine_sql()} - ? WHERE id LIKE 'edge-%'",  # noqa: S608
            [store.lat, store.lat, store.lon, RADIUS_TOLERANCE_KM],
        )
    assert len(flipped) >= 5 and len(differs) >= 20, (len(flipped), len(differs))  # the cases were met
    return db, store


def test_planted_near_ties_and_radius_edges_give_the_sql_page(planted):
    db, store = planted
    with connect(db, read_only=True) as con:
        index = SupplierIndex.load(con.cursor())
        for near_km in (30, 150):
            plain = prospect_page(con, store, SupplierFilters(), near_km, page_rows=1000)
            assert_same_page(
                prospect_page(con, store, SupplierFilters(), near_km, page_rows=1000, index=index), plain
            )
        # The planted producers are on the lists (within 150 km), the edges where SQL says.
        ids = set(plain.ids)
        assert {i for (i,) in con.execute("SELECT id FROM listings WHERE id LIKE 'pair-%'").fetchall()} <= ids
        edges = con.execute(
            f"SELECT id, {haversine_sql()} AS d, delivery_radius_km FROM listings WHERE id LIKE 'edge-%'",  # noqa: S608
            [store.lat, store.lat, store.lon],
        ).fetchall()
        covered = {i for i, d, radius in edges if d <= radius + RADIUS_TOLERANCE_KM}
        assert covered == {i for i, *_ in edges} & set(plain.deliverers.ids)
