"""The resident's pages in English, in chromium (issue 13): the search around Ambert (with its
« Filtres » popover open) and a listing, opened with ``?lang=en``, show no French text of the
catalogues left untranslated, in what a reader sees or a screen reader announces. The maps'
frames belong to ui/mapview.py and are not scanned here."""

from __future__ import annotations

import re

import pytest

from courtcircuit.db import connect
from tests.browser import IDLE, LONG, chromium_browser, streamlit_app
from tests.test_browser_french import COLLECT
from tests.test_i18n import english

pytestmark = pytest.mark.browser

AMBERT = "lieu=Ambert%20(63600)&lat=45.54901&lon=3.74320&rayon=10"
PLACEHOLDER = re.compile(r"{\w+[^}]*}")


def untranslated_patterns() -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    """The catalogues' French texts whose English differs: short ones (« Rayon », « Tous ») must
    not be a whole text of the page, sentences of four words or more must not be anywhere."""
    french = [
        m for m, e in english().items() if e != m and len(re.findall(r"\w", PLACEHOLDER.sub("", m))) >= 3
    ]

    def pattern(msgid: str) -> re.Pattern[str]:
        return re.compile(".+?".join(re.escape(p) for p in PLACEHOLDER.split(msgid)), re.DOTALL)

    return [pattern(m) for m in french if len(m.split()) < 4], [
        pattern(m) for m in french if len(m.split()) >= 4
    ]


def french_in(page, whole: list[re.Pattern[str]], anywhere: list[re.Pattern[str]]) -> list[str]:
    seen = page.main_frame.evaluate(COLLECT)
    texts = seen["texts"] + [n.split("=", 1)[1] for n in seen["names"]]
    found = {t for t in texts for p in whole if p.fullmatch(t.strip())}
    found |= {t for t in texts for p in anywhere if p.search(t)}
    return sorted(found)


@pytest.fixture
def app(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    app_db = tmp_path / "demo.duckdb"
    app_db.write_bytes(demo_db.read_bytes())
    with streamlit_app(app_db, tmp_path) as url:
        yield url


def test_the_search_and_a_listing_show_no_untranslated_french(app, demo_db, tmp_path) -> None:
    with connect(demo_db, read_only=True) as con:
        (listing_id,) = con.execute(
            "SELECT id FROM listings WHERE kind = 'producteur' AND opening_hours IS NOT NULL ORDER BY id LIMIT 1"
        ).fetchone()
    whole, anywhere = untranslated_patterns()
    found: dict[str, list[str]] = {}
    with chromium_browser(tmp_path) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page.set_default_timeout(LONG)

        page.goto(f"{app}/?{AMBERT}&lang=en", wait_until="domcontentloaded")
        page.wait_for_function("() => document.documentElement.lang === 'en'")
        page.get_by_role("heading", name="Where can I buy local food near me?").wait_for()
        page.get_by_role("heading", name=re.compile(r"\d+ places within 10 km of Ambert")).wait_for()
        page.get_by_role("button", name="My position").wait_for()
        page.locator(IDLE).wait_for()
        found["search"] = french_in(page, whole, anywhere)
        page.get_by_role("button", name=re.compile(r"^(tune\s*)?Filters( \(\d+\))?")).click()
        page.get_by_test_id("stPopoverBody").get_by_text("Kind of place").wait_for()
        found["search, filters open"] = french_in(page, whole, anywhere)

        page.goto(f"{app}/fiche?id={listing_id}&lang=en", wait_until="domcontentloaded")
        page.wait_for_function("() => document.documentElement.lang === 'en'")
        page.get_by_role("heading", name="Opening hours").wait_for()
        page.get_by_role("button", name=re.compile("Suggest a change")).wait_for()
        page.locator(IDLE).wait_for()
        found["listing"] = french_in(page, whole, anywhere)
        assert page.get_by_text("Back to the search").count() == 1
    leaks = {k: v for k, v in found.items() if v}
    assert leaks == {}, "\n".join(f"{k}: {v}" for k, v in leaks.items())
