"""A buyer's journey on the supplier page in a real browser, on the demo directory: set the store,
filter organic eggs, tick three producers in the table and download the Excel file."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from courtcircuit.db import connect
from courtcircuit.directory import directory_summary
from courtcircuit.export import SHORTLIST_COLUMNS, SHORTLIST_TITLES
from courtcircuit.vocab import LABELS, PRODUCTS
from etl.build import build
from etl.sources import DEFAULT_SOURCES, load_sources
from tests.browser import LONG, chromium_page, rerun, settle, streamlit_app
from tests.test_browser_buyers import shortlist, tick_row, visible_table

# No skip when chromium is missing: `make test` installs it, and a skipped journey proves nothing.
pytestmark = pytest.mark.browser

EGGS, ORGANIC = PRODUCTS.label("oeufs"), LABELS.label("ab")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, communes) -> Path:
    """The demo directory built from data/samples (not data/court-circuit.duckdb, which `make run`
    builds and the tests must not depend on)."""
    db = tmp_path_factory.mktemp("demo-browser") / "demo.duckdb"
    build(db, load_sources(DEFAULT_SOURCES), decisions=None, progress=False, communes=communes)
    return db


def choose(page, scope, label: str, option: str) -> None:
    """Pick `option` in the multiselect labelled `label` (typing filters the options)."""
    widget = scope.locator('[data-testid="stMultiSelect"]').filter(has_text=label)
    field = widget.locator("input")
    field.click()
    field.fill(option)
    rerun(page, page.get_by_role("option", name=option, exact=True).click)
    page.keyboard.press("Escape")


def test_a_buyer_shortlists_organic_egg_producers_and_downloads_them(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")  # not data/
    app_db = tmp_path / "demo.duckdb"  # the app gets its own copy
    app_db.write_bytes(demo_db.read_bytes())
    con = connect(app_db, read_only=True)
    try:
        source_labels = [s.label for s in directory_summary(con).sources]
    finally:
        con.close()

    with streamlit_app(app_db, tmp_path) as url, chromium_page(tmp_path) as page:
        page.set_default_timeout(LONG)
        # Straight to the page, as a bookmark would (see test_a_deep_link_uses_the_app_navigation).
        page.goto(f"{url}/fournisseurs", wait_until="domcontentloaded")

        place = page.get_by_label("Adresse, commune ou code postal de l'établissement")
        place.fill("Ambert")
        rerun(page, lambda: place.press("Enter"))
        page.get_by_text("Établissement : Ambert").wait_for()
        page.wait_for_url("**mlat=45.54901**")

        sidebar = page.locator('[data-testid="stSidebar"]')
        choose(page, sidebar, "Produits", EGGS)
        page.wait_for_url("**produit=oeufs**")
        choose(page, sidebar, "Labels", ORGANIC)
        page.wait_for_url("**label=ab**")

        # The tabs keep their state (issue 13, problem 5): opening one reruns the page.
        rerun(page, page.get_by_role("tab", name="Producteurs à moins de").click)
        rerun(page, page.get_by_role("button", name="80 km").click)
        page.wait_for_url("**km=80**")
        page.get_by_role("tab", name="Producteurs à moins de 80 km").wait_for()

        table = visible_table(page)
        for row in range(3):
            tick_row(page, table, row)
        offered = shortlist(page)
        assert len(offered) == 3, offered

        button = page.get_by_role("button", name="Télécharger (Excel)")
        with page.expect_download(timeout=LONG) as download:
            button.click()
        saved = tmp_path / "shortlist.xlsx"
        download.value.save_as(saved)
        assert download.value.suggested_filename == "fournisseurs-locaux.xlsx"

    book = openpyxl.load_workbook(saved)
    header, *rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert header == [SHORTLIST_TITLES[h] for _, h, _ in SHORTLIST_COLUMNS]
    assert {"Producteur", "Téléphone", "E-mail", "Produits", "Labels", "Livraison"} <= set(header)
    assert len(rows) == 3
    records = [dict(zip(header, r, strict=True)) for r in rows]
    assert [r["Producteur"] for r in records] == offered
    for record in records:
        assert EGGS in record["Produits"].split(" | "), record
        assert ORGANIC in record["Labels"].split(" | "), record
        assert record["Téléphone"] is None or not record["Téléphone"].startswith(("'", "+"))
    attribution = book["Sources"]["A2"].value
    assert attribution.startswith("Court-Circuit") and "OpenStreetMap" in attribution
    assert all(label in attribution for label in source_labels)


def test_a_deep_link_uses_the_app_navigation(small_build, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    with streamlit_app(small_build.db, tmp_path) as url, chromium_page(tmp_path) as page:
        page.goto(f"{url}/fournisseurs", wait_until="domcontentloaded")
        page.get_by_text("Trouver des fournisseurs locaux").wait_for(timeout=LONG)
        settle(page)  # the menu is the one of a finished run
        menu = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Fournisseurs locaux (pros)" in menu and "fiche" not in menu, menu
