"""How long a staff edit takes to reach the directory without a build (the issue asks < 5 s).

Run: ``python -m bench.publish_edits --db /tmp/x.duckdb [--edits 1 50] [--runs 5]``
after ``python -m etl build --db /tmp/x.duckdb``. The database is copied first and a private
SQLite workspace store is used, so neither the file nor data/workspace.sqlite3 is touched.

For each number of edited listings: the first publication (cold: DuckDB's spatial extension
loaded in this process) then the median of the next runs, as the app would see them. Each run
is the whole publish_edits call: read every revision, copy the file, apply all overrides,
CHECKPOINT, swap in under the build lock.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pandas  # noqa: F401 - loaded in the app before any publication; not part of the measure

from courtcircuit.db import connect
from courtcircuit.edits import publish_edits
from courtcircuit.workspace import revisions
from courtcircuit.workspace.store import Store


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--edits", type=int, nargs="+", default=[1, 50])
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "annuaire.duckdb"
        shutil.copyfile(args.db, db)
        store = Store(f"sqlite:///{Path(folder) / 'workspace.sqlite3'}")
        with connect(db) as con:
            ids = [
                i
                for (i,) in con.execute(
                    "SELECT id FROM listings ORDER BY id LIMIT ?", [max(args.edits)]
                ).fetchall()
            ]
            listings = con.execute("SELECT count(*) FROM listings").fetchone()[0]
        print(f"{db.stat().st_size / 1e6:.1f} Mo, {listings} fiches")
        edited = 0
        for count in args.edits:
            for listing in ids[edited:count]:
                change = {"phone": (None, "+33473820000"), "opening_hours": (None, "Tu,Fr 17:00-19:00")}
                revisions.save(store, listing, revisions.head(store, listing), change, "bench@parc.example")
            edited = max(edited, count)
            times = []
            for _ in range(args.runs + 1):
                started = time.perf_counter()
                report = publish_edits(db, store)
                times.append(time.perf_counter() - started)
            print(
                f"{report.listings:>4} fiches modifiées : première publication {times[0]:.2f} s, "
                f"ensuite médiane {statistics.median(times[1:]):.2f} s, max {max(times[1:]):.2f} s"
            )


if __name__ == "__main__":
    main()
