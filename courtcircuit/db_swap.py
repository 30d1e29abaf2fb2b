"""Replacing the directory database file: one writer at a time, and readers see the old file or
the new one, never a mix. A build (etl/publish.py) and a publication of staff edits
(courtcircuit/edits.py) both write a new file next to the database, then swap it in under this
lock, so they never interleave and neither loses the other's work."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class BuildLocked(RuntimeError):
    pass


@contextmanager
def build_lock(db: Path, wait: bool = True) -> Iterator[None]:
    """One writer per database file at a time; a second one waits (or fails fast)."""
    lock_path = db.with_name(db.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as err:
            raise BuildLocked(f"une autre construction de {db.name} est en cours") from err
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def temporary_path(db: Path) -> Path:
    """Where a writer prepares the next file: `<db>.tmp-<pid>`, which a later build removes if
    its process died (etl.build.remove_stale_temporaries)."""
    return db.with_name(f"{db.name}.tmp-{os.getpid()}")


def swap_in(new: Path, db: Path) -> None:
    """Atomic on one filesystem: readers see the old file or the new one, never a mix."""
    os.replace(new, db)
    wal = new.with_name(new.name + ".wal")
    if wal.exists():
        wal.unlink()
