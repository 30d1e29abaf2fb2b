"""The top of the result list, scrolled into view when the visitor turns its page.

The page numbers are under the list; after a click on « 2 » the browser kept the scroll there
and the second page opened on its last lines. A tiny components-v2 element (no iframe) placed
above the list scrolls to itself when the page number it is given changes.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_JS = (Path(__file__).resolve().parents[1] / "static" / "list" / "scroll.js").read_text(encoding="utf-8")
_component = st.components.v2.component("court_circuit.list_top", html="<span></span>", js=_JS)


def list_top(page: int, key: str) -> None:
    _component(key=key, data={"page": page}, height=0)
