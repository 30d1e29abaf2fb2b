"""A running server sees a rebuilt directory file (issue 8, « Faults »).

``duckdb.connect(path)`` returns the instance already open on that path in the process, so a
server kept reading the swapped-out file (413 listings after six rebuilds to 5,413). These
tests swap files in the way the ETL does (courtcircuit.db_swap.swap_in, the atomic rename under
etl.publish.swap_in, whose open-data export needs a real directory) under a Snapshots object.
"""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

import duckdb
import pytest

from courtcircuit.db import DatabaseMissing, Snapshots, connect
from courtcircuit.db_swap import swap_in


def _write(path: Path, rows: int) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(f"CREATE TABLE listings AS SELECT range AS id FROM range({rows})")  # noqa: S608
    finally:
        con.close()


def _rebuild(db: Path, rows: int) -> None:
    """What `python -m etl build` does at the end: a new file, then os.replace over the old one."""
    new = db.with_name(db.name + ".tmp-build")
    _write(new, rows)
    swap_in(new, db)


def _count(cur: duckdb.DuckDBPyConnection) -> int:
    return cur.execute("SELECT count(*) FROM listings").fetchone()[0]


def _deleted_handles(path: Path) -> list[str]:
    """This process's open files that are ``path`` replaced (Linux shows them « (deleted) »)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # the fd of listdir itself, already closed
            continue
        if target == f"{path} (deleted)":
            found.append(target)
    return found


def test_a_plain_connect_keeps_serving_the_replaced_file(tmp_path):
    """Why Snapshots exists: DuckDB's instance cache, as measured in issue 8."""
    db = tmp_path / "annuaire.duckdb"
    _write(db, 413)
    first = duckdb.connect(str(db), read_only=True)
    _rebuild(db, 5413)
    again = duckdb.connect(str(db), read_only=True)
    try:
        assert _count(again) == 413
    finally:
        again.close()
        first.close()


def test_each_rebuild_is_seen_by_the_next_cursor(tmp_path):
    db = tmp_path / "annuaire.duckdb"
    _write(db, 413)
    snapshots = Snapshots(db, spatial=False)
    assert _count(snapshots.cursor()) == 413
    for rows in (1413, 2413, 3413, 4413, 5413, 5413):  # the same count twice: the inode still differs
        _rebuild(db, rows)
        assert _count(snapshots.cursor()) == rows
    assert snapshots.opened == 7


def test_an_unchanged_file_is_opened_once(tmp_path):
    db = tmp_path / "annuaire.duckdb"
    _write(db, 10)
    snapshots = Snapshots(db, spatial=False)
    cursors = [snapshots.cursor() for _ in range(20)]
    assert [_count(c) for c in cursors] == [10] * 20
    assert snapshots.opened == 1


def test_a_search_under_way_finishes_on_the_old_file_which_is_then_released(tmp_path):
    db = tmp_path / "annuaire.duckdb"
    _write(db, 413)
    snapshots = Snapshots(db, spatial=False)
    during = snapshots.cursor()  # a rerun that started before the rebuild
    assert _count(during) == 413
    _rebuild(db, 5413)
    after = snapshots.cursor()
    assert _count(after) == 5413
    # The older rerun goes on reading its file, deleted though it is.
    assert _count(during) == 413
    assert during.execute("SELECT max(id) FROM listings").fetchone()[0] == 412
    assert _deleted_handles(db), "the replaced file should still be open for the search under way"
    del during  # the rerun ends: its cursor is dropped with its page's variables
    assert _deleted_handles(db) == []
    assert _count(after) == 5413


def test_a_replaced_file_held_by_a_cycle_is_released_at_the_next_cursor(tmp_path):
    """A page's cursor often sits in a reference cycle (its variables and its functions): only
    the cycle collector frees it, and the server no longer runs it after every page."""
    db = tmp_path / "annuaire.duckdb"
    _write(db, 413)
    snapshots = Snapshots(db, spatial=False)
    page = {"con": snapshots.cursor()}
    page["self"] = page  # a cycle, as a page's globals and its functions make one
    assert _count(page["con"]) == 413
    gc.disable()  # no automatic collection may do the work in this test's stead
    try:
        _rebuild(db, 5413)
        assert _count(snapshots.cursor()) == 5413
        del page  # the run ends; its cycle is garbage nobody collected yet
        assert _deleted_handles(db), "the replaced file is still held by the uncollected cycle"
        assert _count(snapshots.cursor()) == 5413
        assert _deleted_handles(db) == []
    finally:
        gc.enable()


def test_per_file_values_are_computed_once_per_file(tmp_path):
    db = tmp_path / "annuaire.duckdb"
    _write(db, 413)
    snapshots = Snapshots(db, spatial=False)
    calls = []

    def total(cur: duckdb.DuckDBPyConnection) -> int:
        calls.append(1)
        return _count(cur)

    assert [snapshots.per_file(total) for _ in range(5)] == [413] * 5
    assert len(calls) == 1
    _rebuild(db, 5413)
    assert [snapshots.per_file(total) for _ in range(3)] == [5413] * 3
    assert len(calls) == 2


def test_concurrent_cursors_during_rebuilds_never_fail(tmp_path):
    """Threads (sessions) query while the file is swapped again and again: every count is one
    of the files' counts, and none raises."""
    db = tmp_path / "annuaire.duckdb"
    _write(db, 100)
    snapshots = Snapshots(db, spatial=False)
    errors: list[BaseException] = []
    seen: set[int] = set()
    stop = threading.Event()

    def session() -> None:
        while not stop.is_set():
            try:
                cur = snapshots.cursor()
                seen.add(_count(cur))
                cur.close()
            except BaseException as exc:  # any failure is the finding
                errors.append(exc)
                return

    threads = [threading.Thread(target=session) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        for rows in range(101, 121):
            _rebuild(db, rows)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert seen <= set(range(100, 121))
    assert _count(snapshots.cursor()) == 120


def test_a_deleted_file_says_how_to_build_it(tmp_path):
    db = tmp_path / "annuaire.duckdb"
    _write(db, 3)
    snapshots = Snapshots(db, spatial=False)
    assert _count(snapshots.cursor()) == 3
    db.unlink()
    with pytest.raises(DatabaseMissing, match="python -m etl build"):
        snapshots.cursor()


def test_the_directory_queries_run_on_a_snapshot(small_build):
    """The real schema and the spatial extension, through the attached catalog."""
    snapshots = Snapshots(small_build.db)
    cur = snapshots.cursor()
    plain = connect(small_build.db, read_only=True)
    try:
        expected = plain.execute("SELECT count(*) FROM listings").fetchone()[0]
    finally:
        plain.close()
    assert _count(cur) == expected > 0
    assert cur.execute("SELECT ST_AsText(ST_Point(1, 2))").fetchone()[0] == "POINT (1 2)"
