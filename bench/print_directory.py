"""How long does the printed directory of a territory take for N listings (the target: 500 in
under 30 s)?

    python -m bench.print_directory [--n 500] [--territory 63] [--db PATH]

Builds the demo directory (data/samples) unless --db is given, copies it, and tops the
territory up to N listings with copies of its own listings (new ids and names, points moved a
few hundred metres), so the document has N entries, N QR codes and N markers. Prints the wall
time and the CPU time of `directory_pdf` (on a shared machine the CPU time is the steadier
figure) and the page count.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from pypdf import PdfReader

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import REPO_ROOT, connect
from courtcircuit.print import directory_pdf
from courtcircuit.workspace.accounts import Territory
from etl.build import build
from etl.sources import DEFAULT_SOURCES, load_sources

OUT = REPO_ROOT / "bench" / "out"


def topped_up(source: Path, target: Path, territory: Territory, n: int) -> int:
    """Copy `source` to `target` with the territory's listings duplicated up to `n`."""
    shutil.copyfile(source, target)
    con = connect(target, read_only=False)
    try:
        where = "status = 'active' AND (" + " OR ".join(
            f"starts_with(commune_insee, '{code}')" for code in territory.codes  # codes checked by parse
        ) + ")"  # fmt: skip
        (have,) = con.execute(f"SELECT count(*) FROM listings WHERE {where}").fetchone()  # noqa: S608
        copy = 1
        while have < n:
            con.execute(
                f"INSERT INTO listings BY NAME SELECT * REPLACE (id || '~{copy}' AS id, name || ' ({copy})' AS name, "  # noqa: S608
                f"lat + 0.003 * {copy} AS lat) FROM listings WHERE {where} AND NOT contains(id, '~') "
                f"ORDER BY id LIMIT {n - have}"
            )
            (now,) = con.execute(f"SELECT count(*) FROM listings WHERE {where}").fetchone()  # noqa: S608
            if now == have:
                raise SystemExit("aucune fiche à copier dans ce territoire")
            have, copy = now, copy + 1
        return have
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--territory", default="63")
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    index = CommuneIndex.load()
    territory = Territory.parse(args.territory, communes=index)
    source = args.db or OUT / "print-demo.duckdb"
    if args.db is None and not source.exists():
        build(source, load_sources(DEFAULT_SOURCES), decisions=None, progress=False, communes=index)
    target = OUT / f"print-{args.n}.duckdb"
    listings = topped_up(source, target, territory, args.n)
    con = connect(target)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = directory_pdf(con, territory, index=index, base_url="https://annuaire.example.fr")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        con.close()
    out = OUT / f"annuaire-{args.n}.pdf"
    out.write_bytes(pdf)
    pages = len(PdfReader(out).pages)
    print(f"{listings} fiches, {len(pdf) // 1024} Ko, {pages} pages : {wall:.1f} s (CPU {cpu:.1f} s) → {out}")


if __name__ == "__main__":
    main()
