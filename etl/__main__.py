"""Command line: `python -m etl build [--db PATH] [--sources FILE.toml]`, and
`python -m etl refresh [SOURCE…]` (fetch the live sources, then build); the import wizard's
`read-table` and `check-source` answer in JSON (etl/import_check.py).

Exit codes, for a scheduler:
  0  database rebuilt, every source read;
  1  nothing published (sources file, data checks, another build running…), previous database kept;
  2  a source failed whole, so nothing was published, previous database kept;
  3  published without the failed sources (`--skip-failed-sources`): their listings are gone;
  4  refresh: published, but a live source could not be fetched: its previous files were used;
  70 unexpected error (a bug), previous database kept;
  130 interrupted (Ctrl-C), previous database kept.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from courtcircuit.db import default_db_path
from courtcircuit.run_log import SourceRun, append_runs, run_log_path, start_stamp
from courtcircuit.workspace.store import StoreUnavailable
from etl.adapters.tables import SourceFileError
from etl.build import DEFAULT_DECISIONS, BuildReport, SourcesFailed, build
from etl.checks import DataCheckFailed
from etl.connectors.refresh import Fetched, refresh
from etl.import_check import COMMANDS as IMPORT_COMMANDS
from etl.import_check import add_commands as add_import_commands
from etl.import_check import run as run_import_command
from etl.publish import BuildLocked, default_workspace
from etl.sources import DEFAULT_SOURCES, SourceConfig, SourcesFileError, load_sources


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m etl", description="Construit l'annuaire Court-Circuit (DuckDB)."
    )
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="fusionne les sources et publie une nouvelle base")
    r = sub.add_parser("refresh", help="télécharge les sources en ligne, puis reconstruit la base")
    r.add_argument("names", nargs="*", metavar="SOURCE", help="sources à télécharger (défaut : toutes)")
    for command in (b, r):
        _build_options(command)
    add_import_commands(sub)  # read-table, check-source: the import wizard's, in JSON
    return p


def _build_options(b: argparse.ArgumentParser) -> None:
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


EXIT_OK, EXIT_NOT_BUILT, EXIT_SOURCE_FAILED, EXIT_PUBLISHED_WITHOUT, EXIT_BUG = 0, 1, 2, 3, 70
EXIT_STALE = 4


@dataclass
class Run:
    """What one command did, for the run log: the sources, their fetch, the build's outcome."""

    command: str
    sources: list[SourceConfig] = field(default_factory=list)
    fetched: dict[str, Fetched] = field(default_factory=dict)
    report: BuildReport | None = None
    failed: SourcesFailed | None = None
    error: str | None = None
    started: str = field(default_factory=start_stamp)  # the run's lines share its start

    def source_runs(self) -> list[SourceRun]:
        stamp = self.started
        runs = []
        for source in self.sources:
            run = SourceRun(stamp, self.command, source.name, stamp)
            if (got := self.fetched.get(source.name)) is not None:
                run.fetched, run.seconds = not got.errors, got.seconds
                run.errors += got.errors
            if self.report is not None:
                counts = self.report.stats[source.name]
                run.read, run.loaded, run.merged, run.rejected = (
                    counts[k] for k in ("read", "loaded", "merged", "rejected")
                )
                run.seconds += self.report.seconds.get(source.name, 0.0)
                run.published = source.name not in self.report.failed
                run.errors += [self.report.failed[source.name]] if source.name in self.report.failed else []
            if self.failed is not None:
                run.read = self.failed.read.get(source.name, 0)
                run.seconds += self.failed.seconds.get(source.name, 0.0)
                run.errors += (
                    [self.failed.failures[source.name]] if source.name in self.failed.failures else []
                )
            if self.error is not None:
                run.errors.append(self.error)
            run.seconds = round(run.seconds, 3)
            runs.append(run)
        return runs


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command in IMPORT_COMMANDS:
        return run_import_command(args)
    db = args.db or default_db_path()
    run = Run(args.command)
    try:
        code = _run(args, db, run)
    finally:
        # Every run is logged, a failed one above all (courtcircuit/run_log.py); a log that cannot be
        # written is only a warning.
        try:
            append_runs(run_log_path(db), run.source_runs())
        except OSError as err:
            print(
                f"Journal des constructions non écrit ({run_log_path(db)} : {err.strerror})", file=sys.stderr
            )
    return code


def _fetch(args: argparse.Namespace, run: Run) -> None:
    """refresh: fetch the live sources; a service down is reported, the build goes on."""
    run.fetched = refresh(run.sources, args.names, say=lambda line: print(line, file=sys.stderr))


def _run(args: argparse.Namespace, db: Path, run: Run) -> int:
    started = time.perf_counter()
    try:
        run.sources = load_sources(args.sources)
        if args.command == "refresh":
            _fetch(args, run)
        run.report = report = build(
            db,
            run.sources,
            decisions=args.decisions,
            progress=not args.quiet,
            allow_failed_sources=args.skip_failed_sources,
            workspace=None if args.no_workspace else default_workspace(),
        )
    except SourcesFailed as err:
        run.failed = err
        print(f"\n*** ÉCHEC DE LA CONSTRUCTION ***\n{err}", file=sys.stderr)
        print(
            "Corriger la source, ou relancer avec --skip-failed-sources pour publier sans elle.",
            file=sys.stderr,
        )
        return EXIT_SOURCE_FAILED
    except (SourcesFileError, SourceFileError, DataCheckFailed, BuildLocked, StoreUnavailable) as err:
        run.error = str(err)
        print(f"Échec de la construction : {err}\nLa base précédente est conservée.", file=sys.stderr)
        return EXIT_NOT_BUILT
    except KeyboardInterrupt:
        run.error = "interrompu (Ctrl-C)"
        print("\nConstruction interrompue : la base précédente est intacte.", file=sys.stderr)
        return 130
    except Exception as err:  # last line of defence: a French sentence, never a traceback for the operator
        run.error = f"erreur inattendue ({type(err).__name__} : {err})"
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
    stale = {name: got.errors for name, got in run.fetched.items() if got.errors}
    if stale:
        lines = "\n".join(f"  - source « {name} » : {'; '.join(errors)}" for name, errors in stale.items())
        print(
            f"\n*** ATTENTION : {len(stale)} source(s) non téléchargée(s) ; la base est construite avec "
            f"leurs fichiers précédents ***\n{lines}",
            file=sys.stderr,
        )
        return EXIT_STALE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
