"""Command line: `python -m etl build [--db PATH] [--sources FILE.toml]`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from courtcircuit.db import default_db_path
from etl.adapters.tables import SourceFileError
from etl.build import DEFAULT_DECISIONS, build
from etl.checks import DataCheckFailed
from etl.publish import BuildLocked
from etl.sources import DEFAULT_SOURCES, SourcesFileError, load_sources


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m etl", description="Construit l'annuaire Court-Circuit (DuckDB)."
    )
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="fusionne les sources et publie une nouvelle base")
    b.add_argument(
        "--db", type=Path, default=None, help="fichier DuckDB à écrire (défaut : data/court-circuit.duckdb)"
    )
    b.add_argument(
        "--sources", type=Path, default=DEFAULT_SOURCES, help="fichier TOML des sources (défaut : démo)"
    )
    b.add_argument(
        "--decisions", type=Path, default=DEFAULT_DECISIONS, help="paires même lieu / lieux différents"
    )
    b.add_argument(
        "--no-wait", action="store_true", help="échoue au lieu d'attendre une construction en cours"
    )
    b.add_argument("--quiet", action="store_true", help="sans barre de progression")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    db = args.db or default_db_path()
    started = time.perf_counter()
    try:
        report = build(db, load_sources(args.sources), decisions=args.decisions, progress=not args.quiet)
    except (SourcesFileError, SourceFileError, DataCheckFailed, BuildLocked) as err:
        print(f"Échec de la construction : {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nConstruction interrompue : la base précédente est intacte.", file=sys.stderr)
        return 130
    print(report.table())
    rejected = report.rejected
    records = int((rejected["scope"] == "record").sum())
    fields = len(rejected) - records
    print(f"{records} fiches rejetées, {fields} valeurs écartées ou corrigées (table « rejected »)")
    print(f"Base écrite : {report.db} en {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
