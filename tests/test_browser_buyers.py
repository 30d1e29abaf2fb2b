"""The supplier page in chromium on the demo directory (issue 13): the open tab stays open when
the distance or a filter changes, buyers tick rows to build their shortlist, and screenshots of
the page on a desktop and on a phone for docs/screenshots/."""

from __future__ import annotations

import os

import pytest
from PIL import Image

from courtcircuit.vocab import LABELS
from tests.browser import IDLE, LONG, REPO, chromium_browser, rerun, streamlit_app

pytestmark = pytest.mark.browser

AMBERT = "fournisseurs?mlieu=Ambert&mlat=45.54901&mlon=3.74163"
# The docs' screenshots are refreshed on request only (CC_SCREENSHOTS=docs/screenshots): a test
# run must not rewrite files of the repository.
SCREENSHOTS_ENV = "CC_SCREENSHOTS"
ROW, HEADER = 35, 35  # st.dataframe's default row and header heights, in CSS pixels


@pytest.fixture
def app(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    app_db = tmp_path / "demo.duckdb"  # the app gets its own copy
    app_db.write_bytes(demo_db.read_bytes())
    with streamlit_app(app_db, tmp_path) as url:
        yield url


def open_tab(page) -> str:
    (label,) = [
        t.inner_text() for t in page.get_by_role("tab").all() if t.get_attribute("aria-selected") == "true"
    ]
    return label


def visible_table(page):
    """The results table of the open tab (the other tabs' tables are in the page, hidden), once
    the tab has drawn it."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
                 .filter(t => t.getClientRects().length > 0).length === 1"""
    )
    tables = [t for t in page.locator('[data-testid="stDataFrame"]').all() if t.is_visible()]
    assert len(tables) == 1, len(tables)
    return tables[0]


def tick_row(page, table, row: int) -> None:
    """Click the tick box of a row (st.dataframe draws on a canvas: by position)."""
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    rerun(page, lambda: page.mouse.click(box["x"] + 18, box["y"] + HEADER + ROW * row + ROW / 2))


def shortlist(page) -> list[str]:
    listing = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="à contacter")
    return [li.inner_text().rsplit(" (", 1)[0] for li in listing.locator("li").all()]


def test_the_open_tab_stays_when_the_distance_or_a_filter_changes(app, tmp_path):
    with chromium_browser(tmp_path) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.set_default_timeout(LONG)
        page.goto(f"{app}/{AMBERT}", wait_until="domcontentloaded")
        page.get_by_text("Établissement : Ambert").wait_for()
        page.locator(IDLE).wait_for()
        assert open_tab(page).startswith("Livrent mon établissement")

        rerun(page, page.get_by_role("tab", name="Producteurs à moins de").click)
        page.wait_for_url("**vue=proches**")
        rerun(page, page.get_by_role("button", name="80 km").click)
        page.wait_for_url("**km=80**")
        assert open_tab(page).startswith("Producteurs à moins de 80 km")

        sidebar = page.locator('[data-testid="stSidebar"]')
        rerun(page, sidebar.get_by_text("Bio certifié seulement").click)
        page.wait_for_url("**bio=certifie**")
        assert open_tab(page).startswith("Producteurs à moins de 80 km")

        rerun(page, page.get_by_role("tab", name="Où l'offre manque").click)
        rerun(page, sidebar.get_by_text("SIRET connu").click)
        page.wait_for_url("**siret=1**")
        assert open_tab(page) == "Où l'offre manque"

        # Back to the link without the SIRET filter: the tab is in the URL, so it comes back too.
        page.go_back()
        page.wait_for_url(lambda u: "siret=1" not in u)
        page.locator(IDLE).wait_for()
        assert open_tab(page) == "Où l'offre manque"


MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
# How many producers and needs the map holds once its layer is in (static/map/listings.js).
SHOWN_JS = """() => {
    const frames = document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]');
    const map = frames.length === 1 && frames[0].contentWindow && frames[0].contentWindow.map;
    return map && map._ccShown > 0 ? map._ccShown : null;
}"""


def test_a_filter_swaps_the_maps_points_and_keeps_its_frame(app, tmp_path):
    """A filter changes the producers on the map, not the map: the frame is not reloaded (its
    window keeps a mark), only its layer is swapped (ui.supplier_map)."""
    with chromium_browser(tmp_path) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.set_default_timeout(LONG)
        page.goto(f"{app}/{AMBERT}&km=80", wait_until="domcontentloaded")
        page.get_by_text("Établissement : Ambert").wait_for()
        page.locator(IDLE).wait_for()
        before = page.wait_for_function(SHOWN_JS).json_value()
        page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for()
        page.locator(MAP_FRAME).element_handle().content_frame().evaluate(
            "() => { window.__ccSameFrame = true; }"
        )

        rerun(page, page.locator('[data-testid="stSidebar"]').get_by_text("Bio certifié seulement").click)
        page.wait_for_url("**bio=certifie**")
        after = page.wait_for_function(
            f"() => {{ const n = ({SHOWN_JS})(); return n !== null && n !== {before} ? n : null; }}"
        ).json_value()
        assert 0 < after < before
        frame = page.locator(MAP_FRAME).element_handle().content_frame()
        assert frame.evaluate("() => window.__ccSameFrame === true"), "the map's frame was reloaded"


