"""The run log: one JSON line per source per build or refresh, kept across builds in a file next
to the database (`runs.jsonl`; COURT_CIRCUIT_RUN_LOG to put it elsewhere).

Outside the DuckDB file on purpose: that file is replaced whole at each build, and a failed
build (the most interesting run to look back at) publishes no file at all. JSON lines because
a run appends its lines in one write, a reader skips a damaged line, and `tail` or a
spreadsheet reads it too.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

ENV_VAR = "COURT_CIRCUIT_RUN_LOG"
FILE_NAME = "runs.jsonl"


def run_log_path(db: Path) -> Path:
    configured = os.environ.get(ENV_VAR, "").strip()
    return Path(configured) if configured else Path(db).parent / FILE_NAME


@dataclass
class SourceRun:
    """One source in one run: what was fetched, what the build made of it, what went wrong."""

    run: str  # the run's start, ISO seconds: the lines of one run share it
    command: str  # "build" or "refresh"
    source: str
    started_at: str
    seconds: float = 0.0
    fetched: bool | None = None  # None: nothing to fetch (a file provided by a partner)
    read: int = 0
    loaded: int = 0
    merged: int = 0
    rejected: int = 0
    published: bool = False
    errors: list[str] = field(default_factory=list)


def start_stamp() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def append_runs(path: Path, runs: list[SourceRun]) -> None:
    """Append the run's lines in one write (O_APPEND: two builds' lines never interleave)."""
    if not runs:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in runs)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def read_runs(path: Path, limit: int = 500) -> list[SourceRun]:
    """The last `limit` lines, newest first; a damaged line is skipped, never fatal."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    runs = []
    known = set(SourceRun.__dataclass_fields__)
    for line in reversed(lines):
        try:
            data = json.loads(line)
            runs.append(SourceRun(**{k: v for k, v in data.items() if k in known}))
        except (ValueError, TypeError):
            continue
        if len(runs) >= limit:
            break
    return runs
