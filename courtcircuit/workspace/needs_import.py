"""The one-time move of buyers' needs from their old SQLite file into the workspace store.

Needs used to have a file of their own: ``data/needs.sqlite3``, or the file the former variable
``COURT_CIRCUIT_NEEDS_DB`` named. They now live in the workspace (``COURT_CIRCUIT_WORKSPACE``).
So that a Parc upgrading keeps its needs, the first time the app opens them, if the workspace
has no needs yet and the old file exists, every need is copied with its number (buyers were told
« Besoin n° 12 »), status, dates and review note. The old file is only read, never changed: the
administrator deletes it once satisfied (README).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from courtcircuit.db import REPO_ROOT
from courtcircuit.workspace.models import Need as NeedRow
from courtcircuit.workspace.store import BUSY_TIMEOUT_S, Store, only_writer

LEGACY_ENV = "COURT_CIRCUIT_NEEDS_DB"  # read only to find the old file
LEGACY_DEFAULT = REPO_ROOT / "data" / "needs.sqlite3"
log = logging.getLogger(__name__)


def legacy_needs_path() -> Path:
    """Where the needs were kept before they moved into the workspace."""
    return Path(os.environ.get(LEGACY_ENV) or LEGACY_DEFAULT)


def read_legacy(path: Path) -> list[dict[str, Any]]:
    """Every need of an old needs file, oldest number first; opened read-only (``mode=ro``), so
    the file is left exactly as it was. Raises sqlite3.Error when it cannot be read."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        con.row_factory = sqlite3.Row
        if not con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'needs'").fetchone():
            return []  # created but never used: no table
        return [dict(row) for row in con.execute("SELECT * FROM needs ORDER BY id")]
    finally:
        con.close()


def _when(value: object) -> datetime | None:
    """The old file's ISO text as a time (UTC when it carries no zone); None if unreadable."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _row(old: dict[str, Any]) -> NeedRow:
    return NeedRow(
        id=int(old["id"]),
        created_at=_when(old.get("created_at")) or datetime.now(UTC),
        store_kind=old["store_kind"],
        place_label=old["place_label"],
        lat=float(old["lat"]),
        lon=float(old["lon"]),
        product=old["product"],
        volume=old["volume"],
        frequency=old["frequency"],
        constraints=old.get("constraints") or "",
        contact_name=old["contact_name"],
        contact_email=old.get("contact_email") or None,
        contact_phone=old.get("contact_phone") or None,
        status=old["status"],
        reviewed_at=_when(old.get("reviewed_at")),
        review_note=old.get("review_note") or None,
        public_contact=old.get("public_contact") or None,  # absent from the oldest files
    )


def _has_needs(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(NeedRow)))


def import_legacy_needs(store: Store, path: Path) -> int:
    """Copy the needs of the old file ``path`` into ``store`` if the store has none yet; how many.

    Idempotent: once the workspace holds needs (these, or new ones), nothing is copied again, and
    two servers starting together copy once (the check and the copy hold the write lock). An old
    file that cannot be read is logged and skipped, not fatal: it must not keep the needs pages
    down. Errors of the workspace itself (SQLAlchemyError) are the caller's to report."""
    if not path.is_file():
        return 0
    with store.session() as session:  # the usual case at every start after the first: done
        if _has_needs(session):
            return 0
    try:
        rows = read_legacy(path)
    except sqlite3.Error as exc:
        log.warning("Ancien fichier des besoins %s illisible, rien n'en est repris : %s", path, exc)
        return 0
    if not rows:
        return 0
    with store.session() as session:
        only_writer(session, NeedRow.__tablename__)
        if _has_needs(session):  # another server copied them meanwhile
            return 0
        session.add_all([_row(old) for old in rows])
        session.flush()
        if session.get_bind().dialect.name == "postgresql":
            # The numbers were given, not drawn: move the sequence past them for the next need.
            session.execute(
                text("SELECT setval(pg_get_serial_sequence('needs', 'id'), (SELECT max(id) FROM needs))")
            )
    return len(rows)
