"""Many residents at once in one chromium (Playwright async): a session's context and its searches.

Shared by the load test (tests/test_browser_load.py) and the load benchmark (bench/load.py):
each session is a browser context of its own (its own cookies, so a proxy keeps it on one app
process), searches around Ambert by choosing radius after radius in the « Rayon » list, and every
search waits for its own result (a heading) or an exception box.
"""

from __future__ import annotations

import re

from tests.browser import IDLE

RADII = (5, 30, 10, 50)  # chosen in the « Rayon » list next to the place box: each is a new search
EXCEPTION = '[data-testid="stException"]'
AMBERT = "lieu=Ambert+%2863600%29&lat=45.54901&lon=3.74320"
# The map's own page (Leaflet in st_folium's iframe) is not loaded: the server still builds every
# map, but 20 browsers painting them would measure chromium on 2 cores, not the server.
MAP_FRAME = "**/component/streamlit_folium*/**"


async def new_session(browser, timeout_ms: int):
    """A fresh context (a new visitor: no cookies) with the map's iframe page blocked."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout_ms)
    await context.route(MAP_FRAME, lambda route: route.abort())
    return context


async def settle(page, done, what: str, exceptions: list[str]) -> bool:
    """Wait until ``done`` (the page's heading) or an exception box shows, then until the run is
    over; record any exception box with its text. True when the page is whole."""
    await done.or_(page.locator(EXCEPTION)).first.wait_for()
    await page.locator(IDLE).wait_for()
    boxes = [(await box.inner_text())[:300] for box in await page.locator(EXCEPTION).all()]
    exceptions += [f"{what}: {text}" for text in boxes]
    return not boxes


async def search(page, base: str, radius: int, whole: bool, exceptions: list[str]) -> bool:
    """One search around Ambert within ``radius`` km: « N km » chosen in the « Rayon » list (a
    rerun of this session) when the page is ``whole``, else a new page load. True when the
    result shows."""
    if whole:
        await page.get_by_test_id("stSelectbox").filter(has_text="Rayon").click()
        await page.get_by_role("option", name=f"{radius} km", exact=True).click()
    else:  # first search, or the last one broke
        await page.goto(f"{base}/?{AMBERT}&rayon={radius}", wait_until="domcontentloaded")
    # « de Ambert » or, with French elision, « d'Ambert »
    done = page.get_by_role("heading", name=re.compile(rf"à moins de {radius} km d(?:e |')Ambert"))
    return await settle(page, done, f"{radius} km", exceptions)
