"""The supplier page's tables one page at a time, in chromium on the demo directory (issue 12,
target 2): around Ambert the nearby list holds a few hundred producers, 50 a page. A buyer turns
pages with « Suivant » / « Précédent », and what they ticked on one page stays in the shortlist."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import IDLE, LONG, chromium_browser, rerun, streamlit_app
from tests.test_browser_buyers import AMBERT, open_tab, shortlist, tick_row, visible_table

pytestmark = pytest.mark.browser

RANGE = re.compile(r"Producteurs (\d+)–(\d+) sur (\d+)")


@pytest.fixture
def app(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    app_db = tmp_path / "demo.duckdb"  # the app gets its own copy
    app_db.write_bytes(demo_db.read_bytes())
    with streamlit_app(app_db, tmp_path) as url:
        yield url


def shown_range(page) -> tuple[int, int, int]:
    """(first, last, total) as the open tab's pager says it."""
    (text,) = [t.inner_text() for t in page.get_by_text(RANGE).all() if t.is_visible()]
    first, last, total = RANGE.search(text).groups()
    return int(first), int(last), int(total)


def test_a_buyer_turns_pages_and_keeps_the_ticks(app, tmp_path):
    with chromium_browser(tmp_path) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.set_default_timeout(LONG)
        page.goto(f"{app}/{AMBERT}&vue=proches", wait_until="domcontentloaded")
        page.get_by_text("Établissement : Ambert").wait_for()
        page.locator(IDLE).wait_for()
        assert open_tab(page).startswith("Producteurs à moins de 30 km")
        (total,) = re.search(r"\((\d+)\)", open_tab(page)).groups()
        assert int(total) > 100  # three pages at least
        assert shown_range(page) == (1, 50, int(total))
        # Only the open tab's buttons are visible (the other table's pager is in a hidden tab).
        previous, following = (
            page.get_by_role("button", name="Précédent"),
            page.get_by_role("button", name="Suivant"),
        )
        expect(previous).to_have_count(1)  # waits: a rerun may still be redrawing the tab
        expect(following).to_have_count(1)
        assert previous.is_disabled() and following.is_enabled()

        tick_row(page, visible_table(page), 0)
        (first,) = shortlist(page)

        rerun(page, following.click)
        assert shown_range(page) == (51, 100, int(total))
        assert previous.is_enabled()
        assert open_tab(page).startswith("Producteurs à moins de 30 km")  # the tab stays open
        assert "vue=proches" in page.url
        assert shortlist(page) == [first]  # page 1's tick is kept, off screen
        tick_row(page, visible_table(page), 0)
        chosen = shortlist(page)
        assert len(chosen) == 2 and chosen[0] == first, chosen

        rerun(page, previous.click)
        assert shown_range(page) == (1, 50, int(total))
        tick_row(page, visible_table(page), 0)  # the box is ticked: a click unticks it
        assert shortlist(page) == chosen[1:]
