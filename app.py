"""Court-Circuit: the local-food directory. Entry point: the page router.

`streamlit run app.py` serves ``static/`` (vendored Leaflet) from next to this file.
"""

from __future__ import annotations

import streamlit as st

from ui.pages import ALL

st.set_page_config(
    page_title="Court-Circuit — circuits courts près de chez vous", page_icon="🥕", layout="wide"
)
st.navigation(ALL).run()
