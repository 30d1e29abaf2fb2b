"""Routing shares nothing between sessions (issue 8, « Concurrency »).

st.navigation marks the page it picks as callable and Page.run() clears the mark. With the
module-level pages of ui/pages.py handed to st.navigation, one session's run() cleared the
mark another session had just received (1 search in 128 at 20 sessions failed). The load test
(tests/test_browser_load.py) shows the outcome; these tests pin the mechanism, in a second.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_each_run_navigates_with_its_own_pages(small_build, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(small_build.db))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    handed: list[list[st.Page]] = []
    navigation = st.navigation

    def spy(page_list, **kwargs):
        handed.append(list(page_list))
        return navigation(page_list, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    for page in (None, "pages/annuaire.py", None):  # three sessions, two on the same page
        at = AppTest.from_file(APP, default_timeout=60)
        if page:
            at.switch_page(page)
        at.run()
        assert not at.exception
    assert len(handed) >= 3
    # Imported only now, as the app imported it: st.Page built outside a script run is incomplete.
    from ui import pages

    shared = {id(p) for p in pages.ALL}
    seen: set[int] = set()
    for run in handed:
        ids = {id(p) for p in run}
        assert not ids & shared, "a run handed the module-level pages to st.navigation"
        assert not ids & seen, "two runs handed the same page objects to st.navigation"
        seen |= ids
        assert [p.url_path for p in run] == [p.url_path for p in pages.ALL]
    # The shared pages were never ordained by st.navigation, so no session can clear another's mark.
    assert not any(p._can_be_called for p in pages.ALL)


def test_pages_first_imported_outside_a_run_still_route_and_link(small_build, tmp_path, monkeypatch):
    """A test (or a script) importing a ui module imports ui/pages.py outside any script run,
    where Streamlit's Page stays incomplete; the app run later in that process must still route."""
    import sys

    monkeypatch.setenv("COURT_CIRCUIT_DB", str(small_build.db))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    for name in [m for m in sys.modules if m == "ui" or m.startswith("ui.")]:
        monkeypatch.delitem(sys.modules, name)
    import ui.pages

    assert "_title" not in vars(ui.pages.SEARCH)  # incomplete, as Streamlit leaves it here
    for page in (None, "pages/annuaire.py"):
        at = AppTest.from_file(APP, default_timeout=60)
        if page:
            at.switch_page(page)
        at.run()
        assert not at.exception, at.exception
    assert ui.pages.SEARCH.title == "Trouver près de chez moi"
