"""The resident search in a real browser (Debian's chromium through Playwright).

One app on the small fixture database serves the module; each test opens its own browser
context, so its own Streamlit session. The map lives in st_folium's iframe: its markers are
Leaflet circle markers drawn on a canvas (no DOM node each), so the tests ask the iframe's
Leaflet map (``window.map``, set by st_folium) where they are, then click there like a person.
Offline, the map tiles fail to load: that is expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Frame, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from courtcircuit.elision import de
from tests.browser import chromium_browser, rerun, streamlit_app
from tests.conftest import FORMULA_NAME, HOSTILE_DESCRIPTION, HOSTILE_NAME

# No skip when chromium is missing: `make test` installs it, and a skipped journey proves nothing.
pytestmark = pytest.mark.browser

T = 30_000  # ms; a rerun takes 0.5-2 s, the first run of a session (and a busy CI machine) more
# The map's iframe; a rerun may keep the previous one a moment, marked stale.
MAP = '[data-testid="stElementContainer"]:not([data-stale="true"]) iframe[title="streamlit_folium.st_folium"]'
PLACE_BOX = "Adresse, commune ou code postal"
AMBERT = "Ambert (63600)"
AMBERT_AT = "lieu=Ambert+%2863600%29&lat=45.54901&lon=3.74320"  # what the app writes for Ambert
# « de » is elided or contracted before the place: d'Ambert, du point choisi, de votre position.
HEADING = re.compile(r"^(?:(\d+) lieux?|Aucun lieu) à moins de (\d+) km (?:de |d'|du |des )(.+)$")

# Where the map's listings are, seen from inside st_folium's iframe: markers drawn on their
# own (container pixels) and cluster bubbles with their counts.
MAP_STATE_JS = """() => {
    const map = window.map;
    if (!map || typeof L === "undefined") return null;
    const box = map.getContainer().getBoundingClientRect();
    const markers = [];
    map.eachLayer((layer) => {
        if (layer instanceof L.CircleMarker && layer.options.listing_id) {
            const p = map.latLngToContainerPoint(layer.getLatLng());
            const tip = layer.getTooltip();
            markers.push({id: String(layer.options.listing_id), x: p.x, y: p.y,
                          tooltip: tip ? String(tip.getContent()) : null});
        }
    });
    const clusters = [...document.querySelectorAll(".marker-cluster")].map((e) => {
        const r = e.getBoundingClientRect();
        return {n: Number(e.innerText), x: r.x + r.width / 2 - box.x, y: r.y + r.height / 2 - box.y};
    });
    const avoid = [...document.querySelectorAll(".leaflet-control")].map((e) => {
        const r = e.getBoundingClientRect();
        return {left: r.left - box.x, top: r.top - box.y, right: r.right - box.x, bottom: r.bottom - box.y};
    });
    const size = map.getSize();
    // Clusters split and merge with an animation after each zoom: not clickable meanwhile.
    const busy = Boolean(map._animatingZoom || document.querySelector(".leaflet-cluster-anim"));
    return {markers, clusters, avoid, width: size.x, height: size.y, zoom: map.getZoom(), busy};
}"""


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def browser_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-home")


@pytest.fixture(scope="module")
def app_url(small_build, browser_home: Path) -> Iterator[str]:
    with streamlit_app(small_build.db, browser_home) as url:
        yield url


@pytest.fixture(scope="module")
def browser(browser_home: Path) -> Iterator[Browser]:
    with chromium_browser(browser_home) as b:
        yield b


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Pages, each in its own browser context (a new Streamlit session); options go to the context."""
    contexts = []

    def make(**options: Any) -> Page:
        # Tall enough for the whole map to be on screen at desktop width (see place_map_on_screen).
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 1200}, **options})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(T)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


# ------------------------------------------------------------------ helpers


def wait_until(page: Page, check: Callable[[], Any], what: str, timeout_ms: int = T) -> Any:
    """Poll ``check`` until it returns something truthy (a rerun may swap the map's iframe meanwhile)."""
    waited, last = 0, None
    while waited < timeout_ms:
        try:
            last = check()
        except PlaywrightError as exc:  # frame detached, context destroyed: the map is being redrawn
            last = exc
        else:
            if last:
                return last
        page.wait_for_timeout(400)
        waited += 400
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


