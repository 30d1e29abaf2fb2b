"""The page's result cards from memory (courtcircuit.search_cards) are the rows SQL gives.

The generated directory has few ties and no NULLs: a copy of it gets listings planted at one
place (equal distances: the order is then by name, then id, with NULL names last and bytes
compared as code points), and NULLs in every card column."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from courtcircuit.db import connect
from courtcircuit.point_grid import PointGrid
from courtcircuit.schema import CARD_COLUMNS
from courtcircuit.search import Area, Filters, SearchIndex, search
from courtcircuit.search_cards import NotTheIndexFile, SearchCards
from tests.both_ways import assert_same_answer

SATURDAY_MORNING = datetime(2026, 10, 17, 10, 30, tzinfo=ZoneInfo("Europe/Paris"))
PLACE = (45.7578, 4.832)  # Lyon: among the generated listings
# Names that sort differently by bytes, by case and by accents; two alike (then by id); one NULL.
PLANTED = ["Zèbre", "ferme", "Ferme", "École", "Ferme", None, "Ferme du Tilleul", "Éco", "abeille", "Ferme"]


@pytest.fixture(scope="module")
def planted(synthetic_directory, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("planted") / "planted.duckdb"
    shutil.copyfile(synthetic_directory, db)
    with connect(db, read_only=False) as con:
        chosen = [
            row[0]
            for row in con.execute(
                "SELECT id FROM listings WHERE status = 'active' ORDER BY (lat - ?) ^ 2 + (lon - ?) ^ 2 LIMIT ?",
                [*PLACE, len(PLANTED) + 6],
            ).fetchall()
        ]
        for listing, name in zip(chosen, PLANTED, strict=False):
            con.execute(
                "UPDATE listings SET lat = ?, lon = ?, name = ? WHERE id = ?", [*PLACE, name, listing]
            )
        nulls = {
            "city": chosen[0:2],
            "channels": chosen[2:4],
            "opening_hours": chosen[4:6],
            "is_demo": chosen[6:7],
            "kind": chosen[7:8],
            "geo_precision": chosen[11:12],
        }
        for column, ids in nulls.items():
            con.execute(f"UPDATE listings SET {column} = NULL WHERE list_contains(?, id)", [ids])  # noqa: S608
        con.execute("UPDATE listings SET channels = [] WHERE id = ?", [chosen[12]])
    return db


@pytest.fixture(scope="module")
def con(planted):
    with connect(planted, read_only=True) as con:
        yield con


@pytest.mark.parametrize(
    "filters", [Filters(), Filters(open_now=True), Filters(kinds=("producteur", "marche"))]
)
def test_the_cards_are_the_sql_rows_with_ties_and_nulls(con, filters):
    index = SearchIndex.load(con.cursor())
    near = Area(*PLACE, 3.0)
    off = Area(PLACE[0] + 0.004, PLACE[1] - 0.003, 5.0)  # the planted ones are tied from here too
    for area in (near, off):
        for limit, offset in ((3, 0), (3, 3), (4, 7), (20, 0), (20, 20), (500, 0)):
            asked = {"now": SATURDAY_MORNING, "limit": limit, "offset": offset, "columns": CARD_COLUMNS}
            assert_same_answer(
                search(con, area, filters, index=index, **asked), search(con, area, filters, **asked)
            )
    whole = search(con, near, Filters(), now=SATURDAY_MORNING, limit=30, index=index, columns=CARD_COLUMNS)
    at_place = whole.listings[whole.listings["distance_km"] == 0.0]
    assert len(at_place) == len(PLANTED)  # not vacuous: the ties are on the page
    named = at_place["name"].dropna().tolist()
    assert named == sorted(named) and at_place["name"].isna().iloc[-1]
    for column in ("city", "channels", "opening_hours", "is_demo", "kind"):
        assert whole.listings[column].isna().any(), column


def test_cards_out_of_the_index_order_are_refused(con):
    index = SearchIndex.load(con.cursor())
    shuffled = np.random.default_rng(1).permutation(len(index))
    other = PointGrid(index.grid.lat[shuffled], index.grid.lon[shuffled], index.grid.cells[shuffled])
    with pytest.raises(NotTheIndexFile):
        SearchCards.load(con.cursor(), other, index.bits)
    bits = {facet: values.copy() for facet, values in index.bits.items()}
    bits["kind"][::7] ^= 1
    with pytest.raises(NotTheIndexFile):
        SearchCards.load(con.cursor(), index.grid, bits)
    assert len(SearchCards.load(con.cursor(), index.grid, index.bits).columns) == len(CARD_COLUMNS)


def test_the_cards_are_read_once_per_index(con):
    index = SearchIndex.load(con.cursor())
    assert index.cards(con.cursor()) is index.cards(con.cursor())


def test_a_cursor_on_another_file_gets_no_cards_and_the_rows_come_from_sql(con, synthetic_directory):
    # A rebuild may swap the file between the page's cursor and its index: no card is read from
    # the wrong file (that run's counts are still the index's), and a later cursor on the
    # index's file still gets them.
    index = SearchIndex.load(con.cursor())
    with connect(synthetic_directory, read_only=True) as other:
        assert index.cards(other.cursor()) is None
        area = Area(*PLACE, 3.0)
        asked = {"now": SATURDAY_MORNING, "limit": 20, "columns": CARD_COLUMNS}
        rows = search(other, area, Filters(), index=index, **asked).listings  # from SQL, on its file
        on_file = {i for (i,) in other.execute("SELECT id FROM listings").fetchall()}
        assert len(rows) and set(rows["id"]) <= on_file
    assert index.cards(con.cursor()) is not None
