"""The chrome every page shares: the database connection, the demo banner, the credits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb
import streamlit as st

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import DatabaseMissing, Snapshots, default_db_path
from courtcircuit.directory import DirectorySummary
from courtcircuit.schema import SchemaOutdated, check_schema
from courtcircuit.workspace.needs import NeedStore
from courtcircuit.workspace.needs_import import legacy_needs_path
from courtcircuit.workspace.store import default_url
from ui.i18n import N_, _
from ui.map_safety import Encoded, encoded
from ui.text import md

T = TypeVar("T")
OSM_CREDIT = N_("© les contributeurs d'OpenStreetMap (ODbL)")


@st.cache_resource(show_spinner=False)
def _snapshots(path: str) -> Snapshots:
    # One per file path for the whole server; it notices a rebuilt file by itself (inode, mtime,
    # size), so a rebuild reaches every session at its next rerun without a restart.
    return Snapshots(Path(path), on_open=check_schema)  # an older file would fail on a missing column


def per_file(compute: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """``compute(cursor)`` once per directory file (the directory's counts, its communes…),
    not on every page; after :func:`cursor`, which stops the page when the file is missing."""
    return _snapshots(str(default_db_path())).per_file(compute)


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor for this rerun (a DuckDB connection is not thread-safe), on the newest file;
    stops the page when the database is missing or unreadable, with the command that builds it."""
    path = default_db_path()
    try:
        return _snapshots(str(path)).cursor()
    except SchemaOutdated as exc:
        st.error(md(exc))
        st.stop()
        raise
    except (FileNotFoundError, DatabaseMissing):
        st.error(
            _(
                "L'annuaire n'est pas encore construit ({path}). Lancez `make run` ou `python -m etl build`.",
                path=path,
            )
        )
        st.stop()
        raise  # unreachable: st.stop() raises
    except duckdb.Error:
        st.error(
            _(
                "L'annuaire ({path}) ne peut pas être lu : le fichier n'est pas une base de l'annuaire. "
                "Reconstruisez-le avec `python -m etl build`.",
                path=path,
            )
        )
        st.stop()
        raise


def demo_banner(summary: DirectorySummary) -> None:
    if summary.has_demo:
        st.info(
            _(
                "**Données de démonstration** : {demo} des {total} fiches sont fictives "
                "(territoire d'Ambert et du Livradois-Forez), pour essayer l'annuaire.",
                demo=summary.demo_listings,
                total=summary.total,
            ),
            icon="🧪",
        )


def credits(summary: DirectorySummary) -> None:
    sources = ", ".join(md(s.label) for s in summary.sources)  # labels come from sources files
    st.caption(
        _(
            "Sources : {sources}. Fond de carte et données OpenStreetMap : {osm}.",
            sources=sources,
            osm=_(OSM_CREDIT),
        )
    )


@st.cache_resource(show_spinner=False, max_entries=128)
def outlines(departements: tuple[str, ...]) -> Encoded:
    """Simplified département outlines (GeoJSON) drawn under the markers: the offline background.

    Encoded for the map once (ui.map_safety.Encoded), and shared as it is: France's outlines
    cost a fifth of the search page's run when every run copied them out of a data cache and
    encoded them again."""
    return encoded(CommuneIndex.load().outlines(list(departements)))


@st.cache_resource(show_spinner=False)
def communes() -> CommuneIndex:
    return CommuneIndex.load()


@st.cache_resource(show_spinner=False)
def _needs(url: str, legacy: str) -> NeedStore:
    # One per workspace for the whole server: the old needs file is copied in (once, if the
    # workspace has no needs yet) when the store is first opened, at its first use.
    return NeedStore(url, legacy=Path(legacy))


def needs_store() -> NeedStore:
    """Buyers' needs, in the workspace store (COURT_CIRCUIT_WORKSPACE): they survive directory rebuilds."""
    return _needs(default_url(), str(legacy_needs_path()))