def search_heading(page: Page, place: str | None = None, radius_km: int | None = None) -> Locator:
    """The result heading, « 14 lieux à moins de 10 km de Ambert (63600) », once it says so."""
    pattern = r"^(\d+ lieux?|Aucun lieu) à moins de "
    pattern += rf"{radius_km} km" if radius_km is not None else r"\d+ km"
    pattern += " " + (re.escape(de(place)) + "$" if place is not None else "(?:de |d'|du |des )")
    heading = page.get_by_role("heading", name=re.compile(pattern))
    expect(heading).to_be_visible(timeout=T)
    return heading


def heading_count(page: Page, place: str | None = None, radius_km: int | None = None) -> int:
    text = search_heading(page, place, radius_km).inner_text().strip()
    m = HEADING.match(text)
    assert m, text
    return int(m.group(1) or 0)


def expect_count(page: Page, count: int, place: str, radius_km: int) -> None:
    word = "Aucun lieu" if count == 0 else f"{count} lieu" + ("x" if count > 1 else "")
    expect(page.get_by_role("heading", name=f"{word} à moins de {radius_km} km {de(place)}")).to_be_visible(
        timeout=T
    )


def current_url(page: Page) -> str:
    # page.url only catches up with history.replaceState when Playwright hears of it; ask the page.
    return page.evaluate("location.href")


def url_params(page: Page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(current_url(page)).query).items()}


def map_frame(page: Page) -> Frame:
    expect(page.locator(MAP)).to_have_count(1, timeout=T)
    frame = page.locator(MAP).element_handle(timeout=T).content_frame()
    assert frame is not None
    return frame


def map_state(page: Page, total: int | None = None) -> dict:
    """Where the listings are on the map once it is drawn and still (showing ``total`` listings,
    if given): two reads 400 ms apart must agree, so no cluster is still splitting."""
    last: list[dict | None] = [None]

    def ready() -> dict | None:
        state = map_frame(page).evaluate(MAP_STATE_JS)
        previous, last[0] = last[0], state
        if not state or state["busy"] or not (state["markers"] or state["clusters"]):
            return None
        shown = len(state["markers"]) + sum(c["n"] for c in state["clusters"])
        if total is not None and shown != total:
            return None
        return state if state == previous else None

    return wait_until(page, ready, f"the map to show {total if total is not None else 'its'} listings, still")


SHOW_MARKER_JS = """(id) => new Promise((resolve) => {
    let group = null;
    window.map.eachLayer((layer) => { if (layer.zoomToShowLayer) group = layer; });
    const marker = group && group.getLayers().find((m) => String(m.options.listing_id) === id);
    if (!marker) { resolve(false); return; }
    group.zoomToShowLayer(marker, () => resolve(true));
})"""


def show_marker(page: Page, listing_id: str) -> dict:
    """Zoom the map until the marker of ``listing_id`` stands alone (markercluster's own way);
    returns that marker, in container pixels."""
    assert map_frame(page).evaluate(SHOW_MARKER_JS, listing_id), f"no marker for {listing_id}"
    state = map_state(page)  # zoomed in: some listings are now off the map
    marker = next((m for m in state["markers"] if m["id"] == listing_id), None)
    assert marker, state
    return marker


def place_map_on_screen(page: Page) -> None:
    """Scroll the whole map into the viewport before a click.

    Leaflet focuses its container on the first mousedown, and the browser then scrolls the
    page to show the whole iframe: a click on a map cut by the bottom of the window lands
    elsewhere (see test_marker_click_with_map_below_the_fold).
    """
    frame = page.locator(MAP)
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    viewport = page.viewport_size
    assert box and viewport and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box


def click_map(page: Page, x: float, y: float) -> None:
    """A click at container pixel (x, y) of the map, with the map wholly on screen."""
    place_map_on_screen(page)
    box = page.locator(MAP).bounding_box()
    assert box
    page.mouse.click(box["x"] + x, box["y"] + y)


