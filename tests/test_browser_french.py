"""No English in the French interface (issue 13, problem 8): every public page in chromium, on the
demo directory, its visible text and its accessible names (aria-label, title, placeholder, alt)
scanned for English words, also with a drop-down open and a text box being typed in, where
Streamlit shows « Select all », « No results » and « Press Enter to apply ».

Streamlit's own words are put in French by ui/french.py; widgets get French placeholders.
"""

from __future__ import annotations

import re

import pytest

from courtcircuit.db import connect
from tests.browser import IDLE, LONG, REPO, chromium_browser, rerun, runs_ended, streamlit_app

pytestmark = pytest.mark.browser

# Whole words, case-sensitive: English words of Streamlit's and Leaflet's interfaces, and common
# English words. None of them is French (« menu », « options », « pages », « content », « main »
# are, and are left out); miles are caught by their unit after a number.
ENGLISH = re.compile(
    r"\b(Select|Choose|Help|Previous|Next|Open|Close|Clear|Deploy|Rerun|Record|Settings|Print|About"
    r"|Search|Download|Upload|Browse|Loading|Running|Press|Skip|Sidebar|Collapse|Expand|Copy|Show"
    r"|Fullscreen|Zoom|Remove|Hide|Sort|Submit|Cancel|Delete|Edit|Made|matches|results|data|spec"
    r"|the|and|with|your|for|to|of|is|are|No|Link|heading|Main|clipboard|value|library|interactive"
    r"|maps|titled|axis)\b|\b\d+ mi\b"
)

# What the scan reads in a frame: text a sighted user sees (no icon ligatures, nothing hidden
# from everyone) and the accessible names a screen reader announces.
COLLECT = """() => {
  const hidden = (el) => el.closest('[aria-hidden="true"], [data-testid="stIconMaterial"], script, style, noscript');
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (n.nodeValue.trim() && el && !hidden(el) && shown(el)) texts.push(n.nodeValue.trim());
  }
  const names = [];
  for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], [alt], [aria-placeholder]")) {
    if (el.closest('[aria-hidden="true"]')) continue;
    for (const a of ["aria-label", "title", "placeholder", "alt", "aria-placeholder"]) {
      const v = el.getAttribute(a);
      if (v && v.trim()) names.push(a + "=" + v.trim());
    }
  }
  return {texts, names, lang: document.documentElement.lang};
}"""


def english_in(page, frames: bool = False) -> list[str]:
    """The page's texts and accessible names that hold English; with ``frames``, those of its
    components' frames (the maps) instead."""
    found = []
    for frame in page.frames if frames else [page.main_frame]:
        if frames and frame == page.main_frame:
            continue
        try:
            seen = frame.evaluate(COLLECT)
        except Exception:  # a frame navigating away while read: the next scan reads it
            continue
        found += [t for t in seen["texts"] + seen["names"] if ENGLISH.search(t)]
    return sorted(set(found))


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page.set_default_timeout(LONG)
    page.goto(url, wait_until="domcontentloaded")
    page.locator(IDLE).wait_for()
    page.locator('[data-testid="stSidebarNav"]').wait_for()
    page.wait_for_function("() => document.documentElement.lang === 'fr'")
    return page


