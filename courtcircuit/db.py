"""Opening the directory database, with DuckDB's spatial extension loaded offline."""

from __future__ import annotations

import gc
import importlib.util
import os
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "data" / "court-circuit.duckdb"


class DatabaseMissing(FileNotFoundError):
    """The directory has not been built yet."""


def default_db_path() -> Path:
    return Path(os.environ.get("COURT_CIRCUIT_DB", DEFAULT_DB))


def spatial_extension_path() -> Path:
    """The spatial extension shipped in the `duckdb-extension-spatial` wheel.

    `LOAD spatial` alone would look in ~/.duckdb and try the network; the wheel's file
    works offline and writes nothing to $HOME.
    """
    spec = importlib.util.find_spec("duckdb_extension_spatial")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Le paquet duckdb-extension-spatial n'est pas installé (voir requirements.txt).")
    base = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(base.glob(f"extensions/v{duckdb.__version__}/spatial.duckdb_extension"))
    if not found:
        raise RuntimeError(f"Extension spatiale introuvable pour DuckDB {duckdb.__version__} dans {base}.")
    return found[0]


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"LOAD '{spatial_extension_path()}'")


def _config() -> dict[str, str | bool]:
    return {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


WRITE_CATALOG = "annuaire_ecrit"  # the file attached by connect(..., row_group_size=…)


def connect(
    path: Path | str | None = None,
    *,
    read_only: bool = True,
    spatial: bool = True,
    row_group_size: int | None = None,
):
    """A connection to the directory; read-only unless building.

    ``row_group_size`` (writing only; courtcircuit.schema.DIRECTORY_ROW_GROUP_SIZE for the
    published file): tables written through this connection are cut into row groups of that
    many rows. DuckDB takes it only when attaching a file, so the file is attached in an
    in-memory instance and made the connection's default catalog (``USE``): tables are named
    as usual on this connection, but not on its cursors, which start in the in-memory catalog.

    Raises DatabaseMissing with the command to run when the file is absent, rather than
    letting DuckDB create an empty database.
    """
    db = Path(path) if path is not None else default_db_path()
    if str(db) != ":memory:" and read_only and not db.exists():
        raise DatabaseMissing(f"Base introuvable : {db}. Lancez « python -m etl build --db {db} ».")
    if row_group_size is not None and not read_only and str(db) != ":memory:":
        con = duckdb.connect(":memory:", config=_config())
        try:
            # Spill where a file database would (next to it), not in the working directory.
            con.execute(f"SET temp_directory = {_quoted(db.with_name(db.name + '.tmp'))}")
            con.execute(f"ATTACH {_quoted(db)} AS {WRITE_CATALOG} (ROW_GROUP_SIZE {int(row_group_size)})")
            con.execute(f"USE {WRITE_CATALOG}")
        except BaseException:
            con.close()
            raise
    else:
        con = duckdb.connect(str(db), read_only=read_only, config=_config())
    if spatial:
        load_spatial(con)
    return con


def copy_database(source: Path, target: Path, *, row_group_size: int) -> None:
    """Copy every table and view of ``source`` into a new file ``target``, rows in the same
    order, cut into row groups of ``row_group_size`` rows: an existing directory file gets the
    layout of courtcircuit.schema.DIRECTORY_ROW_GROUP_SIZE without a rebuild."""
    if target.exists():
        raise FileExistsError(target)
    con = connect(target, read_only=False, row_group_size=row_group_size)
    try:
        con.execute(f"ATTACH {_quoted(source)} AS copied_from (READ_ONLY)")
        con.execute("SET preserve_insertion_order = true")  # the Hilbert order is the point
        con.execute(f"COPY FROM DATABASE copied_from TO {WRITE_CATALOG}")
        con.execute("DETACH copied_from")
        con.execute("CHECKPOINT")
    finally:
        con.close()


# ------------------------------------------------------------------ serving a file that is rebuilt


FileIdentity = tuple[int, int, int, int]
SNAPSHOT_CATALOG = "annuaire"  # the attached directory file, in a snapshot's instance


def file_identity(path: Path) -> FileIdentity:
    """(device, inode, mtime ns, size): the ETL swaps a new file in (os.replace), which changes
    the inode; mtime alone misses a swap within the filesystem's timestamp resolution."""
    st = path.stat()
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def open_snapshot(path: Path, *, spatial: bool = True) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the file at ``path`` as it is now, in a DuckDB instance of its own.

    ``duckdb.connect(path)`` hands back the instance already open on that path in this process
    (DuckDB's instance cache, keyed on the path), so after a rebuild it kept serving the
    replaced file, held open though deleted. Here each call opens a new in-memory instance and
    attaches the file read-only: nothing is shared with earlier opens, and the instance goes
    (closing its file) once its connection and every cursor taken from it are gone.

    A view in the instance's own catalog stands for each table of the file, so every cursor
    (and a cursor's cursor, as the query modules take) names tables as usual: ``USE`` would
    only hold for the connection that ran it.
    """
    if not path.exists():
        raise DatabaseMissing(f"Base introuvable : {path}. Lancez « python -m etl build --db {path} ».")
    con = duckdb.connect(":memory:", config=_config())
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS {SNAPSHOT_CATALOG} (READ_ONLY)")
        names = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' "
            "UNION SELECT view_name FROM duckdb_views() WHERE database_name = ? AND schema_name = 'main'",
            [SNAPSHOT_CATALOG, SNAPSHOT_CATALOG],
        ).fetchall()
        for (name,) in names:
            ident = '"' + name.replace('"', '""') + '"'
            con.execute(f"CREATE VIEW memory.main.{ident} AS SELECT * FROM {SNAPSHOT_CATALOG}.main.{ident}")  # noqa: S608
        if spatial:
            load_spatial(con)
    except BaseException:
        con.close()
        raise
    return con


T = TypeVar("T")


class Snapshots:
    """The directory file for a long-running server: each caller gets a cursor on the newest file.

    ``cursor()`` compares the file's identity with the one it opened; after a swap it opens the
    new file and forgets the old connection without closing it: cursors already handed out
    (a search under way) keep the old instance alive and finish on it, and the instance closes
    the replaced file when the last of them is garbage. Closing it here would break them
    (closing a DuckDB connection closes its cursors). Thread-safe: one lock around the swap.

    A cursor often ends in a reference cycle (a page's variables and its functions), freed only
    by the cycle collector. The server does not run it after every page (ui/serve.py), so while
    a replaced file still has cursors alive, each ``cursor()`` call runs it: the replaced file is
    let go within a run or two of its last search instead of at some later collection.

    ``per_file(compute)`` keeps what only a rebuild changes (the directory's counts, its
    communes) once per file instead of once per page.
    """

    def __init__(
        self,
        path: Path,
        *,
        spatial: bool = True,
        on_open: Callable[[duckdb.DuckDBPyConnection, str], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.spatial = spatial
        # Checked once per file opened (the schema version, say), not on every cursor; a file
        # it refuses is not kept, so the next call checks again.
        self.on_open = on_open
        self._lock = threading.Lock()
        self._identity: FileIdentity | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self.opened = 0  # how many files were opened: a swap shows as one more
        # The cursors handed out on the current file, and on replaced files still held.
        self._handed: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()
        self._retired: list[weakref.WeakSet[duckdb.DuckDBPyConnection]] = []
        self._per_file: dict[Callable, tuple[FileIdentity, object]] = {}

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the current file, for one thread (a DuckDB connection is not thread-safe).

        Raises DatabaseMissing (a FileNotFoundError) when the file is gone, duckdb.Error when
        it cannot be read."""
        try:
            identity = file_identity(self.path)
        except FileNotFoundError as err:
            raise DatabaseMissing(
                f"Base introuvable : {self.path}. Lancez « python -m etl build --db {self.path} »."
            ) from err
        return self._cursor(identity)[1]

    def per_file(self, compute: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """``compute(cursor)``, computed once per directory file (again after a rebuild)."""
        try:
            identity = file_identity(self.path)
        except FileNotFoundError:
            return compute(self.cursor())  # says the file is missing, as cursor() does
        opened, cur = self._cursor(identity)
        with self._lock:
            kept = self._per_file.get(compute)
        if kept is not None and kept[0] == opened:
            return kept[1]  # type: ignore[return-value]
        value = compute(cur)
        with self._lock:
            self._per_file[compute] = (opened, value)
        return value

    def _cursor(self, identity: FileIdentity) -> tuple[FileIdentity, duckdb.DuckDBPyConnection]:
        with self._lock:
            if identity != self._identity or self._con is None:
                con = open_snapshot(self.path, spatial=self.spatial)
                if self.on_open is not None:
                    self.on_open(con, str(self.path))
                if self._con is not None:
                    self._retired.append(self._handed)
                    self._handed = weakref.WeakSet()
                self._con = con
                self._identity = identity
                self.opened += 1
            cur = self._con.cursor()
            self._handed.add(cur)
            self._retired = [held for held in self._retired if len(held)]
            replaced_still_held = bool(self._retired)
            opened = self._identity
        if replaced_still_held:
            gc.collect()  # frees the replaced files' cursors that only a cycle keeps
        return opened, cur