def hover_map(page: Page, x: float, y: float) -> None:
    place_map_on_screen(page)
    box = page.locator(MAP).bounding_box()
    assert box
    page.mouse.move(box["x"] + x, box["y"] + y)


def open_search(page: Page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/{'?' + query if query else ''}", wait_until="domcontentloaded")


def filters_button(page: Page) -> Locator:
    return page.get_by_role("button", name=re.compile(r"^(tune\s*)?Filtres( \(\d+\))?"))


def filter_multiselect(page: Page, label: str) -> Locator:
    """A multiselect of the « Filtres » popover, opening it first if it is closed."""
    multiselect = page.get_by_test_id("stMultiSelect").filter(has_text=label)
    if not multiselect.is_visible():
        filters_button(page).click()
    expect(multiselect).to_be_visible(timeout=T)
    return multiselect


def close_filters(page: Page) -> None:
    """Close the « Filtres » popover if it is open (Escape closes an open list first)."""
    panel = page.get_by_test_id("stPopoverBody")
    for _ in range(3):
        if not panel.is_visible():
            return
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
    expect(panel).to_be_hidden(timeout=T)


def radius_box(page: Page) -> Locator:
    return page.get_by_test_id("stSelectbox").filter(has_text="Rayon")


def choose_radius(page: Page, km: int) -> None:
    radius_box(page).click()
    page.get_by_role("option", name=f"{km} km", exact=True).click()


def expect_chips(multiselect: Locator, chips: list[str]) -> None:
    """The options shown as chosen in a multiselect (its chips), e.g. ["Marché (3)"]."""
    expect(multiselect.locator("[data-tag]")).to_have_text(chips, timeout=T)


def expect_listing_page(page: Page, listing_id: str, name: str) -> None:
    page.wait_for_url(re.compile(rf"/fiche\?id={re.escape(listing_id)}$"), timeout=T)
    expect(page.get_by_role("heading", level=1, name=name, exact=True)).to_be_visible(timeout=T)


def follow(page: Page, link: Locator, name: str, *, check_url: bool = True) -> str:
    """Click a link to a listing page and wait for that page; returns the listing's id.

    ``check_url=False`` from one listing to another: the address bar keeps the first id
    there (test_listing_to_listing_link_updates_the_address)."""
    listing_id = parse_qs(urlsplit(link.get_attribute("href") or "").query)["id"][0]
    rerun(page, link.click)
    if check_url:
        expect_listing_page(page, listing_id, name)
    else:
        expect(page.get_by_role("heading", level=1, name=name, exact=True)).to_be_visible(timeout=T)
    return listing_id


def expect_search(page: Page, count: int, place: str, radius_km: int, chip: list[str]) -> None:
    """The search page shows this search: heading, place box, radius, « Type de lieu » chips."""
    expect_count(page, count, place, radius_km)
    expect(page.get_by_role("textbox", name=PLACE_BOX)).to_have_value(place)
    expect(page.get_by_role("combobox", name="Rayon")).to_have_value(f"{radius_km} km")
    expect_chips(filter_multiselect(page, "Type de lieu"), chip)
    close_filters(page)
    expect(page.locator('a[href*="fiche?id="]')).to_have_count(min(count, 20), timeout=T)
    map_state(page, count)


def link_text(link: Locator) -> str:
    """A page link's label, without its icon's ligature name (« storefront »)."""
    return link.get_by_test_id("stMarkdownContainer").inner_text().strip()


def expect_under(page: Page, title: str, name: str) -> Locator:
    """The link ``name`` listed under the subheading ``title`` (in the same column, after it)."""
    heading = page.get_by_role("heading", name=title, exact=True)
    expect(heading).to_be_visible(timeout=T)
    column = page.get_by_test_id("stColumn").filter(has=heading)
    link = column.get_by_role("link", name=name, exact=True)
    expect(link).to_be_visible(timeout=T)
    text = column.inner_text()
    assert text.index(title) < text.index(name), text
    return link


# ------------------------------------------------------------------ 1. the journey


def test_search_journey(app_url: str, page: Page, new_page: Callable[..., Page]) -> None:
    # A place typed in the box: the search centres on it at once (one commune of that name).
    open_search(page, app_url)
    expect(page.get_by_text("lieux dans tout l'annuaire")).to_be_visible(timeout=T)
    page.get_by_role("textbox", name=PLACE_BOX).fill("Ambert")
    total = heading_count(page, AMBERT, 10)
    assert total > 2
    expect(page.get_by_role("textbox", name=PLACE_BOX)).to_have_value(AMBERT)

    # The map in its iframe: every result is there, alone or in a cluster.
    frame = page.frame_locator(MAP)
    expect(frame.locator(".marker-cluster, .leaflet-interactive").first).to_be_visible(timeout=T)
    map_state(page, total)

    # A filter from the sidebar: the count becomes the one its option announced.
    kinds = filter_multiselect(page, "Type de lieu")
    kinds.click()
    option = page.get_by_role("option", name=re.compile(r"^Marché \(\d+\)$"))
    announced = int(re.search(r"\((\d+)\)", option.inner_text()).group(1))
    assert 0 < announced < total
    option.click()
    page.keyboard.press("Escape")
    expect_count(page, announced, AMBERT, 10)
    expect_chips(kinds, [f"Marché ({announced})"])
    map_state(page, announced)
    links = page.locator('a[href*="fiche?id="]')
    expect(links).to_have_count(announced, timeout=T)

    # A wider radius, so the shared URL below carries a non-default radius too.
    close_filters(page)
    choose_radius(page, 30)
    wider = heading_count(page, AMBERT, 30)
    assert wider >= announced
    page.wait_for_url(lambda u: "rayon=30" in u and "type=marche" in u, timeout=T)
    shared = current_url(page)
    params = url_params(page)
    assert params["lieu"] == AMBERT and params["type"] == "marche" and params["rayon"] == "30"
    # The chosen option's count follows the search (it stayed « Marché (2) » before, and the
    # next rerun then sent back a label matching no option: no result at all).
    chip = [f"Marché ({wider})"]
    expect_chips(filter_multiselect(page, "Type de lieu"), chip)
    close_filters(page)

    # A listing from the list: the market of Ambert; it names the producers who sell there.
    market_link = page.get_by_role("link", name="Marché d'Ambert", exact=True)
    market_id = follow(page, market_link, "Marché d'Ambert")
    expect_under(page, "Producteurs présents", "GAEC Les Combes")
    # The back button comes back to the same search.
    page.go_back()
    expect_search(page, wider, AMBERT, 30, chip)

    # Producer → market: from the producer's page, « Où trouver ses produits » leads to the
    # market, which lists that producer under « Producteurs présents ».
    follow(page, market_link, "Marché d'Ambert")
    producer_link = expect_under(page, "Producteurs présents", "GAEC Les Combes")
    producer_id = follow(page, producer_link, "GAEC Les Combes", check_url=False)
    assert producer_id != market_id
    to_market = expect_under(page, "Où trouver ses produits", "Marché d'Ambert")
    assert follow(page, to_market, "Marché d'Ambert", check_url=False) == market_id
    back = expect_under(page, "Producteurs présents", "GAEC Les Combes")
    assert (back.get_attribute("href") or "").endswith(f"fiche?id={producer_id}")

    # « Retour à la recherche » comes back to the same search.
    page.get_by_role("link", name="Retour à la recherche").click()
    expect_search(page, wider, AMBERT, 30, chip)
    assert url_params(page) == params

    # The shared URL, opened elsewhere (another session), restores the search.
    other = new_page()
    other.goto(shared, wait_until="domcontentloaded")
    expect_search(other, wider, AMBERT, 30, chip)
    assert url_params(other) == params


def test_listing_to_listing_link_updates_the_address(app_url: str, page: Page) -> None:
    open_search(page, app_url, AMBERT_AT + "&type=marche")
    follow(page, page.get_by_role("link", name="Marché d'Ambert", exact=True), "Marché d'Ambert")
    producer_link = expect_under(page, "Producteurs présents", "GAEC Les Combes")
    producer_id = follow(page, producer_link, "GAEC Les Combes", check_url=False)
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("id") == [producer_id], timeout=T)


