"""The build, in its explicit order: read → normalise → resolve → link → write → check → swap."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import REPO_ROOT
from etl.adapters import ADAPTERS
from etl.adapters.tables import RawRow, SourceFileError
from etl.checks import DataCheckFailed
from etl.links import resolve_links
from etl.normalise import Step, build_steps, normalise
from etl.publish import build_lock, previous_ids, swap_in, write_database
from etl.record import Record, RejectRecord
from etl.resolve import load_decisions, resolve
from etl.sources import SourceConfig

DEFAULT_DECISIONS = REPO_ROOT / "data" / "decisions" / "pairs.csv"
REJECTED_COLUMNS = ["source", "record_ref", "scope", "field", "value", "reason"]


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

    def table(self) -> str:
        lines = [f"{'source':<28}{'lus':>8}{'chargés':>9}{'fusionnés':>11}{'rejetés':>9}"]
        for name, s in self.stats.items():
            lines.append(f"{name:<28}{s['read']:>8}{s['loaded']:>9}{s['merged']:>11}{s['rejected']:>9}")
        lines.append(
            f"{self.listings} fiches, {self.links} liens producteur ↔ point de vente, {self.merges} fusions"
        )
        return "\n".join(lines)


def _raw_json(row: RawRow) -> str:
    return json.dumps(row.data, ensure_ascii=False, default=str)[:2000]


def read_source(
    source: SourceConfig, steps: list[Step], rejected: list[tuple], progress: bool = True
) -> tuple[list[Record], int]:
    """Normalised records of one source and the number of rows read; rejections appended."""
    adapter = ADAPTERS[source.format]
    records: list[Record] = []
    read = 0
    try:
        rows = adapter.rows(source)
        for row in tqdm(rows, desc=source.name, unit=" fiches", disable=not progress, leave=True):
            read += 1
            for field_name, value, reason in row.notes:
                if field_name == "(fichier)":
                    rejected.append((source.name, "(fichier)", "source", None, value, reason))
            row.notes = [n for n in row.notes if n[0] != "(fichier)"]
            try:
                rec = normalise(adapter.to_record(row, source), steps)
            except RejectRecord as err:
                rejected.append((source.name, row.ref, "record", err.field, _raw_json(row), err.reason))
                continue
            records.append(rec)
    except SourceFileError as err:
        rejected.append((source.name, "(fichier)", "source", None, str(source.path), str(err)))
    for rec in records:
        for issue in rec.issues:
            rejected.append((source.name, rec.ref, "field", issue.field, issue.value, issue.reason))
    return records, read


def build(
    db: Path,
    sources: list[SourceConfig],
    *,
    decisions: Path | None = DEFAULT_DECISIONS,
    progress: bool = True,
    communes: CommuneIndex | None = None,
    before_swap: Callable[[Path], None] | None = None,
) -> BuildReport:
    """Build the directory into `db`, replacing it whole only once everything succeeded."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(db):
        steps = build_steps(communes or CommuneIndex.load())
        rejected_rows: list[tuple] = []
        records: list[Record] = []
        read: dict[str, int] = {}
        for source in sources:
            found, read[source.name] = read_source(source, steps, rejected_rows, progress)
            records += found
        resolution = resolve(records, load_decisions(decisions), previous_ids(db))
        links, unresolved = resolve_links(resolution.listings)
        for source_name, ref, issue in unresolved:
            rejected_rows.append((source_name, ref, "field", issue.field, issue.value, issue.reason))
        stats = {s.name: {"read": read[s.name], "loaded": 0, "merged": 0, "rejected": 0} for s in sources}
        for listing in resolution.listings:
            for i, member in enumerate(listing.members):
                stats[member.source]["merged" if i else "loaded"] += 1
        for source_name, _ref, scope, *_ in rejected_rows:
            if scope == "record":
                stats[source_name]["rejected"] += 1
        rejected = pd.DataFrame(rejected_rows, columns=REJECTED_COLUMNS)
        if not resolution.listings:
            # Replacing a directory with an empty one is never what was meant: keep the old one.
            why = "; ".join(f"{s} : {r}" for s, _ref, scope, _f, _v, r in rejected_rows if scope == "source")
            raise DataCheckFailed(
                f"aucune fiche publiable, la base précédente est conservée ({why or 'sources vides'})"
            )
        tmp = db.with_name(f"{db.name}.tmp-{os.getpid()}")
        try:
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
    )
