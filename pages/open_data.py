"""Données ouvertes: the directory's open-data files and their licences (ui/open_data_view.py)."""

from __future__ import annotations

from ui.open_data_view import show_open_data
from ui.pages import routed

routed()
show_open_data()