# ------------------------------------------------------------------ 2-3. clicks on the map


def test_marker_click_opens_listing(app_url: str, page: Page) -> None:
    # 3 km around Ambert: the map zooms in enough for some markers to stand alone.
    open_search(page, app_url, AMBERT_AT + "&rayon=3")
    total = heading_count(page, AMBERT, 3)
    state = map_state(page, total)
    assert state["markers"], f"no lone marker at zoom {state['zoom']}: {state['clusters']}"
    marker = state["markers"][0]
    name = link_text(page.locator(f'a[href$="fiche?id={marker["id"]}"]'))
    assert marker["tooltip"] == name  # plain names: the escaped tooltip is the name itself

    click_map(page, marker["x"], marker["y"])
    page.wait_for_url(re.compile(rf"/fiche\?id={re.escape(marker['id'])}$"), timeout=T)
    expect(page.get_by_role("heading", level=1, name=name, exact=True)).to_be_visible(timeout=T)


def test_marker_click_with_map_below_the_fold(app_url: str, new_page: Callable[..., Page]) -> None:
    page = new_page(viewport={"width": 1280, "height": 800})
    open_search(page, app_url, AMBERT_AT + "&rayon=3")
    total = heading_count(page, AMBERT, 3)
    state = map_state(page, total)
    box = page.locator(MAP).bounding_box()
    assert box
    # A lone marker that is on screen while the bottom of the map is not.
    visible = [m for m in state["markers"] if box["y"] + m["y"] < 800 - 20]
    assert visible and box["y"] + box["height"] > 800, (box, state["markers"])
    marker = visible[0]
    page.mouse.click(box["x"] + marker["x"], box["y"] + marker["y"])
    page.wait_for_url(re.compile(r"/fiche\?id=|lieu=Point"), timeout=T)
    assert f"/fiche?id={marker['id']}" in current_url(page)


