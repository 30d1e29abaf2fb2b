"""courtcircuit.point_grid's distances: what the in-memory indexes compare must be DuckDB's."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from courtcircuit.geo import Area
from courtcircuit.point_grid import distances_km, exact_distances, sql_distances


@pytest.fixture(scope="module")
def cur():
    con = duckdb.connect()
    yield con.cursor()
    con.close()


def test_python_distances_are_duckdbs_to_the_last_bit(cur):
    # Python's math is what exact_distances uses for a few points: it must round as DuckDB does,
    # where numpy does not (checked below, so that this test is not vacuous).
    rng = np.random.default_rng(11)
    numpy_differs = 0
    for _ in range(400):
        area = Area(41.5 + rng.random() * 9.5, -5 + rng.random() * 14, 50)
        lat = area.lat + (rng.random(200) - 0.5) * 1.8
        lon = area.lon + (rng.random(200) - 0.5) * 2.6
        expected = sql_distances(cur, area, lat, lon)
        assert np.array_equal(exact_distances(cur, area, lat, lon), expected)
        numpy_differs += int((distances_km(area, lat, lon) != expected).sum())
    assert numpy_differs > 0


def test_many_points_are_asked_of_duckdb_with_the_same_answer(cur):
    rng = np.random.default_rng(5)
    area = Area(45.7, 4.8, 30)
    lat, lon = area.lat + rng.random(5000) - 0.5, area.lon + rng.random(5000) - 0.5
    few = np.concatenate(
        [exact_distances(cur, area, lat[i : i + 100], lon[i : i + 100]) for i in range(0, 5000, 100)]
    )
    assert np.array_equal(exact_distances(cur, area, lat, lon), few)
    assert np.array_equal(few, sql_distances(cur, area, lat, lon))


def test_no_point_has_no_distance(cur):
    assert exact_distances(cur, Area(45.0, 5.0, 10), np.zeros(0), np.zeros(0)).shape == (0,)
