"""Twenty people at once on a fresh server (loopback only): no search may end in an exception box.

Issue 8 saw 1 search in 128 fail at 20 sessions with « This page cannot be called directly »:
the pages were module-level ``st.Page`` objects shared by every session, and the flag that
``st.navigation`` sets on the page it picks was reset by another session's ``run()``. Each
session here starts on a deep link (the first requests of a fresh server also meet
Streamlit's pages-directory mode), then searches again and again, all sessions at once, in
one chromium. Every visit waits for its own result (a heading) or an exception box.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from courtcircuit.db import connect
from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_app

pytestmark = pytest.mark.browser

SESSIONS = 20
RADII = (5, 30, 10, 50)  # the radius buttons under the place box: each click is a new search
T = 90_000  # ms for one visit: 20 sessions share 2 busy cores
EXCEPTION = '[data-testid="stException"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
AMBERT = "lieu=Ambert+%2863600%29&lat=45.54901&lon=3.74320"
# The map's own page (Leaflet in st_folium's iframe) is not loaded: the server still builds every
# map, but 20 browsers painting them would measure chromium on 2 cores, not the server.
MAP_FRAME = "**/component/streamlit_folium*/**"


@dataclass
class Tally:
    visits: int = 0
    searches: int = 0
    exceptions: list[str] = field(default_factory=list)
    first_done: float = 0.0  # s from the start until the last deep link was whole
    started: float = field(default_factory=time.monotonic)


def _first_visits(db: Path) -> list[tuple[str, re.Pattern[str]]]:
    """Deep links a bookmark would open, each with the heading that says the page is there."""
    con = connect(db, read_only=True, spatial=False)
    try:
        listing_id, name = con.execute("SELECT id, name FROM listings ORDER BY id LIMIT 1").fetchone()
    finally:
        con.close()
    return [
        (f"/fiche?id={listing_id}", re.compile(re.escape(name))),
        (
            "/fournisseurs?mlat=45.54901&mlon=3.74320&etab=supermarche",
            re.compile("Trouver des fournisseurs locaux"),
        ),
        ("/annuaire", re.compile("L'annuaire en chiffres")),
        (f"/?{AMBERT}&rayon=15", re.compile(r"à moins de 15 km de Ambert")),
    ]


async def _settle(page, done, what: str, tally: Tally) -> bool:
    """Wait until ``done`` (the page's heading) or an exception box shows, then until the run is
    over; record any exception box with its text. True when the page is whole."""
    await done.or_(page.locator(EXCEPTION)).first.wait_for()
    await page.locator(IDLE).wait_for()
    boxes = [(await box.inner_text())[:300] for box in await page.locator(EXCEPTION).all()]
    tally.exceptions += [f"{what}: {text}" for text in boxes]
    return not boxes


async def _session(browser, base: str, index: int, first: list, tally: Tally) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(T)
    await context.route(MAP_FRAME, lambda route: route.abort())
    try:
        page = await context.new_page()
        path, heading = first[index % len(first)]
        await page.goto(base + path, wait_until="domcontentloaded")
        await _settle(page, page.get_by_role("heading", name=heading), path, tally)
        tally.visits += 1
        tally.first_done = max(tally.first_done, time.monotonic() - tally.started)
        whole = False
        for n in range(len(RADII)):
            radius = RADII[(index + n) % len(RADII)]
            if whole:  # the « N km » button under the place box: a rerun of this session
                await page.get_by_role("button", name=f"{radius} km", exact=True).click()
            else:  # first search, or the last one broke: a new page load
                await page.goto(f"{base}/?{AMBERT}&rayon={radius}", wait_until="domcontentloaded")
            done = page.get_by_role("heading", name=re.compile(rf"à moins de {radius} km de Ambert"))
            whole = await _settle(page, done, f"{radius} km", tally)
            tally.searches += 1
    finally:
        await context.close()


async def _load(base: str, first: list, home: Path) -> Tally:
    from playwright.async_api import async_playwright

    os.environ["HOME"] = str(home)  # chromium writes its profile under $HOME
    tally = Tally()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(*(_session(browser, base, i, first, tally) for i in range(SESSIONS)))
        finally:
            await browser.close()
    return tally


def test_twenty_sessions_search_at_once_without_an_exception(small_build, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_NEEDS_DB", str(tmp_path / "needs.sqlite3"))
    # No reloading of edited modules: Streamlit's watcher drops a changed module from
    # sys.modules, and a run importing it meanwhile fails (« KeyError: 'ui' »). Production
    # code does not change under a server; a working tree shared with other edits does.
    monkeypatch.setenv("STREAMLIT_SERVER_FILE_WATCHER_TYPE", "none")
    first = _first_visits(small_build.db)
    started = time.monotonic()
    with streamlit_app(small_build.db, tmp_path) as url:  # a fresh server: the first requests are deep links
        tally = asyncio.run(_load(url, first, tmp_path))
    elapsed = time.monotonic() - started
    print(f"\n{SESSIONS} sessions, {tally.visits} deep links (all shown after {tally.first_done:.0f} s), "
          f"{tally.searches} searches, {len(tally.exceptions)} exceptions, {elapsed:.0f} s")  # fmt: skip
    assert tally.searches == SESSIONS * len(RADII)
    assert tally.exceptions == []