@pytest.fixture
def app(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    app_db = tmp_path / "demo.duckdb"
    app_db.write_bytes(demo_db.read_bytes())
    with streamlit_app(app_db, tmp_path) as url:
        yield url


@pytest.fixture(scope="module")
def listing_id(demo_db) -> str:
    with connect(demo_db, read_only=True) as con:
        (found,) = con.execute(
            "SELECT id FROM listings WHERE kind = 'producteur' ORDER BY id LIMIT 1"
        ).fetchone()
    return found


def public_paths(listing_id: str) -> dict[str, str]:
    """Every page of ui/pages.py (read from its source: st.Page needs a running app), with
    something to show: a search, a listing, a store."""
    source = (REPO / "ui" / "pages.py").read_text(encoding="utf-8")
    paths = {name: f"/{name}" for name in re.findall(r'url_path="([^"]+)"', source)}
    paths["accueil"] = "/?lieu=Ambert&lat=45.54901&lon=3.74163&rayon=10"
    paths["fiche"] = f"/fiche?id={listing_id}"
    paths["fournisseurs"] = "/fournisseurs?mlieu=Ambert&mlat=45.54901&mlon=3.74163"
    return paths


def open_a_drop_down(page) -> bool:
    """Open the first multiselect (else selectbox) on screen and type what matches nothing."""
    for kind in ("stMultiSelect", "stSelectbox"):
        boxes = [b for b in page.locator(f'[data-testid="{kind}"]').all() if b.is_visible()]
        if boxes:
            field = boxes[0].locator("input")
            field.click()
            page.get_by_role("listbox").first.wait_for()
            return True
    return False


def type_in_a_text_box(page) -> bool:
    boxes = [b for b in page.locator('[data-testid="stTextInput"] input').all() if b.is_visible()]
    if not boxes:
        return False
    boxes[0].press("End")
    boxes[0].type("x")
    page.locator('[data-testid="InputInstructions"]').first.wait_for()
    return True


def test_no_english_on_any_public_page(app, listing_id, tmp_path):
    paths = public_paths(listing_id)
    assert {"accueil", "fiche", "fournisseurs", "annuaire", "equipe", "donnees"} <= set(paths)
    found: dict[str, list[str]] = {}
    with chromium_browser(tmp_path) as browser:
        for name, path in paths.items():
            page = open_page(browser, f"{app}{path}")
            assert page.get_by_role("button", name="Deploy").count() == 0
            assert page.locator('[data-testid="stMainMenu"]').count() == 0
            english = english_in(page)
            if name == "fournisseurs":  # the coverage chart draws when its tab opens
                ended = runs_ended(page)
                rerun(page, page.get_by_role("tab", name="Où l'offre manque").click)
                assert runs_ended(page) == ended + 1  # one click, one run: the count is exact
                page.locator(
                    '[data-testid="stVegaLiteChart"] svg, [data-testid="stVegaLiteChart"] canvas'
                ).first.wait_for()
                english += [f"(couverture) {e}" for e in english_in(page)]
            if open_a_drop_down(page):
                english += [f"(liste ouverte) {e}" for e in english_in(page)]
                page.keyboard.type("zzzzqqq")  # nothing matches: « No results »
                english += [f"(liste vide) {e}" for e in english_in(page)]
                page.keyboard.press("Escape")
            if type_in_a_text_box(page):
                english += [f"(saisie) {e}" for e in english_in(page)]
            if english:
                found[name] = sorted(set(english))
            page.close()
    assert found == {}, "\n".join(f"{n}:\n  " + "\n  ".join(e) for n, e in found.items())


MAP_MARKERS = "() => document.querySelectorAll('.leaflet-control-zoom a').length > 0"


def test_no_english_in_the_maps(app, listing_id, tmp_path):
    """Leaflet's controls (zoom buttons, attribution link), the legend and the cluster bubbles'
    names are French: ui/mapview.py and static/map/listings.js give Leaflet their titles."""
    found = {}
    with chromium_browser(tmp_path) as browser:
        for name in ("accueil", "fiche"):
            page = open_page(browser, f"{app}{public_paths(listing_id)[name]}")
            iframe = page.locator('iframe[title="streamlit_folium.st_folium"]').first
            iframe.wait_for()
            frame = iframe.element_handle().content_frame()
            frame.wait_for_function(MAP_MARKERS)
            assert frame.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoomer"
            if english := english_in(page, frames=True):
                found[name] = english
            page.close()
    assert found == {}, found


def test_the_english_interface_is_declared_english(app, tmp_path):
    """The switch to English (ui/i18n.py) must not leave the page declared French, nor put
    Streamlit's words in French; back in French, they are French again."""
    with chromium_browser(tmp_path) as browser:
        page = browser.new_page()
        page.set_default_timeout(LONG)
        page.goto(f"{app}/annuaire?lang=en", wait_until="domcontentloaded")
        page.locator(IDLE).wait_for()
        page.wait_for_function("() => document.documentElement.lang === 'en'")
        # (the sidebar's button shows on hover: found by its name, visible or not)
        page.locator('[aria-label="Collapse sidebar"]').wait_for(state="attached")
        rerun(page, lambda: page.get_by_text("Français", exact=True).click())
        page.wait_for_function("() => document.documentElement.lang === 'fr'")
        page.locator('[aria-label="Replier le panneau latéral"]').wait_for(state="attached")
        assert page.locator('[aria-label="Collapse sidebar"]').count() == 0
