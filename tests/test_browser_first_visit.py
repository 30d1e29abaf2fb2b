"""A first visit to the resident search, in chromium, on the demo data (issue 13).

What tripped new users, one test each: typos in the place box (1), Back after a marker (2), the
offline map (3), the map's symbols (4), the phone layout (7) and the French details (10). The
tiles are refused (as offline), so the map draws its own communes. Tests wait for states
(tests/browser.py's rerun and IDLE), never for a duration.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from courtcircuit.db import connect
from tests.browser import IDLE, chromium_browser, rerun, streamlit_app
from tests.test_browser_search import (
    AMBERT,
    AMBERT_AT,
    MAP,
    PLACE_BOX,
    _empty_spot,
    click_map,
    expect_count,
    filter_multiselect,
    heading_count,
    map_frame,
    map_state,
    url_params,
    wait_until,
)

pytestmark = pytest.mark.browser

T = 30_000
TILES = re.compile(r"tile\.openstreetmap\.fr|data\.geopf\.fr")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# The commune names the offline map shows, and the zoom.
COMMUNE_NAMES_JS = """() => window.map ? {
    zoom: window.map.getZoom(),
    names: [...document.querySelectorAll(".cc-commune span")].map((e) => e.textContent),
} : null"""

# Every marker's letter and colour, and the legend's lines.
SYMBOLS_JS = """() => {
    let group = null;
    window.map.eachLayer((layer) => { if (layer.getLayers && layer.zoomToShowLayer) group = layer; });
    const legend = document.querySelector(".cc-legend");
    if (!group || !legend) return null;
    const markers = group.getLayers().map((m) => ({glyph: m.options.glyph, fill: m.options.fillColor}));
    const items = [...legend.querySelectorAll("li .cc-glyph")].map((g) => ({
        glyph: g.textContent, fill: getComputedStyle(g).backgroundColor}));
    const clusters = [...document.querySelectorAll(".marker-cluster div")].map(
        (d) => getComputedStyle(d).backgroundColor);
    const scale = [...document.querySelectorAll(".leaflet-control-scale-line")].map((e) => e.textContent);
    const box = legend.getBoundingClientRect(), size = window.map.getSize();
    return {markers, items, clusters, scale, legendOpen: legend.open,
            legendShare: (box.width * box.height) / (size.x * size.y)};
}"""

# White pixels inside a lone marker (its letter), read from the markers' canvas.
LETTER_PIXELS_JS = """([x, y]) => {
    const canvas = [...document.querySelectorAll(".leaflet-overlay-pane canvas")][0];
    const ctx = canvas.getContext("2d");
    const box = canvas.getBoundingClientRect(), mapBox = window.map.getContainer().getBoundingClientRect();
    const ratio = canvas.width / box.width;
    const cx = (x + mapBox.left - box.left) * ratio, cy = (y + mapBox.top - box.top) * ratio;
    const r = Math.round(5 * ratio);
    const data = ctx.getImageData(cx - r, cy - r, 2 * r, 2 * r).data;
    let white = 0;
    for (let i = 0; i < data.length; i += 4) {
        if (data[i] > 230 && data[i + 1] > 230 && data[i + 2] > 230 && data[i + 3] > 200) white++;
    }
    return white;
}"""


def _hex_to_rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def browser_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-home")


@pytest.fixture(scope="module")
def app_url(demo_db: Path, browser_home: Path) -> Iterator[str]:
    with streamlit_app(demo_db, browser_home) as url:
        yield url


@pytest.fixture(scope="module")
def browser(browser_home: Path) -> Iterator[Browser]:
    with chromium_browser(browser_home) as b:
        yield b


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Pages in their own context (a new Streamlit session), with the map tiles refused."""
    contexts = []

    def make(**options: Any) -> Page:
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 1200}, **options})
        context.route(TILES, lambda route: route.abort())
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(T)
        return page

    yield make
    for context in contexts:
        context.close()


