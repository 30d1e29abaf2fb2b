"""Jinja in the data, seen in a real browser: every page's map shows the text literally and the
server ran none of it (security issue; unit side in tests/test_map_safety.py).

The app serves a directory whose every text field holds Jinja expressions (tests/jinja_data.py),
with a published buyer's need carrying them too. In chromium, inside each map's iframe, the
names the markers carry (tooltips, and one popup opened) are the payloads themselves, the legend
is ours, no page shows an exception, and the directory the file-system payload would create
never appears.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Frame, Page

from courtcircuit.workspace.needs import NeedStore
from tests.browser import chromium_browser, streamlit_app
from tests.jinja_data import EVALUATED, SENTINEL_VAR, JinjaDirectory, jinja_directory

pytestmark = pytest.mark.browser

T = 60_000  # ms: the first run of a session on a busy 2-core machine can take a while
MAP = '[data-testid="stElementContainer"]:not([data-stale="true"]) iframe[title="streamlit_folium.st_folium"]'
AMBERT = "mlat=45.54901&mlon=3.74320"

# Inside the map's iframe, once the cluster layer holds its markers: every marker's tooltip
# text and the legend's text. null until then (wait_for_function polls it).
MARKERS_JS = """() => {
    const map = window.map;
    if (!map || typeof L === "undefined") return null;
    const names = [];
    let layers = 0;
    map.eachLayer((layer) => {
        if (layer.getLayers && layer._featureGroup) {
            layers += 1;
            layer.getLayers().forEach((m) => {
                const tip = m.getTooltip();
                names.push(tip ? String(tip.getContent()) : "");
            });
        }
    });
    const legend = document.querySelector(".cc-legend");
    if (!layers || !names.length || !legend) return null;
    return {names, legend: legend.textContent};
}"""

# Open the popup of the first marker whose tooltip holds `text`; the name it shows.
POPUP_JS = """(text) => {
    let found = null;
    window.map.eachLayer((layer) => {
        if (!found && layer.getLayers && layer._featureGroup) {
            found = layer.getLayers().find((m) => m.getTooltip() && m.getTooltip().getContent().includes(text));
        }
    });
    if (!found) return null;
    found.fire("click");
    const popup = found.getPopup();
    const name = popup && popup.getContent().querySelector("strong");
    return name ? name.textContent : null;
}"""


@pytest.fixture(scope="module")
def jinja(tmp_path_factory: pytest.TempPathFactory, small_build) -> JinjaDirectory:
    return jinja_directory(small_build.db, tmp_path_factory.mktemp("jinja-browser"))


@pytest.fixture(scope="module")
def app_url(jinja: JinjaDirectory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COURT_CIRCUIT_WORKSPACE", jinja.workspace)
        mp.setenv(SENTINEL_VAR, str(jinja.sentinel))
        with streamlit_app(jinja.db, tmp_path_factory.mktemp("jinja-home")) as url:
            yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    with chromium_browser(tmp_path_factory.mktemp("jinja-chromium")) as b:
        yield b


def _map_frame(page: Page) -> Frame:
    handle = page.locator(MAP).first.element_handle(timeout=T)
    frame = handle.content_frame()
    assert frame is not None
    return frame


def _listing_id(jinja: JinjaDirectory) -> str:
    from courtcircuit.db import connect

    with connect(jinja.db) as con:
        return con.execute(
            "SELECT id FROM listings WHERE kind = 'producteur' ORDER BY id LIMIT 1"
        ).fetchone()[0]


@pytest.mark.parametrize(
    "path",
    [
        "/?lieu=Ambert&lat=45.54901&lon=3.74320&rayon=50",
        "/fiche?id=LISTING",
        f"/fournisseurs?mlieu=Ambert&{AMBERT}&km=150",
        "/annuaire",
    ],
    ids=["recherche", "fiche", "fournisseurs", "annuaire"],
)
def test_the_map_shows_jinja_literally_and_the_server_runs_none(app_url, browser, jinja, path) -> None:
    path = path.replace("LISTING", _listing_id(jinja))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.set_default_timeout(T)
        page.goto(f"{app_url}{path}", wait_until="domcontentloaded")
        frame = _map_frame(page)
        state = frame.wait_for_function(MARKERS_JS, timeout=T).json_value()
        names = {html.unescape(n) for n in state["names"]}

        need_titles = {need.title for need in NeedStore(jinja.workspace).public()}
        expected = set(jinja.payloads) | need_titles
        assert names <= expected, names - expected
        if path.startswith("/fournisseurs"):
            assert need_titles <= names  # the buyer's need is on the map, its text intact
        literal = None if path.startswith("/fiche") else "Ferme {{ 7*7 }}"
        if literal:
            assert literal in names
            popup = frame.wait_for_function(POPUP_JS, arg=literal, timeout=T).json_value()
            assert popup == literal
        assert not any(evaluated in n for n in names for evaluated in EVALUATED)
        assert state["legend"].startswith("Types de lieu")
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not jinja.sentinel.exists()
    finally:
        page.close()