def test_a_buyer_ticks_rows_to_build_the_shortlist(app, tmp_path):
    with chromium_browser(tmp_path) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.set_default_timeout(LONG)
        page.goto(f"{app}/{AMBERT}&label=ab", wait_until="domcontentloaded")
        page.get_by_text("Établissement : Ambert").wait_for()
        page.locator(IDLE).wait_for()
        rerun(page, page.get_by_role("tab", name="Producteurs à moins de").click)
        assert page.get_by_text("Choisissez des producteurs en cochant").is_visible()

        table = visible_table(page)
        tick_row(page, table, 0)
        tick_row(page, table, 2)
        chosen = shortlist(page)
        assert len(chosen) == 2, chosen
        assert page.get_by_text("2 producteurs à contacter").is_visible()
        assert page.get_by_role("button", name="Télécharger (Excel)").is_visible()

        # A tick survives a change of distance: it follows the producer, not the row number.
        rerun(page, page.get_by_role("button", name="80 km").click)
        assert shortlist(page) == chosen
        tick_row(page, visible_table(page), 0)  # untick the first one
        assert shortlist(page) == chosen[1:]
        assert ORGANIC in page.locator('[data-testid="stSidebar"]').inner_text()

        rerun(page, page.get_by_role("button", name="Vider la sélection").click)
        page.get_by_text("Choisissez des producteurs en cochant").wait_for()
        assert shortlist(page) == []


ORGANIC = LABELS.label("ab")


@pytest.mark.parametrize(("device", "width", "height"), [("bureau", 1280, 900), ("telephone", 390, 844)])
def test_screenshots_of_the_supplier_page(app, tmp_path, device, width, height):
    """fournisseurs-<device>.png: the page a buyer sees on the nearby tab (into docs/screenshots
    with CC_SCREENSHOTS=docs/screenshots; into the test's folder otherwise)."""
    with chromium_browser(tmp_path) as browser:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="fr-FR",
            is_mobile=width < 500,
            has_touch=width < 500,
            device_scale_factor=1,
        )
        page = context.new_page()
        page.set_default_timeout(LONG)
        page.goto(f"{app}/{AMBERT}&vue=proches&produit=oeufs", wait_until="domcontentloaded")
        page.get_by_text("Établissement : Ambert").wait_for()
        page.locator(IDLE).wait_for()
        assert open_tab(page).startswith("Producteurs à moins de 30 km")
        # Streamlit has no "drawn" signal for the table's canvas: wait for its toolbar's buttons.
        visible_table(page).locator('[data-testid="stElementToolbar"]').wait_for(state="attached")
        folder = REPO / os.environ[SCREENSHOTS_ENV] if os.environ.get(SCREENSHOTS_ENV) else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"fournisseurs-{device}.png"
        page.screenshot(path=str(target), full_page=False)
        with Image.open(target) as shot:  # a small PNG for the repository: 64 colours are plenty
            small = shot.convert("RGB").quantize(colors=64)
        small.save(target, optimize=True)
        assert target.stat().st_size < 150_000


def test_the_need_form_keeps_what_was_typed_after_an_error(app, tmp_path):
    """One mistyped e-mail: the error says so, and the buyer corrects it without retyping."""
    typed = {
        "Volume recherché": "200 douzaines d'œufs",
        "Fréquence": "chaque semaine",
        "Nom du contact": "Claire Martin",
        "E-mail": "claire.martin@magasin",  # no domain ending: refused
        "Téléphone": "04 73 82 00 00",
    }
    with chromium_browser(tmp_path) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.set_default_timeout(LONG)
        page.goto(f"{app}/{AMBERT}", wait_until="domcontentloaded")
        page.get_by_text("Établissement : Ambert").wait_for()
        rerun(page, page.get_by_role("tab", name="Besoins des acheteurs").click)
        page.get_by_text("Publier un besoin de mon établissement").click()
        form = page.locator('[data-testid="stForm"]')
        for label, value in typed.items():
            form.get_by_label(label, exact=True).fill(value)
        form.get_by_label("Contraintes de livraison").fill("livraison avant 9 h")
        rerun(page, form.get_by_role("button", name="Envoyer pour validation").click)

        page.get_by_text("Le besoin n'est pas enregistré").wait_for()
        assert "adresse e-mail invalide" in page.locator('[data-testid="stAlert"]').all_inner_texts()[-1]
        assert open_tab(page) == "Besoins des acheteurs"
        assert form.is_visible()  # the form is still open where it was
        for label, value in typed.items():
            assert form.get_by_label(label, exact=True).input_value() == value, label
        assert form.get_by_label("Contraintes de livraison").input_value() == "livraison avant 9 h"

        form.get_by_label("E-mail", exact=True).fill("claire.martin@magasin.fr")
        rerun(page, form.get_by_role("button", name="Envoyer pour validation").click)
        page.get_by_text("enregistré. Il sera visible par les producteurs").wait_for()
        assert open_tab(page) == "Besoins des acheteurs"
