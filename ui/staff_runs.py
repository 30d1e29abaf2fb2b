"""The « Imports » section of the staff space: the last run of each source (fetched, read,
loaded, merged, rejected, errors) and the run log behind it (``courtcircuit.run_log``, written
by ``python -m etl build`` and ``refresh``)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from courtcircuit.db import default_db_path
from courtcircuit.run_log import SourceRun, read_runs, run_log_path
from ui.i18n import _
from ui.text import md

SHOWN = 200  # log lines in the table


def _when(stamp: str) -> str:
    try:
        return f"{datetime.fromisoformat(stamp):%d/%m/%Y %H:%M}"
    except ValueError:
        return stamp


def _fetched(run: SourceRun) -> str:
    return {True: _("oui"), False: _("ÉCHEC"), None: "—"}[run.fetched]


def _table(runs: list[SourceRun]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                _("Date"): _when(r.started_at), _("Commande"): r.command, _("Source"): r.source,
                _("Téléchargée"): _fetched(r), _("Lues"): r.read, _("Chargées"): r.loaded,
                _("Fusionnées"): r.merged, _("Rejetées"): r.rejected, _("Durée (s)"): round(r.seconds, 1),
                _("Publiée"): _("oui") if r.published else _("non"), _("Erreurs"): " ; ".join(r.errors),
            }
            for r in runs
        ]
    )  # fmt: skip


def runs_panel() -> None:
    path = run_log_path(default_db_path())
    runs = read_runs(path, limit=SHOWN)
    st.subheader(_("Imports : dernières constructions"))
    if not runs:
        st.info(
            md(
                _(
                    "Aucune construction enregistrée pour l'instant. Le journal se remplit à chaque "
                    "« python -m etl build » ou « python -m etl refresh »."
                )
            )
        )
        return
    latest: dict[str, SourceRun] = {}
    for run in runs:  # newest first: the first line of a source is its last run
        latest.setdefault(run.source, run)
    for run in latest.values():
        if run.errors:
            st.warning(
                md(
                    _(
                        "{source} ({when}) : {errors}",
                        source=run.source,
                        when=_when(run.started_at),
                        errors=" ; ".join(run.errors),
                    )
                )
            )
    st.caption(
        md(
            _(
                "Dernier passage de chaque source ({n}), puis le journal ({file}).",
                n=len(latest),
                file=path.name,
            )
        )
    )
    st.dataframe(_table(list(latest.values())), hide_index=True, key="staff_runs_latest")
    with st.expander(_("Journal complet ({n} ligne(s), les plus récentes d'abord)", n=len(runs))):
        st.dataframe(_table(runs), hide_index=True, key="staff_runs_log")
