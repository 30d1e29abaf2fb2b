"""The directory file's layout for the search (courtcircuit.db: connect(row_group_size=…),
copy_database) and the facet counting helper (courtcircuit.search_counts.bit_counts)."""

from __future__ import annotations

import numpy as np
import pytest

from courtcircuit.db import connect, copy_database
from courtcircuit.schema import DIRECTORY_ROW_GROUP_SIZE
from courtcircuit.search_counts import bit_counts

ROWS = 20_000


def row_groups(con, table: str) -> int:
    return con.execute("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info(?)", [table]).fetchone()[
        0
    ]


def test_a_file_written_with_a_row_group_size_keeps_it(tmp_path):
    db = tmp_path / "small-groups.duckdb"
    con = connect(db, read_only=False, spatial=False, row_group_size=DIRECTORY_ROW_GROUP_SIZE)
    con.execute("CREATE TABLE t AS SELECT range AS i FROM range(?)", [ROWS])
    con.execute("CHECKPOINT")
    con.close()
    with connect(db, spatial=False) as reader:
        assert row_groups(reader, "t") == -(-ROWS // DIRECTORY_ROW_GROUP_SIZE)  # 5, DuckDB's default: 1
        assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == ROWS


def test_copy_database_keeps_every_table_and_the_row_order(tmp_path):
    source, target = tmp_path / "source.duckdb", tmp_path / "target.duckdb"
    with connect(source, read_only=False, spatial=False) as con:
        # Rows in an order no sort would give back: the copy must keep the insertion order.
        con.execute(
            "CREATE TABLE t AS SELECT (range * 7919) % ? AS i, 'x' || range AS s FROM range(?)", [ROWS, ROWS]
        )
        con.execute("CREATE TABLE other AS SELECT 42 AS answer")
        con.execute("CHECKPOINT")
        before = con.execute("SELECT i, s FROM t").fetchall()
        assert row_groups(con, "t") == 1
    copy_database(source, target, row_group_size=4096)
    with connect(target, spatial=False) as con:
        assert con.execute("SELECT i, s FROM t").fetchall() == before
        assert con.execute("SELECT answer FROM other").fetchall() == [(42,)]
        assert row_groups(con, "t") == -(-ROWS // 4096)
    with pytest.raises(FileExistsError):
        copy_database(source, target, row_group_size=4096)


@pytest.mark.parametrize("distinct", [1, 300, 100_000])
def test_bit_counts_counts_each_bit(distinct):
    rng = np.random.default_rng(distinct)
    values = rng.choice(rng.integers(0, 1 << 17, distinct), 50_000).astype(np.int32)
    expected = [int(((values >> bit) & 1).sum()) for bit in range(17)]
    assert bit_counts(values, 17).tolist() == expected
    assert bit_counts(values[:0], 17).tolist() == [0] * 17


@pytest.mark.parametrize("keeps", [True, False])
def test_only_a_writer_with_the_size_keeps_the_row_groups_through_an_edit(tmp_path, keeps):
    # Staff edits update the published file (etl.publish.apply_workspace_edits, courtcircuit.edits):
    # DuckDB's checkpoint after an UPDATE rewrites the table in the writer's row-group size.
    db = tmp_path / "edited.duckdb"
    with connect(db, read_only=False, spatial=False, row_group_size=4096) as con:
        con.execute("CREATE TABLE t AS SELECT range AS i, range::VARCHAR AS s FROM range(?)", [ROWS])
        con.execute("CHECKPOINT")
    size = 4096 if keeps else None
    with connect(db, read_only=False, spatial=False, row_group_size=size) as con:
        con.execute("UPDATE t SET s = 'modifié' WHERE i % 500 = 0")
        con.execute("CHECKPOINT")
    with connect(db, spatial=False) as con:
        assert (row_groups(con, "t") == -(-ROWS // 4096)) == keeps
