"""The build, in its explicit order: read → normalise → resolve → link → write → check → swap."""

from __future__ import annotations

import gc
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import REPO_ROOT
from courtcircuit.normalise import Step, build_steps, detached, normalise_many
from courtcircuit.record import Record, RejectRecord
from courtcircuit.workspace.decisions import pair_decisions
from courtcircuit.workspace.store import Store
from etl.adapters import ADAPTERS
from etl.adapters.tables import RawRow, SourceFileError
from etl.checks import DataCheckFailed
from etl.connectors.enrich import enrichment
from etl.limits import limits
from etl.links import resolve_links
from etl.publish import apply_workspace_edits, build_lock, previous_ids, swap_in, write_database
from etl.record import REJECTION_COLUMNS, Rejection
from etl.resolve import load_decisions, resolve
from etl.sources import SourceConfig
from etl.stages import stage

DEFAULT_DECISIONS = REPO_ROOT / "data" / "decisions" / "pairs.csv"


class SourcesFailed(RuntimeError):
    """One source or more gave nothing usable: the build stops and the previous database stays.

    A source that fails whole (empty, missing, truncated, every row rejected) would otherwise
    vanish from the directory without a word: 415 listings becoming 336 with exit code 0.
    """

    def __init__(
        self,
        failures: dict[str, str],
        read: dict[str, int] | None = None,
        seconds: dict[str, float] | None = None,
    ) -> None:
        self.failures = failures
        # What each source gave before the build stopped, for the run log (courtcircuit/run_log.py).
        self.read = read or {}
        self.seconds = seconds or {}
        lines = "\n".join(f"  - source « {name} » : {why}" for name, why in failures.items())
        super().__init__(
            f"{len(failures)} source(s) sans aucune fiche utilisable, construction arrêtée ; "
            f"la base précédente est conservée sans changement :\n{lines}"
        )


@dataclass
class BuildReport:
    db: Path
    stats: dict[str, dict[str, int]]
    listings: int
    links: int
    rejected: pd.DataFrame
    merges: int
    kept_apart: int
    messages: list[str] = field(default_factory=list)
    # Sources published without their listings (only with allow_failed_sources): name → why.
    failed: dict[str, str] = field(default_factory=dict)
    # Seconds spent reading and normalising each source, for the run log.
    seconds: dict[str, float] = field(default_factory=dict)

    def table(self) -> str:
        lines = [f"{'source':<28}{'lus':>8}{'chargés':>9}{'fusionnés':>11}{'rejetés':>9}"]
        for name, s in self.stats.items():
            lines.append(f"{name:<28}{s['read']:>8}{s['loaded']:>9}{s['merged']:>11}{s['rejected']:>9}")
        lines.append(
            f"{self.listings} fiches, {self.links} liens producteur ↔ point de vente, {self.merges} fusions"
        )
        return "\n".join(lines)


@dataclass
class SourceReading:
    records: list[Record]
    read: int
    # Why the source gave nothing usable, in French; None when it did.
    failure: str | None = None


def _raw_json(row: RawRow) -> str:
    try:
        return json.dumps(row.data, ensure_ascii=False, default=str)[:2000]
    except (RecursionError, ValueError):
        return "(valeur illisible)"


# Rows normalised together: step by step over a batch (courtcircuit.normalise.normalise_many),
# so the commune lookup is one query per batch and the stage clock is read once per batch.
NORMALISE_BATCH = 4096