def open_search(page: Page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/{'?' + query if query else ''}", wait_until="domcontentloaded")
    page.locator(IDLE).wait_for(timeout=T)


def type_place(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name=PLACE_BOX)
    rerun(page, lambda: box.fill(text))


# ------------------------------------------------------------------ 1. typos


def test_typos_suggest_the_closest_name_or_say_plainly_nothing_is_close(app_url: str, new_page) -> None:
    page = new_page()
    open_search(page, app_url)
    type_place(page, "Ambrt")
    expect(page.get_by_text("Aucune commune ne s'écrit « Ambrt ». Vouliez-vous dire :")).to_be_visible()
    first = page.locator(".st-key-cc_sugg_0 button")
    expect(first).to_have_text("Ambert (63600)")
    rerun(page, first.click)
    assert heading_count(page, AMBERT, 10) > 0  # the first suggestion has listings

    type_place(page, "Xyzville")
    expect(page.get_by_text("Lieu introuvable : « Xyzville »")).to_be_visible()
    expect(page.locator('[class*="st-key-cc_sugg_"]')).to_have_count(0)  # nothing made up

    type_place(page, "12 rue du Marché Ambert")
    expect(page.get_by_text(re.compile("Adresse cherchée au niveau de la commune"))).to_be_visible()
    expect(page.locator(".st-key-cc_sugg_0 button")).to_have_text("Ambert (63600)")


# ------------------------------------------------------------------ 2. Back after a marker


def test_back_after_a_marker_click_comes_back_to_the_same_search(app_url: str, new_page) -> None:
    page = new_page()
    query = AMBERT_AT + "&rayon=3&type=producteur"
    open_search(page, app_url, query)
    total = heading_count(page, AMBERT, 3)
    before = url_params(page)
    state = map_state(page, total)
    assert state["markers"], state
    marker = state["markers"][0]
    click_map(page, marker["x"], marker["y"])
    page.wait_for_url(re.compile(rf"/fiche\?id={re.escape(marker['id'])}$"), timeout=T)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.go_back()
    expect_count(page, total, AMBERT, 3)
    wait_until(page, lambda: url_params(page) == before, "the search back in the address bar")
    expect(page.get_by_role("button", name=re.compile(r"Filtres \(1\)"))).to_be_visible()


# ------------------------------------------------------------------ 3. the offline map


def test_the_offline_map_names_communes_more_of_them_closer_in(app_url: str, new_page) -> None:
    page = new_page()
    open_search(page, app_url, AMBERT_AT)
    map_state(page, heading_count(page, AMBERT, 10))
    far = wait_until(
        page, lambda: (s := map_frame(page).evaluate(COMMUNE_NAMES_JS)) and s["names"] and s, "commune names"
    )
    assert "Ambert" in far["names"], far
    map_frame(page).evaluate("() => { window.map.setZoom(window.map.getZoom() + 2, {animate: false}); }")
    near = wait_until(
        page,
        lambda: (s := map_frame(page).evaluate(COMMUNE_NAMES_JS))["zoom"] == far["zoom"] + 2 and s,
        "the zoomed map",
    )
    assert len(near["names"]) > len(far["names"]), (far, near)


def test_a_listing_map_offline_shows_its_commune(app_url: str, demo_db: Path, new_page) -> None:
    with connect(demo_db) as con:
        listing_id, name = con.execute(
            "SELECT id, name FROM listings WHERE commune_insee = '63003' ORDER BY id LIMIT 1"
        ).fetchone()
    page = new_page()
    page.goto(f"{app_url}/fiche?id={listing_id}", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", level=1, name=name, exact=True)).to_be_visible(timeout=T)
    names = wait_until(
        page, lambda: (map_frame(page).evaluate(COMMUNE_NAMES_JS) or {}).get("names"), "the commune names"
    )
    assert "Ambert" in names


# ------------------------------------------------------------------ 4. the map's symbols


def test_markers_carry_the_legends_letters_and_clusters_no_kind_colour(app_url: str, new_page) -> None:
    page = new_page()
    open_search(page, app_url, AMBERT_AT + "&rayon=30")
    state = map_state(page, heading_count(page, AMBERT, 30))
    symbols = wait_until(page, lambda: map_frame(page).evaluate(SYMBOLS_JS), "the legend and markers")
    legend = {item["glyph"]: item["fill"] for item in symbols["items"]}
    assert len(legend) >= 5, legend
    for marker in symbols["markers"]:  # the marker's letter is the legend's, for its colour
        assert legend[marker["glyph"]] == _hex_to_rgb(marker["fill"]), marker
    assert symbols["clusters"] and set(symbols["clusters"]) == {"rgb(255, 255, 255)"}
    assert not set(symbols["clusters"]) & set(legend.values())
    (scale,) = symbols["scale"]  # one bar, metric
    assert re.fullmatch(r"\d+ k?m", scale), scale
    assert symbols["legendOpen"]  # open on a desktop

    # The letter is drawn: white pixels inside a lone marker, whose fill is a kind's colour.
    lone = state["markers"] or []
    if not lone:
        map_frame(page).evaluate("() => { window.map.setZoom(14, {animate: false}); }")
        lone = map_state(page)["markers"]
    assert map_frame(page).evaluate(LETTER_PIXELS_JS, [lone[0]["x"], lone[0]["y"]]) > 4


def test_the_legend_is_folded_on_a_phone_and_opens(app_url: str, new_page) -> None:
    page = new_page(**PHONE)
    open_search(page, app_url, AMBERT_AT)
    map_state(page, heading_count(page, AMBERT, 10))
    folded = wait_until(page, lambda: map_frame(page).evaluate(SYMBOLS_JS), "the legend")
    assert not folded["legendOpen"] and folded["legendShare"] < 0.05, folded
    page.frame_locator(MAP).locator(".cc-legend summary").click()
    expect(page.frame_locator(MAP).locator(".cc-legend li").first).to_be_visible()


# ------------------------------------------------------------------ 7. a phone


def test_a_phone_shows_results_on_its_first_screen_and_a_tap_moves_nothing(app_url: str, new_page) -> None:
    page = new_page(**PHONE)
    open_search(page, app_url, AMBERT_AT)
    total = heading_count(page, AMBERT, 10)
    state = map_state(page, total)  # the map drawn, without scrolling
    assert page.evaluate("window.scrollY") == 0
    heading = page.get_by_role("heading", name=re.compile(r"\d+ lieux à moins de 10 km d'Ambert"))
    expect(heading).to_be_in_viewport()
    map_box = page.locator(MAP).bounding_box()
    assert map_box and map_box["y"] < 844 - 150, map_box  # the map starts on the first screen
    # Place box and radius share a row; the filters are behind a labelled button.
    place, radius = (
        page.get_by_role("textbox", name=PLACE_BOX).bounding_box(),
        page.get_by_role("combobox", name="Rayon").bounding_box(),
    )
    assert place and radius and abs(place["y"] - radius["y"]) < 10
    expect(page.get_by_role("button", name=re.compile(r"^(tune\s*)?Filtres"))).to_be_in_viewport()
    expect(filter_multiselect(page, "Type de lieu")).to_be_visible()
    page.keyboard.press("Escape")

    # A tap on the map only offers to search there.
    before = url_params(page)
    x, y = _empty_spot(state)
    page.locator(MAP).scroll_into_view_if_needed()
    box = page.locator(MAP).bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    offer = page.get_by_role("button", name=re.compile("Chercher autour du point choisi"))
    expect(offer).to_be_visible()
    assert url_params(page) == before
    expect_count(page, total, AMBERT, 10)


# ------------------------------------------------------------------ 10. French details


def test_french_details_of_the_search(app_url: str, new_page) -> None:
    page = new_page()
    open_search(page, app_url, AMBERT_AT)
    heading_count(page, AMBERT, 10)
    expect(page.get_by_role("heading", name=re.compile(r"km d'Ambert \(63600\)$"))).to_be_visible()
    listing_lines = page.get_by_test_id("stCaptionContainer").filter(has_text="·")
    expect(listing_lines.filter(has_text="dans la commune").first).to_be_visible()
    lines = " ".join(listing_lines.all_inner_texts())
    assert not re.search(r"· [01] m ·", lines), lines  # town-hall listings are not « 0 m » away

    # Page 2 opens on its first line, not where the page buttons were.
    pagination = page.get_by_test_id("stPagination")
    pagination.scroll_into_view_if_needed()
    first_before = page.locator('a[href*="fiche?id="]').first.get_attribute("href")
    rerun(page, lambda: pagination.get_by_role("button", name=re.compile(r"^(Page )?2$")).click())
    first = page.locator('a[href*="fiche?id="]').first
    wait_until(page, lambda: first.get_attribute("href") != first_before, "the second page")
    expect(first).to_be_in_viewport()

    # No result: « Essayez d'élargir », never « de élargir ».
    open_search(page, app_url, AMBERT_AT + "&texte=zzzintrouvable")
    warning = page.get_by_test_id("stAlert").filter(has_text="Aucun lieu ne correspond")
    expect(warning).to_contain_text("Essayez d'élargir le rayon")
    expect(warning).not_to_contain_text("de élargir")
