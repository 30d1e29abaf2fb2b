"""The import wizard's commands, in JSON for the staff space (courtcircuit/import_runner.py) and
for people at a terminal alike, so the command line is equal to the wizard:

  python -m etl read-table FILE [--sheet S] [--rows N] --json
      the file's headers and rows as the build's readers see them (encoding, separator, sheet);
  python -m etl check-source --sources PUBLISHED.toml --candidate NEW.toml [--db DB] --json
      a dry run: the published sources with the candidate's source added (or replacing the one of
      that name), built into a temporary copy of DB; the candidate's counts (read = loaded + merged
      + rejected), its first rows normalised, each rejected row and corrected value with its
      French reason, its probable duplicates with listings of other sources, and the listings
      that would change. The published database is never written.

Exit codes: 0 answered, 1 refused (the JSON holds a French `error`), 70 unexpected error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import connect, default_db_path
from courtcircuit.normalise import build_steps
from courtcircuit.record import Record
from courtcircuit.schema import LISTINGS, PREVIEW_COLUMNS
from courtcircuit.workspace.store import StoreUnavailable
from etl.adapters.tables import SourceFileError, read_table
from etl.build import DEFAULT_DECISIONS, SourcesFailed, build, read_source
from etl.checks import DataCheckFailed
from etl.publish import BuildLocked, default_workspace
from etl.sources import SourceConfig, SourcesFileError, load_sources

COMMANDS = ("read-table", "check-source")
PREVIEW_FIELDS = PREVIEW_COLUMNS
# Columns compared to tell a listing that would change (provenance is bookkeeping).
COMPARED = tuple(c for c in LISTINGS.names() if c not in ("id", "field_provenance"))
SHOWN = 200  # items of each list in the JSON; the totals say how many there are


def add_commands(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("read-table", help="en-têtes et lignes d'un tableur, en JSON (assistant d'import)")
    t.add_argument("file", type=Path)
    t.add_argument("--sheet", default=None, help="feuille d'un classeur XLSX (défaut : la première)")
    t.add_argument("--rows", type=int, default=5000, help="lignes rendues au plus (défaut : 5000)")
    c = sub.add_parser("check-source", help="essai à blanc d'une source, sans rien publier (JSON)")
    c.add_argument("--sources", type=Path, required=True, help="fichier des sources publiées")
    c.add_argument("--candidate", type=Path, required=True, help="fichier TOML de la source à essayer")
    c.add_argument("--db", type=Path, default=None, help="base publiée (défaut : COURT_CIRCUIT_DB)")
    c.add_argument("--decisions", type=Path, default=DEFAULT_DECISIONS)
    c.add_argument("--preview", type=int, default=20, help="premières fiches montrées (défaut : 20)")
    for command in (t, c):
        command.add_argument("--json", action="store_true", help="réponse en JSON (toujours le cas)")


def run(args: argparse.Namespace) -> int:
    try:
        with contextlib.redirect_stdout(sys.stderr):  # stdout holds the JSON answer alone
            answer = read_table_json(args) if args.command == "read-table" else check_source(args)
        code = 0
    except (
        SourcesFileError,
        SourceFileError,
        SourcesFailed,
        DataCheckFailed,
        BuildLocked,
        StoreUnavailable,
    ) as err:
        answer, code = {"error": str(err)}, 1
    except Exception as err:  # a French sentence for the wizard, never a traceback
        answer, code = {"error": f"erreur inattendue ({type(err).__name__} : {err})"}, 70
    json.dump(answer, sys.stdout, ensure_ascii=False, default=_json_default)
    sys.stdout.write("\n")
    return code


def _json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_table_json(args: argparse.Namespace) -> dict[str, Any]:
    path: Path = args.file
    if not path.is_file():
        raise SourceFileError(f"fichier introuvable : {path.name}")
    headers: list[str] = []
    rows: list[dict[str, str]] = []
    notes: list[str] = []
    problems: list[dict[str, str]] = []
    read = 0
    for row in read_table(path, args.sheet):
        read += 1
        if not headers:
            headers = list(row.data)
        notes += [reason for _value, reason in row.file_notes]
        if row.problem:
            problems.append({"where": row.where, "reason": row.problem})
        if len(rows) < args.rows:
            rows.append(row.data)
    return {
        "file": path.name, "headers": headers, "rows": rows, "read": read,
        "truncated": read > len(rows), "notes": notes, "problems": problems[:SHOWN],
    }  # fmt: skip


def _sources(published: Path, candidate: Path) -> tuple[list[SourceConfig], SourceConfig]:
    found = load_sources(candidate)
    if len(found) != 1:
        raise SourcesFileError(f"{candidate.name} doit déclarer une seule source, pas {len(found)}")
    new = found[0]
    sources = load_sources(published) if published.exists() else []
    if any(s.name == new.name for s in sources):
        return [new if s.name == new.name else s for s in sources], new
    return [*sources, new], new


def _preview(new: SourceConfig, communes: CommuneIndex, shown: int) -> tuple[list[dict], dict[str, str]]:
    """The candidate's first records as normalised, and every record's name by ref."""
    reading = read_source(new, build_steps(communes), [], progress=False)
    names = {rec.ref: rec.name or "" for rec in reading.records}
    return [_record(rec) for rec in reading.records[:shown]], names


def _record(rec: Record) -> dict[str, Any]:
    values = {name: getattr(rec, name) for name in PREVIEW_FIELDS}
    return {"ref": rec.ref, **values, "notes": [{"field": i.field, "value": i.value, "reason": i.reason}
                                                 for i in rec.issues]}  # fmt: skip


def check_source(args: argparse.Namespace) -> dict[str, Any]:
    sources, new = _sources(args.sources, args.candidate)
    published = args.db or default_db_path()
    communes = CommuneIndex.load()
    preview, names = _preview(new, communes, args.preview)
    with tempfile.TemporaryDirectory(prefix="court-circuit-essai-") as folder:
        dry = Path(folder) / "essai.duckdb"
        if published.exists():  # listings keep their ids, so what would change can be told
            shutil.copyfile(published, dry)
        report = build(
            dry, sources, decisions=args.decisions, progress=False, communes=communes,
            workspace=default_workspace(),
        )  # fmt: skip
        counts = report.stats[new.name]
        rejected = report.rejected[report.rejected["source"] == new.name]
        answer: dict[str, Any] = {
            "source": new.name,
            "counts": counts,
            "accounted": counts["read"] == counts["loaded"] + counts["merged"] + counts["rejected"],
            "sources": report.stats,
            "listings": report.listings,
            "preview": preview,
            "rejected_rows": _rows(rejected[rejected["scope"] == "record"]),
            "corrected": _rows(rejected[rejected["scope"] == "field"]),
            "file_notes": _rows(rejected[rejected["scope"] == "source"]),
            "duplicates": _duplicates(dry, new.name, names),
            "changes": _changes(published, dry, new.name) if published.exists() else _first_build(dry),
        }
    return answer


def _rows(frame) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    rows = frame.rename(columns={"record_ref": "ref"})[["ref", "field", "value", "reason"]]
    return [{k: (None if v != v else v) for k, v in row.items()} for row in rows.to_dict("records")][:SHOWN]


def _duplicates(dry: Path, name: str, names: dict[str, str]) -> list[dict[str, Any]]:
    """Pairs of a candidate record and another source's record: merged, or kept apart although
    their names are close (the resolver's `kept_apart`, score ≥ 60); each with the other side's
    listing, for a person to confirm or refuse."""
    query = """
        SELECT p.*, l.id, l.name FROM (
            SELECT source_a, ref_a, source_b, ref_b, distance_m, name_score, reason, true AS merged FROM merges
            UNION ALL
            SELECT source_a, ref_a, source_b, ref_b, distance_m, name_score, reason, false FROM kept_apart
        ) p
        JOIN listing_sources s
          ON (s.source, s.source_ref) = (CASE WHEN p.source_a = ? THEN p.source_b ELSE p.source_a END,
                                         CASE WHEN p.source_a = ? THEN p.ref_b ELSE p.ref_a END)
        JOIN listings l ON l.id = s.listing_id
        WHERE (p.source_a = ?) <> (p.source_b = ?)
        ORDER BY merged DESC, name_score DESC
    """
    with connect(dry, read_only=True) as con:
        rows = con.execute(query, [name] * 4).fetchall()
    found = []
    for sa, ra, sb, rb, dist, score, reason, merged, listing_id, listing_name in rows:
        ref, other = (ra, (sb, rb)) if sa == name else (rb, (sa, ra))
        found.append({
            "ref": ref, "name": names.get(ref, ""), "other_source": other[0], "other_ref": other[1],
            "listing_id": listing_id, "listing_name": listing_name, "merged": merged, "reason": reason,
            "distance_m": None if dist is None else round(dist), "score": round(score),
        })  # fmt: skip
    return found[:SHOWN]


def _first_build(dry: Path) -> dict[str, Any]:
    with connect(dry, read_only=True) as con:
        (count,) = con.execute("SELECT count(*) FROM listings").fetchone()
    return {"new": count, "changed": [], "removed": [], "new_names": []}


def _changes(published: Path, dry: Path, name: str) -> dict[str, Any]:
    """Listings new, changed (with the fields that differ) or gone, published → dry run."""
    with connect(dry, read_only=True) as con:
        con.execute(f"ATTACH '{_quoted(published)}' AS pub (READ_ONLY)")
        columns = COMPARED
        new = con.execute(
            "SELECT id, name, list_contains(sources, ?) FROM listings WHERE id NOT IN "
            "(SELECT id FROM pub.listings) ORDER BY name",
            [name],
        ).fetchall()
        removed = con.execute(
            "SELECT id, name FROM pub.listings WHERE id NOT IN (SELECT id FROM listings) ORDER BY name"
        ).fetchall()
        differs = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in columns)
        flags = ", ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in columns)
        changed = con.execute(
            f"SELECT n.id, n.name, {flags} FROM listings n JOIN pub.listings o USING (id) "  # noqa: S608 - schema names
            f"WHERE {differs} ORDER BY n.name"
        ).fetchall()
    return {
        "new": len(new),
        "new_names": [{"id": i, "name": n, "from_source": bool(mine)} for i, n, mine in new][:SHOWN],
        "changed": [
            {"id": row[0], "name": row[1], "fields": [c for c, d in zip(columns, row[2:], strict=True) if d]}
            for row in changed
        ][:SHOWN],
        "changed_count": len(changed),
        "removed": [{"id": i, "name": n} for i, n in removed][:SHOWN],
        "removed_count": len(removed),
    }


def _quoted(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")
