"""A real, private PostgreSQL server for the workspace store's tests (Debian's package, installed
by `make test`): a fresh cluster in a temporary folder, reachable only through its Unix socket."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL n'est pas installé : `make test` installe le paquet Debian postgresql")
    return found[-1]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: as root (CI, containers), run as Debian's user.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a cluster in a new temporary folder; yields a libpq URL template with ``{db}``.

    Not under pytest's tmp_path: that tree is private to root, and the server runs as postgres."""
    folder = Path(tempfile.mkdtemp(prefix="cc-postgres-"))
    data, sockets = folder / "data", folder / "sockets"
    for path in (data, sockets):
        path.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        for path in (data, sockets):
            shutil.chown(path, "postgres")
    subprocess.run(
        _as_postgres([_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"]),
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-k {sockets} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    subprocess.run(
        _as_postgres([_bin("pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(folder / "log"), "start"]),
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgresql://postgres@/{{db}}?host={sockets}"
    finally:
        subprocess.run(
            _as_postgres([_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(url_template: str) -> str:
    """A new empty database on the server; its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = url_template.format(db="postgres")
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return url_template.format(db=name)
