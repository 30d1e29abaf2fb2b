"""The buyer's shortlist, built by ticking rows of the supplier tables (keys ``cp_``).

st.dataframe's row selection is a list of row positions, kept per widget key: a filter that
changes the rows would leave the ticks on other producers. So the shortlist is a list of
producer ids (``CHOSEN``), and each table's key carries a generation that changes whenever the
rows or the ticks it should show differ from what the browser has: the table then starts
afresh with the shortlist's producers ticked (``selection_default``). A tick only changes its
table's state, which keeps its key, so the buyer's scroll position stays.

Ticks are read at the start of the run (:func:`take_ticks`), before any table is drawn, so a
producer listed in both tables shows the same tick in both after one run.

The tables show one page of their lists, the shortlist keeps producers of any page: its rows
are read by id (:func:`chosen_rows`), and kept in the session, so that only a newly ticked
producer is read (a read by id scans the directory).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from courtcircuit.supplier_state import merge_ticks
from ui.chrome import per_file

CHOSEN = "cp_choisis"  # producer ids, in the order they were ticked
CHOSEN_ROWS = "cp_choisis_lignes"  # (what they were read for, the shortlisted producers' rows)
TABLES = ("cp_table_livrent", "cp_table_proches")


def _drawn(base: str) -> str:
    return f"{base}_drawn"  # (widget key, row ids, ids ticked) of the table as last drawn


def _ticked_rows(key: str) -> list[int] | None:
    state: Any = st.session_state.get(key)
    if state is None:
        return None
    return list(state["selection"]["rows"])


def take_ticks() -> list[str]:
    """The shortlist with the ticks and unticks made in the tables since the last run."""
    ss = st.session_state
    chosen = list(ss.get(CHOSEN, []))
    for base in TABLES:
        drawn = ss.get(_drawn(base))
        if not drawn:
            continue
        key, ids, before = drawn
        rows = _ticked_rows(key)
        if rows is None:
            continue
        after = [ids[r] for r in rows if 0 <= r < len(ids)]
        chosen = merge_ticks(chosen, ids, before, after)
    ss[CHOSEN] = chosen
    return chosen


def keep_only(available: Iterable[str]) -> list[str]:
    """Drop from the shortlist the producers no table shows any more (a filter hid them)."""
    shown = set(available)
    chosen = [i for i in st.session_state.get(CHOSEN, []) if i in shown]
    st.session_state[CHOSEN] = chosen
    return chosen


def clear() -> None:
    st.session_state[CHOSEN] = []


def _file_version(_cur: Any) -> object:
    return object()  # a new token for each directory file: rows read from an older one are read again


def chosen_rows(
    read: Callable[[list[str]], pd.DataFrame], chosen: Sequence[str], where: Hashable
) -> pd.DataFrame:
    """The rows of the shortlisted producers ``chosen``, in their order: ``read(ids)`` gives
    the rows of ``ids`` seen from the store ``where``. Rows already read for the same store
    and directory file are reused, so turning a page, an untick or a filter reads nothing,
    and a tick reads one producer."""
    ss = st.session_state
    scope = (per_file(_file_version), where)
    kept: Any = ss.get(CHOSEN_ROWS)
    have = kept[1] if kept is not None and kept[0] == scope else None
    known = set(have["id"]) if have is not None else set()
    missing = [i for i in chosen if i not in known]
    frames = [f for f in (have, read(missing) if missing or have is None else None) if f is not None]
    full = [f for f in frames if not f.empty]  # pandas warns of concatenating empty frames
    rows = pd.concat(full, ignore_index=True) if full else frames[0]
    rows = rows.drop_duplicates("id").set_index("id")
    rows = rows.loc[[i for i in chosen if i in rows.index]].reset_index()
    ss[CHOSEN_ROWS] = (scope, rows)
    return rows


def selectable_table(base: str, ids: Sequence[str], table: pd.DataFrame, **options: Any) -> None:
    """``table`` (one row per id of ``ids``) with a tick box per row that adds it to the shortlist."""
    ss = st.session_state
    ids = tuple(ids)
    chosen = set(ss.get(CHOSEN, []))
    wanted = [r for r, i in enumerate(ids) if i in chosen]
    generation = int(ss.get(f"{base}_gen", 0))
    key = f"{base}_{generation}"
    drawn = ss.get(_drawn(base))
    same_rows = bool(drawn) and drawn[0] == key and drawn[1] == ids
    if not same_rows or sorted(_ticked_rows(key) or []) != wanted:
        generation += 1  # a new widget: the browser draws it with `wanted` ticked
        key = f"{base}_{generation}"
        ss[f"{base}_gen"] = generation
    st.dataframe(
        table,
        key=key,
        on_select="rerun",
        selection_mode="multi-row",
        selection_default={"selection": {"rows": wanted}},
        **options,
    )
    ss[_drawn(base)] = (key, ids, frozenset(ids[r] for r in wanted))
