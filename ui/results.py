"""The result list: one compact line per listing, the name opening its page."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from courtcircuit.hours import open_state
from courtcircuit.vocab import CHANNELS, KINDS
from ui.i18n import _, current, term
from ui.pages import LISTING
from ui.text import md


def distance_text(km: float | None, precision: str | None = None) -> str:
    """How far a listing is, as a resident reads it.

    A listing placed at its commune's town hall (``precision`` "commune") is not "0 m" away
    from a search centred on that town hall: it is somewhere in the commune. Elsewhere its
    distance is only approximate. Exact positions closer than 50 m say so rather than "3 m".
    """
    if km is None or pd.isna(km):
        return ""
    if precision == "commune":
        return _("dans la commune") if km < 1 else _("environ {km} km", km=round(km))
    if km < 0.05:
        return _("à moins de 50 m")
    if km < 1:
        return f"{round(km * 1000, -1):.0f} m"
    return f"{km:.1f} km" if current() == "en" else f"{km:.1f} km".replace(".", ",")


def _text(value: object) -> str:
    """A text cell, or "" where the listing has none (NaN in a text column of a data frame)."""
    return value if isinstance(value, str) else ""


def result_list(listings: pd.DataFrame, now: datetime) -> None:
    local = now.replace(tzinfo=None)
    for row in listings.itertuples(index=False):
        with st.container(border=True):
            st.page_link(
                LISTING, label=md(_text(row.name)), query_params={"id": row.id}, icon=":material/storefront:"
            )
            kind = term(KINDS, _text(row.kind))
            bits = [kind, distance_text(row.distance_km, _text(row.geo_precision)), _text(row.city)]
            state = open_state(row.opening_hours, local)
            if state.state != "unknown":
                bits.append(_("🟢 ouvert") if state.state == "open" else _("fermé"))
            channels = [
                term(CHANNELS, c) for c in (row.channels if row.channels is not None else []) if c in CHANNELS
            ]
            if channels:
                bits.append(", ".join(channels[:3]))
            if row.is_demo:
                bits.append(_("démo"))
            st.caption(md(" · ".join(b for b in bits if b)))