def _empty_spot(state: dict) -> tuple[float, float]:
    """A point of the map far from every marker, cluster and control (legend, zoom, scale)."""
    things = [(m["x"], m["y"]) for m in state["markers"]] + [(c["x"], c["y"]) for c in state["clusters"]]
    best, best_distance = None, 0.0
    for x in range(40, state["width"] - 40, 12):
        for y in range(40, state["height"] - 40, 12):
            if any(
                a["left"] - 15 <= x <= a["right"] + 15 and a["top"] - 15 <= y <= a["bottom"] + 15
                for a in state["avoid"]
            ):
                continue
            distance = min((((x - tx) ** 2 + (y - ty) ** 2) ** 0.5 for tx, ty in things), default=1e9)
            if distance > best_distance:
                best, best_distance = (x, y), distance
    assert best is not None and best_distance > 40, (best, best_distance)
    return best


def test_map_click_moves_the_centre(app_url: str, page: Page) -> None:
    open_search(page, app_url, AMBERT_AT)
    total = heading_count(page, AMBERT, 10)
    state = map_state(page, total)
    before = url_params(page)
    x, y = _empty_spot(state)
    lat, lon = map_frame(page).evaluate(
        "([x, y]) => { const p = window.map.containerPointToLatLng([x, y]); return [p.lat, p.lng]; }", [x, y]
    )

    # A tap only offers the point (an accidental one must not move the search)…
    click_map(page, x, y)
    offer = page.get_by_role("button", name=re.compile(r"Chercher autour du point choisi"))
    expect(offer).to_be_visible(timeout=T)
    assert url_params(page) == before
    expect_count(page, total, AMBERT, 10)
    # … and the button moves it.
    offer.click()
    heading = search_heading(page, radius_km=10)
    expect(heading).to_have_text(re.compile(r"km du point choisi( \(.+\)| sur la carte)$"), timeout=T)
    page.wait_for_url(lambda u: "Point+choisi" in u or "Point%20choisi" in u, timeout=T)
    after = url_params(page)
    assert (after["lat"], after["lon"]) != (before["lat"], before["lon"])
    assert abs(float(after["lat"]) - lat) < 1e-3 and abs(float(after["lon"]) - lon) < 1e-3
    assert after["lieu"].startswith("Point choisi")
    expect(page.get_by_role("textbox", name=PLACE_BOX)).to_have_value(after["lieu"])


