"""Streamlit-side helpers shared by every page (connection, banner, attribution)."""
