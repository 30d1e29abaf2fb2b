"""The import wizard (staff space, « Importer un fichier ») in Debian's chromium: an editor
uploads the partner spreadsheet of tests/fixtures/partner (French headers, CP1252, `;`, decimal
commas, yes/no channel columns), keeps the guessed columns, maps « Tomme maison » to Fromages,
reads the preview, confirms the twin of a published listing, publishes — the real `python -m etl
build` runs with a progress bar — and finds the new listings in the public search.

Every step waits for the app's script state (tests/browser.py), never for time."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from courtcircuit.workspace import accounts, decisions
from courtcircuit.workspace.accounts import Territory
from courtcircuit.workspace.store import Store
from tests.browser import IDLE, LONG, REPO, chromium_browser, rerun, streamlit_app

pytestmark = pytest.mark.browser

PASSWORD = "un mot de passe de test"
EDITOR = "edit@parc.example"
PARTNER = REPO / "tests" / "fixtures" / "partner" / "producteurs-ambert.csv"
SUPPLIERS = REPO / "tests" / "fixtures" / "suppliers"
BUILD = 300_000  # ms: a dry run or a rebuild on a loaded 2-core machine


@pytest.fixture
def app(supplier_build, tmp_path: Path, monkeypatch):
    db = tmp_path / "directory.duckdb"
    shutil.copyfile(supplier_build.db, db)
    published = tmp_path / "published"
    shutil.copytree(SUPPLIERS, published)
    url = f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    for name, value in (
        ("COURT_CIRCUIT_WORKSPACE", url), ("COURT_CIRCUIT_DB", str(db)),
        ("COURT_CIRCUIT_THROTTLE_DB", str(tmp_path / "throttle.sqlite3")),
        ("COURT_CIRCUIT_SOURCES", str(published / "sources.toml")),
        ("COURT_CIRCUIT_DATA_DIR", str(tmp_path / "donnees")),
    ):  # fmt: skip
        monkeypatch.setenv(name, value)
    store = Store(url)
    accounts.add_account(store, EDITOR, "editor", PASSWORD, Territory.parse("63", "PNR Livradois-Forez"))
    with streamlit_app(db, tmp_path) as base, chromium_browser(tmp_path) as browser:
        yield base, store, browser


def click(page: Page, name: str, timeout: int = LONG) -> None:
    rerun(page, page.get_by_role("button", name=name, exact=True).click, timeout=timeout)


def test_an_editor_imports_a_partner_spreadsheet_and_the_public_finds_it(app):
    base, store, browser = app
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.set_default_timeout(LONG)
    page.goto(f"{base}/equipe", wait_until="domcontentloaded")
    page.get_by_label("E-mail").fill(EDITOR)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    click(page, "Se connecter")
    rerun(page, page.get_by_test_id("stRadio").get_by_text("Importer un fichier", exact=True).click)

    # 1. upload
    name = page.get_by_label("Nom de la source (minuscules et tirets)")
    name.fill("partenaire-ambert")
    rerun(page, lambda: name.press("Tab"))
    rerun(page, lambda: page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(PARTNER))
    click(page, "Lire le fichier")
    # 2. columns: the guesses are kept (the name column, the yes/no channel columns)
    expect(page.get_by_text(re.compile(r"« producteurs-ambert\.csv » : 7 ligne"))).to_be_visible()
    expect(page.get_by_role("combobox", name=re.compile("^« Vente à la ferme »"))).to_have_value(
        "oui/non → circuit « Vente à la ferme »"
    )
    click(page, "Valider les colonnes")
    # 3. values: « Tomme maison » (proposed « Fruits ») becomes Fromages
    tomme = page.get_by_test_id("stMultiSelect").filter(has_text="Tomme maison")
    expect(tomme.locator("[data-tag]")).to_have_text(["Fruits"])
    field = tomme.locator("input")
    field.click()
    rerun(page, lambda: field.press("Backspace"))
    field.fill("Fromages")
    rerun(page, page.get_by_role("option", name="Fromages", exact=True).click)
    page.keyboard.press("Escape")
    expect(tomme.locator("[data-tag]")).to_have_text(["Fromages"])
    click(page, "Valider les valeurs", timeout=BUILD)
    # 4. preview: normalised rows (a canvas grid: its cells are in the page) and the rejected row
    expect(
        page.locator('[role="gridcell"]').filter(has_text="Chèvrerie du Val de Dore").first
    ).to_be_attached()
    expect(page.get_by_text("1 ligne(s) rejetée(s), avec la raison :")).to_be_visible()
    click(page, "Essai à blanc")
    # 5. dry run: counts, then the twin of « Rucher Sans Rayon » confirmed
    merged = page.get_by_test_id("stMetric").filter(has_text="Fusionnées")
    expect(merged).to_contain_text("0")
    expect(
        page.get_by_text(re.compile("la fiche « Rucher Sans Rayon » de la source « rayons »"))
    ).to_be_visible()
    click(page, "Même lieu", timeout=BUILD)
    expect(merged).to_contain_text("1")
    assert [d.same for d in decisions.decisions(store)] == [True]
    click(page, "Continuer vers la publication")
    # 6. publish, with the build's progress bar
    click(page, "Publier", timeout=BUILD)
    expect(page.get_by_text(re.compile("Source « partenaire-ambert » publiée"))).to_be_visible()

    public = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    public.set_default_timeout(LONG)
    public.goto(f"{base}/?{urlencode({'texte': 'Chèvrerie du Val de Dore'})}", wait_until="domcontentloaded")
    public.locator(IDLE).wait_for()
    expect(public.get_by_role("link", name="Chèvrerie du Val de Dore", exact=True)).to_be_visible()
