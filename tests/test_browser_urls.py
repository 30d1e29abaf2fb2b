"""Hostile URLs in a real browser: every page, opened by chromium at a URL whose parameters
carry hostile values, runs to the end without an exception box or a traceback.

The AppTest property tests (tests/test_url_fuzz.py) cover many more cases quickly; this one
keeps the browser path honest (Streamlit's frontend, its URL handling, the map component).
``CC_BROWSER_URLS`` sets how many URLs per page (default 12; the issue's run used 1,000 in all).
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser

from tests.browser import IDLE, chromium_browser, streamlit_app
from tests.test_url_fuzz import HOSTILE, SEARCH_KEYS, SUPPLIER_KEYS

pytestmark = pytest.mark.browser

PER_PAGE = int(os.environ.get("CC_BROWSER_URLS", "12"))
T = 60_000
PAGES = {
    "": SEARCH_KEYS,
    "fiche": ["id", "lieu", "lat", "lon"],
    "fournisseurs": SUPPLIER_KEYS,
    "annuaire": ["page", "x"],
    "equipe": ["besoin", "page"],
    "donnees": ["x"],
}


def hostile_urls(keys: list[str], n: int, seed: int) -> list[str]:
    """``n`` query strings of 1 to 4 parameters, each a hostile value on a known key (or an
    unknown one), drawn with a fixed seed so a failure replays."""
    rng = random.Random(seed)
    urls = []
    for _ in range(n):
        params = [(rng.choice([*keys, "inconnu"]), rng.choice(HOSTILE)) for _ in range(rng.randint(1, 4))]
        urls.append(urlencode([(k, v) for k, v in params if "\x00" not in v]))
    return urls


@pytest.fixture(scope="module")
def app_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as mp:
        folder = tmp_path_factory.mktemp("urls")
        mp.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{folder / 'workspace.sqlite3'}")
        with streamlit_app(demo_db, folder) as url:
            yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    with chromium_browser(tmp_path_factory.mktemp("urls-chromium")) as b:
        yield b


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "recherche" for p in PAGES])
def test_hostile_urls_never_show_an_exception(app_url: str, browser: Browser, path: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(T)
    failures = []
    try:
        for i, query in enumerate(hostile_urls(PAGES[path], PER_PAGE, seed=len(path))):
            page.goto(f"{app_url}/{path}?{query}", wait_until="domcontentloaded")
            page.locator('[data-testid="stMainBlockContainer"]').first.wait_for()
            page.locator(IDLE).wait_for()
            shown = (
                page.locator('[data-testid="stException"]').count() + page.get_by_text("Traceback").count()
            )
            if shown:
                failures.append((i, query))
    finally:
        page.close()
    assert failures == []