# ------------------------------------------------------------------ 4. « Ma position »


def test_a_search_that_finds_something_again_keeps_the_map_frame(app_url: str, page: Page) -> None:
    """From no result to some (a word typed, then cleared), the map stays the same frame and only
    its layer is swapped. The « no result » advice used to appear above the map and move it, and
    Streamlit reloads a moved frame: a blank map, Leaflet loaded again, at every such search."""
    open_search(page, app_url, f"{AMBERT_AT}&rayon=30&texte=zzzqqqaucun")
    expect_count(page, 0, AMBERT, 30)
    map_frame(page).evaluate("() => { window.__ccSameFrame = true; }")
    box = page.get_by_role("textbox", name="Nom ou produit")
    if not box.is_visible():
        filters_button(page).click()
    box.fill("")
    box.press("Enter")
    found = wait_until(page, lambda: heading_count(page, AMBERT, 30) or None, "results again")
    map_state(page, found)  # every result on the map, drawn and still
    assert map_frame(page).evaluate("() => window.__ccSameFrame === true"), "the map's frame was reloaded"


def test_my_position(app_url: str, new_page: Callable[..., Page]) -> None:
    page = new_page(geolocation={"latitude": 45.55, "longitude": 3.74}, permissions=["geolocation"])
    open_search(page, app_url)
    expect(page.get_by_text("lieux dans tout l'annuaire")).to_be_visible(timeout=T)
    page.get_by_role("button", name="Ma position").click()
    count = heading_count(page, "votre position", 10)
    assert count > 0
    expect(page.locator('a[href*="fiche?id="]').first).to_be_visible(timeout=T)
    page.wait_for_url(lambda u: "lat=45.55000" in u and "lon=3.74000" in u, timeout=T)
    assert url_params(page)["lieu"].startswith("Point choisi (")  # never « Ma position » in a link
    map_state(page, count)


def test_my_position_refused(app_url: str, new_page: Callable[..., Page]) -> None:
    page = new_page()  # no geolocation permission: headless chromium refuses
    open_search(page, app_url)
    expect(page.get_by_text("lieux dans tout l'annuaire")).to_be_visible(timeout=T)
    page.get_by_role("button", name="Ma position").click()
    expect(page.get_by_text("Vous avez refusé la géolocalisation")).to_be_visible(timeout=T)
    expect(page.get_by_text("lieux dans tout l'annuaire")).to_be_visible()


# ------------------------------------------------------------------ 5. a malformed shared link


def test_malformed_url_warns_and_still_works(app_url: str, page: Page) -> None:
    open_search(page, app_url, "lat=abc&lon=3.7&rayon=1000&type=xx")
    expect(page.get_by_text("lieux dans tout l'annuaire")).to_be_visible(timeout=T)
    alerts = page.get_by_test_id("stAlert")
    expect(alerts.filter(has_text="Position du lien illisible")).to_be_visible()
    expect(alerts.filter(has_text="Rayon « 1000 » invalide")).to_be_visible()
    expect(alerts.filter(has_text="Valeur inconnue ignorée pour « type » : xx")).to_be_visible()
    assert page.get_by_test_id("stException").count() == 0
    assert page.locator(".stException").count() == 0
    assert page.get_by_text("Traceback").count() == 0
    expect(page.get_by_role("combobox", name="Rayon")).to_have_value("10 km")

    # The page still works: a place, then results.
    page.get_by_role("textbox", name=PLACE_BOX).fill("Ambert")
    assert heading_count(page, AMBERT, 10) > 0
    map_state(page)
    assert page.get_by_text("Traceback").count() == 0


# ------------------------------------------------------------------ 6. a phone


