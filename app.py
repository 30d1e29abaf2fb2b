"""Court-Circuit: the local-food directory. Entry point: the page router.

`streamlit run app.py` serves ``static/`` (vendored Leaflet) from next to this file.
"""

from __future__ import annotations

import streamlit as st

from ui.pages import ALL

st.set_page_config(
    page_title="Court-Circuit — circuits courts près de chez vous", page_icon="🥕", layout="wide"
)
page = st.navigation(ALL)
page.run()
# Read by the listing page: a link from one listing to another only changes the query string,
# which Streamlit's frontend does not show in the address bar unless the page writes it.
st.session_state["cc_previous_page"] = page.url_path
