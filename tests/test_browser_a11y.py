"""Accessibility audits (RGAA / WCAG 2.1 AA) of every public page in Debian's chromium with
axe-core: no serious or critical violation, on a desktop and on a 390 px phone. Each page is
audited once the app is idle (Streamlit's script state) and its maps' frames are attached."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from courtcircuit.db import connect
from tests.browser import LONG, chromium_browser, streamlit_app

pytestmark = pytest.mark.browser
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def served(demo_db, tmp_path_factory):
    home = tmp_path_factory.mktemp("a11y")
    mp = pytest.MonkeyPatch()
    mp.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{home / 'workspace.sqlite3'}")
    mp.setenv("COURT_CIRCUIT_THROTTLE_DB", str(home / "throttle.sqlite3"))
    with connect(demo_db) as con:
        (listing,) = con.execute(
            "SELECT id FROM listings WHERE kind = 'marche' ORDER BY id LIMIT 1"
        ).fetchone()
    try:
        with streamlit_app(demo_db, home) as base, chromium_browser(home) as browser:
            yield base, browser, listing
    finally:
        mp.undo()


PAGES = {
    "recherche": "/?lieu=Ambert&lat=45.54972&lon=3.74167",
    "fiche": "/fiche?id={listing}",
    "fournisseurs": "/fournisseurs",
    "annuaire": "/annuaire",
    "manques": "/manques?dep=63",
    "donnees": "/donnees",
    "equipe": "/equipe",
    "accessibilite": "/accessibilite",
}


def serious(page) -> list[str]:
    results = Axe().run(
        page, options={"resultTypes": ["violations"], "runOnly": ["wcag2a", "wcag2aa", "wcag21aa"]}
    )
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [", ".join(n["target"]) for n in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} · {targets}")
    return found


SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    // Streamlit fades an element while its run is pending: nothing may be translucent.
    return ![...document.querySelectorAll('[data-testid="stElementContainer"]')]
        .some((e) => parseFloat(getComputedStyle(e).opacity) < 1);
}"""


TRAFFIC = "() => [window.__ccAsked, window.__ccEnded]"


def audit_when_settled(page, attempts: int = 5) -> list[str]:
    """The audit of a page at rest: Streamlit greys stale elements during a rerun (a page may
    rerun once more after its first run, to write its URL), which would fail contrast checks
    that have nothing to do with the page. An audit during which a rerun was asked for or ended
    (tests.browser counts them) is repeated, and a violation counts only if a second settled
    audit finds it again."""
    found: list[str] = []
    for _ in range(attempts):
        page.wait_for_function(SETTLED)
        before = page.evaluate(TRAFFIC)
        found = serious(page)
        if page.evaluate(TRAFFIC) != before:
            continue  # a rerun during the audit: not the page at rest
        if not found:
            return found
        page.wait_for_function(SETTLED)
        before = page.evaluate(TRAFFIC)
        again = serious(page)
        if page.evaluate(TRAFFIC) == before:
            return sorted(set(found) & set(again))
    return found


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(served, name, width):
    base, browser, listing = served
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(LONG)
    try:
        page.goto(base + PAGES[name].format(listing=listing), wait_until="domcontentloaded")
        page.locator('[data-testid="stMain"]').wait_for()
        assert audit_when_settled(page) == []
    finally:
        page.context.close()
