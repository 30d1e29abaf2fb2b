"""Command line: `python -m etl build [--db PATH] [--sources FILE.toml]`.

Exit codes, for a scheduler:
  0  database rebuilt, every source read;
  1  nothing published (sources file, data checks, another build running…), previous database kept;
  2  a source failed whole, so nothing was published, previous database kept;
  3  published without the failed sources (`--skip-failed-sources`): their listings are gone;
  70 unexpected error (a bug), previous database kept;
  130 interrupted (Ctrl-C), previous database kept.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from courtcircuit.db import default_db_path
from courtcircuit.workspace.store import StoreUnavailable
from etl.adapters.tables import SourceFileError
from etl.build import DEFAULT_DECISIONS, SourcesFailed, build
from etl.checks import DataCheckFailed
from etl.publish import BuildLocked, default_workspace
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
    b.add_argument(
        "--no-workspace",
        action="store_true",
        help="sans les modifications de l'espace équipe (COURT_CIRCUIT_WORKSPACE)",
    )
    b.add_argument(
        "--skip-failed-sources",
        action="store_true",
        help="publie même si une source échoue entière (ses fiches disparaissent ; code de sortie 3)",
    )
    return p


EXIT_OK, EXIT_NOT_BUILT, EXIT_SOURCE_FAILED, EXIT_PUBLISHED_WITHOUT, EXIT_BUG = 0, 1, 2, 3, 70


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    db = args.db or default_db_path()
    started = time.perf_counter()
    try:
        report = build(
            db,
            load_sources(args.sources),
            decisions=args.decisions,
            progress=not args.quiet,
            allow_failed_sources=args.skip_failed_sources,
            workspace=None if args.no_workspace else default_workspace(),
        )
    except SourcesFailed as err:
        print(f"\n*** ÉCHEC DE LA CONSTRUCTION ***\n{err}", file=sys.stderr)
        print(
            "Corriger la source, ou relancer avec --skip-failed-sources pour publier sans elle.",
            file=sys.stderr,
        )
        return EXIT_SOURCE_FAILED
    except (SourcesFileError, SourceFileError, DataCheckFailed, BuildLocked, StoreUnavailable) as err:
        print(f"Échec de la construction : {err}\nLa base précédente est conservée.", file=sys.stderr)
        return EXIT_NOT_BUILT
    except KeyboardInterrupt:
        print("\nConstruction interrompue : la base précédente est intacte.", file=sys.stderr)
        return 130
    except Exception as err:  # last line of defence: a French sentence, never a traceback for the operator
        print(
            f"Échec de la construction, erreur inattendue ({type(err).__name__} : {err}).\n"
            "La base précédente est conservée. Signaler ce message à l'équipe technique.",
            file=sys.stderr,
        )
        return EXIT_BUG
    print(report.table())
    for message in report.messages:
        print(message)
    rejected = report.rejected
    records = int((rejected["scope"] == "record").sum())
    fields = len(rejected) - records
    print(f"{records} fiches rejetées, {fields} valeurs écartées ou corrigées (table « rejected »)")
    print(f"Base écrite : {report.db} en {time.perf_counter() - started:.1f} s")
    if report.failed:
        lines = "\n".join(f"  - source « {name} » : {why}" for name, why in report.failed.items())
        print(
            f"\n*** ATTENTION : base publiée SANS {len(report.failed)} source(s) en échec ; "
            f"leurs fiches ne sont plus dans l'annuaire ***\n{lines}",
            file=sys.stderr,
        )
        return EXIT_PUBLISHED_WITHOUT
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
