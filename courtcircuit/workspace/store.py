"""Opening the workspace store: ``COURT_CIRCUIT_WORKSPACE`` is a SQLAlchemy URL, by default a
SQLite file under ``data/`` (the embedded default); a ``postgresql://…`` URL lets several app
servers share it. Opening runs the Alembic migrations up to the newest, so a fresh or older
store is brought to this code's tables before use."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from courtcircuit.db import REPO_ROOT
from courtcircuit.messages import Message

ENV_VAR = "COURT_CIRCUIT_WORKSPACE"
DEFAULT_PATH = REPO_ROOT / "data" / "workspace.sqlite3"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# A writer waits this long for another writer (SQLite's busy timeout, PostgreSQL's lock timeout
# for the needs), then the person is told. A locked needs file once kept a page blocked 11-12 s
# before a traceback (issue 8).
BUSY_TIMEOUT_S = 3.0


class StoreUnavailable(RuntimeError):
    """The workspace store cannot be reached or written: a French message says why."""


def default_url() -> str:
    return os.environ.get(ENV_VAR) or f"sqlite:///{DEFAULT_PATH}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_connection.cursor()
    # First the short wait, then a French message, never 11 s: set before anything that may wait.
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # No pool: a connection per transaction, as the needs file always had. Opening a SQLite
        # file costs well under a millisecond, and a pooled connection would miss that the file
        # turned read-only or was restored from a backup since it was opened.
        engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the store's tables to this code's version (Alembic upgrade to head)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Store:
    """The workspace store: an engine, migrated, and its sessions."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self.engine = make_engine(self.url)
        try:
            migrate(self.engine)
        except Exception as exc:  # driver errors differ per backend; people need one message
            raise StoreUnavailable(
                Message(
                    "L'espace équipe est indisponible : la base de travail ({url}) ne peut pas être "
                    "ouverte ({error}).",
                    url=_redacted(self.url),
                    error=type(exc).__name__,
                )
            ) from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed at the end, rolled back on any error."""
        with self._sessions.begin() as session:
            yield session


def only_writer(session: Session, table: str) -> None:
    """Make this transaction the only writer of ``table`` until it ends, so that a check and the
    write that follows it (a duplicate need, a one-time import) are one step for every server.

    SQLite: take the file's write lock now (``BEGIN IMMEDIATE``; pysqlite then adds no BEGIN of
    its own). PostgreSQL: lock the table against other writers, readers go on. Either waits at most
    :data:`BUSY_TIMEOUT_S`, then fails with the driver's "busy" error (locked, lock timeout)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.execute(text(f"SET LOCAL lock_timeout = '{int(BUSY_TIMEOUT_S * 1000)}ms'"))
        connection.execute(text(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE'))


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url


@functools.cache
def default_store() -> Store:
    return Store(default_url())