def test_phone_width(app_url: str, new_page: Callable[..., Page]) -> None:
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    open_search(page, app_url, AMBERT_AT)
    count = heading_count(page, AMBERT, 10)
    expect(page.get_by_role("textbox", name=PLACE_BOX)).to_be_in_viewport()
    frame = page.locator(MAP)
    frame.scroll_into_view_if_needed()
    expect(frame).to_be_visible()
    expect(frame).to_be_in_viewport()
    map_state(page, count)
    first = page.locator('a[href*="fiche?id="]').first
    first.scroll_into_view_if_needed()
    expect(first).to_be_in_viewport()
    expect(page.locator('a[href*="fiche?id="]')).to_have_count(min(count, 20))

    overflow = page.evaluate(
        """() => {
            const width = window.innerWidth;
            const wide = [...document.querySelectorAll("body *")].filter((e) => {
                const r = e.getBoundingClientRect();
                return r.width > 0 && r.height > 0 && r.right > width + 1
                    && getComputedStyle(e).visibility !== "hidden";
            }).map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`);
            // The collapsed sidebar sits off screen, to the left: only the main area counts.
            const main = document.querySelector('[data-testid="stMain"]');
            const scrollers = [main, ...main.querySelectorAll("*")]
                .filter((e) => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
                    && !["hidden", "clip"].includes(getComputedStyle(e).overflowX))
                .map((e) => `${e.tagName}.${e.getAttribute("data-testid") || e.className}`);
            return {scrollWidth: document.documentElement.scrollWidth, width, wide, scrollers};
        }"""
    )
    assert overflow["scrollWidth"] <= overflow["width"] + 1, overflow
    assert overflow["wide"] == [], overflow
    assert overflow["scrollers"] == [], overflow


# ------------------------------------------------------------------ 7. hostile names stay text


@pytest.fixture(scope="module")
def hostile_url(hostile_db: Path, browser_home: Path) -> Iterator[str]:
    with streamlit_app(hostile_db, browser_home) as url:
        yield url


def test_hostile_names_stay_text(hostile_url: str, page: Page) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    open_search(page, hostile_url, AMBERT_AT)
    count = heading_count(page, AMBERT, 10)

    # In the result list, as the literal characters.
    hostile_link = page.locator('a[href*="fiche?id="]').filter(has_text=HOSTILE_NAME)
    expect(hostile_link).to_have_count(1, timeout=T)
    assert link_text(hostile_link) == HOSTILE_NAME
    expect(page.get_by_role("link", name=HOSTILE_NAME, exact=True)).to_be_visible()
    # md() puts an invisible word joiner inside the URL so that it is not made a link: compare
    # what a reader sees.
    formula_link = page.locator('a[href*="fiche?id="]').filter(has_text="HYPERLINK")
    assert link_text(formula_link).replace("\u2060", "") == FORMULA_NAME
    hostile_id = parse_qs(urlsplit(hostile_link.get_attribute("href")).query)["id"][0]

    # On the map: the marker's tooltip shows the name as text.
    map_state(page, count)
    marker = show_marker(page, hostile_id)
    hover_map(page, marker["x"], marker["y"])
    expect(page.frame_locator(MAP).locator(".leaflet-tooltip")).to_have_text(HOSTILE_NAME, timeout=T)

    # A click on it opens its listing: st_folium read the id back from the popup's text.
    click_map(page, marker["x"], marker["y"])
    expect_listing_page(page, hostile_id, HOSTILE_NAME)

    # On its listing page: title and description as text; its map's tooltip and popup too.
    expect(page.get_by_text(HOSTILE_DESCRIPTION, exact=True)).to_be_visible()
    listing_map = page.frame_locator(MAP)
    expect(listing_map.locator(".leaflet-container")).to_be_visible(timeout=T)
    lone = wait_until(
        page,
        lambda: (map_frame(page).evaluate(MAP_STATE_JS) or {}).get("markers"),
        "the listing's marker",
    )
    hover_map(page, lone[0]["x"], lone[0]["y"])
    expect(listing_map.locator(".leaflet-tooltip")).to_have_text(HOSTILE_NAME, timeout=T)
    click_map(page, lone[0]["x"], lone[0]["y"])
    popup = listing_map.locator(".cc-popup strong")
    expect(popup).to_have_text(HOSTILE_NAME, timeout=T)

    # Nothing ran and no element was made from the names, in the page or the map.
    page.wait_for_timeout(500)
    for frame in page.frames:
        assert frame.locator('img[src="x"]').count() == 0, frame.url
    assert dialogs == []
