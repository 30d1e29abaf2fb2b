"""Opening the directory database, with DuckDB's spatial extension loaded offline."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

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


def connect(path: Path | str | None = None, *, read_only: bool = True, spatial: bool = True):
    """A connection to the directory; read-only unless building.

    Raises DatabaseMissing with the command to run when the file is absent, rather than
    letting DuckDB create an empty database.
    """
    db = Path(path) if path is not None else default_db_path()
    if str(db) != ":memory:" and read_only and not db.exists():
        raise DatabaseMissing(f"Base introuvable : {db}. Lancez « python -m etl build --db {db} ».")
    con = duckdb.connect(str(db), read_only=read_only, config=_config())
    if spatial:
        load_spatial(con)
    return con
