"""What the home page needs from the database: a summary of the directory and its points.

Plain functions over a DuckDB connection (or cursor), no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from courtcircuit.geo import departements_of
from courtcircuit.vocab import KINDS


@dataclass(frozen=True)
class SourceSummary:
    name: str
    label: str
    demo: bool
    licence: str | None
    read: int
    loaded: int
    merged: int
    rejected: int


@dataclass(frozen=True)
class DirectorySummary:
    total: int
    per_kind: dict[str, int]  # every kind code, zero included, in vocabulary order
    demo_listings: int
    sources: list[SourceSummary]
    built_at: datetime | None

    @property
    def has_demo(self) -> bool:
        return self.demo_listings > 0


def directory_summary(con: duckdb.DuckDBPyConnection) -> DirectorySummary:
    counts = dict(
        con.execute("SELECT kind, count(*) FROM listings WHERE status = 'active' GROUP BY kind").fetchall()
    )
    (demo,) = con.execute("SELECT count(*) FROM listings WHERE is_demo AND status = 'active'").fetchone()
    sources = [
        SourceSummary(*row)
        for row in con.execute(
            "SELECT name, label, demo, licence, read, loaded, merged, rejected FROM sources ORDER BY precedence, name"
        ).fetchall()
    ]
    built = con.execute("SELECT max(built_at) FROM build_info").fetchone()[0]
    per_kind = {code: int(counts.get(code, 0)) for code in KINDS.codes()}
    return DirectorySummary(sum(per_kind.values()), per_kind, int(demo), sources, built)


def map_points(con: duckdb.DuckDBPyConnection, limit: int = 50_000) -> pd.DataFrame:
    """id, name, kind, lat, lon of active listings, for the overview map."""
    return con.execute(
        "SELECT id, name, kind, lat, lon FROM listings WHERE status = 'active' ORDER BY id LIMIT ?", [limit]
    ).df()


def departements_present(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Département codes of the listings (INSEE prefix; 3 digits overseas), for map outlines."""
    rows = con.execute(
        "SELECT DISTINCT commune_insee FROM listings WHERE commune_insee IS NOT NULL"
    ).fetchall()
    return departements_of(code for (code,) in rows)