def read_source(
    source: SourceConfig, steps: list[Step], rejected: list[Rejection], progress: bool = True
) -> SourceReading:
    """Normalised records of one source and the number of rows read; rejections appended.

    Every row read ends as a record or a rejection. A source that fails whole (file refused,
    nothing read, every row rejected, time limit) comes back with no record, each row it had
    read rejected, and the reason in `failure`.
    """
    adapter = ADAPTERS[source.format]
    lim = limits()
    deadline = time.monotonic() + lim.max_seconds
    records: list[Record] = []
    read = 0
    first_seen: dict[str, str] = {}
    failure: str | None = None
    pending: list[tuple[RawRow, Record | Exception]] = []  # rows read, awaiting normalisation
    try:
        enrich = enrichment(source)  # saved geocoding and company-directory answers, if any
        rows = adapter.rows(source)
        if progress:
            rows = tqdm(rows, desc=source.name, unit=" fiches", leave=True)
        for row in rows:
            read += 1
            try:
                if row.problem:
                    raise RejectRecord(f"{row.where or row.ref} : {row.problem}")
                if row.ref in first_seen:
                    # One listing per reference: a second row under the same ref would fail the
                    # data checks and stop the whole build, so only that row goes.
                    raise RejectRecord(
                        f"référence « {row.ref} » en double dans la source « {source.name} » : "
                        f"{row.where or row.ref} écartée, la première ({first_seen[row.ref]}) est gardée",
                        "ref",
                    )
                first_seen[row.ref] = row.where or row.ref
                pending.append((row, enrich(adapter.to_record(row, source))))
            except Exception as err:  # reported with its row by _normalise_batch
                pending.append((row, detached(err)))
            if len(pending) >= NORMALISE_BATCH:
                _normalise_batch(pending, steps, source.name, records, rejected)
                pending = []
            if time.monotonic() > deadline:
                seconds = f"{lim.max_seconds:g}".replace(".", ",")
                raise SourceFileError(
                    f"lecture arrêtée après {seconds} s, {read} lignes lues "
                    "(limite COURT_CIRCUIT_MAX_SOURCE_SECONDS)"
                )
    except SourceFileError as err:
        failure = str(err)
    _normalise_batch(pending, steps, source.name, records, rejected)  # the rows read before a stop too
    if failure is None and read == 0:
        failure = f"aucune fiche lue dans {source.path.name}"
    elif failure is None and not records:
        failure = f"les {read} fiches lues ont toutes été rejetées (voir la table « rejected »)"
    if failure is not None:
        rejected.append(Rejection.of_file(source.name, str(source.path), failure))
        rejected += [
            Rejection(source.name, rec.ref, "record", None, None, f"source abandonnée : {failure}")
            for rec in records
        ]
        return SourceReading([], read, failure)
    for rec in records:
        rejected += [Rejection(source.name, rec.ref, "field", i.field, i.value, i.reason) for i in rec.issues]
    return SourceReading(records, read)


