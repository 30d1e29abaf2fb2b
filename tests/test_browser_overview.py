"""The overview page (/annuaire) in chromium on the demo directory: every kind's counter shows its
whole label, on a desktop and on a phone (issue 13, problem 10: « Magasin de p… »)."""

from __future__ import annotations

import pytest

from courtcircuit.db import connect
from courtcircuit.directory import directory_summary
from courtcircuit.vocab import KINDS
from tests.browser import IDLE, LONG, chromium_browser, streamlit_app

pytestmark = pytest.mark.browser

# Each label's elements whose text is wider than their box (cut, with or without an ellipsis).
CUT = """() => [...document.querySelectorAll('[data-testid="stMetricLabel"]')].map((label) => ({
  text: label.innerText.trim(),
  cut: [label, ...label.querySelectorAll("*")].some((el) => el.scrollWidth > el.clientWidth + 1),
}))"""


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)], ids=["bureau", "telephone"])
def test_every_counter_shows_its_whole_label(demo_db, tmp_path, monkeypatch, width, height):
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    with connect(demo_db, read_only=True) as con:
        kinds = {KINDS.label(code) for code, n in directory_summary(con).per_kind.items() if n}
    assert "Magasin de producteurs" in kinds
    with streamlit_app(demo_db, tmp_path) as url, chromium_browser(tmp_path) as browser:
        page = browser.new_page(viewport={"width": width, "height": height}, locale="fr-FR")
        page.set_default_timeout(LONG)
        page.goto(f"{url}/annuaire", wait_until="domcontentloaded")
        page.locator(IDLE).wait_for()
        page.locator('[data-testid="stMetricLabel"]').first.wait_for()
        labels = page.evaluate(CUT)
        assert {label["text"] for label in labels} == kinds
        assert [label["text"] for label in labels if label["cut"]] == []
        # and the page does not scroll sideways
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
