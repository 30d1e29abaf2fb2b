"""Court-Circuit: the local-food directory. Entry point: the page router.

`streamlit run app.py` serves ``static/`` (vendored Leaflet) from next to this file.
"""

from __future__ import annotations

from ui.pages import route

route()