def _normalise_batch(
    pending: list[tuple[RawRow, Record | Exception]],
    steps: list[Step],
    source: str,
    records: list[Record],
    rejected: list[Rejection],
) -> None:
    """Normalise the records of rows read; each row's file notes, then its record or rejection,
    appended in the order the rows were read."""
    with stage("normalise"):
        outcomes = iter(normalise_many([rec for _, rec in pending if isinstance(rec, Record)], steps))
    for row, read in pending:
        rejected += [Rejection.of_file(source, value, reason) for value, reason in row.file_notes]
        outcome = next(outcomes) if isinstance(read, Record) else read
        if isinstance(outcome, RejectRecord):
            rejected.append(
                Rejection(source, row.ref, "record", outcome.field, _raw_json(row), outcome.reason)
            )
        elif isinstance(
            outcome, Exception
        ):  # a value no rule foresaw: that row is reported, the build goes on
            why = f"{row.where or row.ref} : valeur inattendue, fiche écartée ({type(outcome).__name__} : {outcome})"
            rejected.append(Rejection(source, row.ref, "record", None, _raw_json(row), why[:500]))
        else:
            for field_name, value, reason in row.notes:
                outcome.note(field_name, value, reason)
            records.append(outcome)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the build, run once at the end.

    A build holds millions of records, listings and dicts that live until it ends and make no
    cycles; each collection walked them all again (a seventh of a 200,000-row build's time).
    Memory is still freed as soon as nothing refers to it; only cycles wait for the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def remove_stale_temporaries(db: Path) -> list[Path]:
    """Delete `<db>.tmp-<pid>` files left by a build that was killed while writing.

    Called under the build lock, so no live build of this database is writing one; a file whose
    pid is still alive (a reused pid, another machine) is left alone to be safe.
    """
    removed = []
    for tmp in db.parent.glob(f"{db.name}.tmp-*"):
        pid_text = tmp.name.removeprefix(f"{db.name}.tmp-").removesuffix(".wal")
        if not pid_text.isdigit() or _process_alive(int(pid_text)):
            continue
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def build(
    db: Path,
    sources: list[SourceConfig],
    *,
    decisions: Path | None = DEFAULT_DECISIONS,
    progress: bool = True,
    communes: CommuneIndex | None = None,
    before_swap: Callable[[Path], None] | None = None,
    allow_failed_sources: bool = False,
    workspace: Store | None = None,
) -> BuildReport:
    """Build the directory into `db`, replacing it whole only once everything succeeded.

    A source that fails whole stops the build (SourcesFailed) and the previous database stays,
    unless `allow_failed_sources`: then the others are published and the report names it.
    With a `workspace`, its same-place decisions join those of `decisions` (the store's win) and
    the staff edits are applied to the new file before it is swapped in (the command line passes
    etl.publish.default_workspace()).
    """
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(db), _collector_paused():
        # A function of its own: its millions of records are freed when it returns, before the
        # collection at the end, which would otherwise walk them all for nothing (1.8 s at 2·10^5).
        return _build_locked(
            db, sources, decisions, progress, communes, before_swap, allow_failed_sources, workspace
        )


def _build_locked(
    db: Path,
    sources: list[SourceConfig],
    decisions: Path | None,
    progress: bool,
    communes: CommuneIndex | None,
    before_swap: Callable[[Path], None] | None,
    allow_failed_sources: bool,
    workspace: Store | None,
) -> BuildReport:
    """`build`'s work, under its lock and with the collector paused."""
    messages = [f"fichier temporaire abandonné supprimé : {p.name}" for p in remove_stale_temporaries(db)]
    steps = build_steps(communes or CommuneIndex.load())
    rejections: list[Rejection] = []
    records: list[Record] = []
    read: dict[str, int] = {}
    failed: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for source in sources:
        started = time.perf_counter()
        with stage("read"):
            reading = read_source(source, steps, rejections, progress)
        seconds[source.name] = time.perf_counter() - started
        read[source.name] = reading.read
        records += reading.records
        if reading.failure is not None:
            failed[source.name] = reading.failure
    if failed and not allow_failed_sources:
        raise SourcesFailed(failed, read, seconds)
    decided = load_decisions(decisions)
    if workspace is not None:  # people's decisions from the staff space win over the file's
        decided |= pair_decisions(workspace)
    with stage("resolve"):
        resolution = resolve(records, decided, previous_ids(db))
    with stage("link"):
        links, unresolved = resolve_links(resolution.listings)
    for listing in resolution.listings:
        listing.name_keys = ()  # folded for linking only: hundreds of MB at 10^6 while publishing
    rejections += [Rejection(s, ref, "field", i.field, i.value, i.reason) for s, ref, i in unresolved]
    stats = {s.name: {"read": read[s.name], "loaded": 0, "merged": 0, "rejected": 0} for s in sources}
    for listing in resolution.listings:
        for i, member in enumerate(listing.members):
            stats[member.source]["merged" if i else "loaded"] += 1
    for r in rejections:
        if r.scope == "record":
            stats[r.source]["rejected"] += 1
    rejected = pd.DataFrame([r.row() for r in rejections], columns=list(REJECTION_COLUMNS))
    if not resolution.listings:
        # Replacing a directory with an empty one is never what was meant: keep the old one.
        why = "; ".join(f"{r.source} : {r.reason}" for r in rejections if r.scope == "source")
        raise DataCheckFailed(
            f"aucune fiche publiable, la base précédente est conservée ({why or 'sources vides'})"
        )
    tmp = db.with_name(f"{db.name}.tmp-{os.getpid()}")
    try:
        with stage("publish"):  # the data checks run inside count as "checks"
            write_database(
                tmp,
                resolution.listings,
                links,
                rejected,
                resolution.merges,
                resolution.kept_apart,
                sources,
                stats,
            )
            if workspace is not None:
                messages.append(apply_workspace_edits(tmp, workspace))
            if before_swap is not None:
                before_swap(tmp)
            swap_in(tmp, db)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return BuildReport(
        db,
        stats,
        len(resolution.listings),
        len(links),
        rejected,
        len(resolution.merges),
        len(resolution.kept_apart),
        messages,
        failed,
        seconds,
    )
