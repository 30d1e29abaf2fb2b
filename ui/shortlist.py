"""The buyer's shortlist, built by ticking rows of the supplier tables (keys ``cp_``).

st.dataframe's row selection is a list of row positions, kept per widget key: a filter that
changes the rows would leave the ticks on other producers. So the shortlist is a list of
producer ids (``CHOSEN``), and each table's key carries a generation that changes whenever the
rows or the ticks it should show differ from what the browser has: the table then starts
afresh with the shortlist's producers ticked (``selection_default``). A tick only changes its
table's state, which keeps its key, so the buyer's scroll position stays.

Ticks are read at the start of the run (:func:`take_ticks`), before any table is drawn, so a
producer listed in both tables shows the same tick in both after one run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from courtcircuit.supplier_state import merge_ticks

CHOSEN = "cp_choisis"  # producer ids, in the order they were ticked
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
