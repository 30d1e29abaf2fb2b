"""Where local food is missing, timed (``courtcircuit.food_gaps``): a whole région's communes
against a directory of any size. Prints a table, then one JSON line.

    python -m bench.food_gaps --n 1000000 [--runs 5] [--region auvergne-rhone-alpes]

The directory is bench/synthetic.py's (reused when it exists), the communes the région's
départements from the commune index; the target is under 2 s for a whole région (issue 14).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.synthetic import make_directory
from courtcircuit.communes import CommuneIndex
from courtcircuit.communes.territory import communes_of
from courtcircuit.db import connect
from courtcircuit.food_gaps import food_gaps

REGIONS = {
    "auvergne-rhone-alpes": ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"),
    "occitanie": ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"),
    "bretagne": ("22", "29", "35", "56"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--region", choices=sorted(REGIONS), default="auvergne-rhone-alpes")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "cc-bench-gaps")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.dir / f"synthetic-{args.n}.duckdb"
    make_directory(db, args.n, seed=7)
    territory = communes_of(CommuneIndex.load(), REGIONS[args.region])
    seconds = []
    with connect(db) as con:
        listings = con.execute("SELECT count(*) FROM listings").fetchone()[0]
        for _ in range(args.runs):
            start = time.perf_counter()
            report = food_gaps(con, territory)
            seconds.append(time.perf_counter() - start)
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"{args.region}: {len(territory)} communes, {report.population:,} habitants, {listings:,} fiches")
    print(
        f"food_gaps(): médiane {statistics.median(seconds):.2f} s, p95 {p95:.2f} s, sur {args.runs} passages"
    )
    print(json.dumps({"bench": "food_gaps", "region": args.region, "communes": len(territory), "listings": listings,
                      "median_s": round(statistics.median(seconds), 3), "p95_s": round(p95, 3), "runs": args.runs}))  # fmt: skip


if __name__ == "__main__":
    main()
