"""The needs form in chromium while another process holds the write lock of the workspace store's
file, where the needs are (issue 8):
a French message within seconds, and what was typed is still in the fields (the form used to
be emptied by the browser on every submit, refused or not). Once the lock is gone, the same
form is sent and then emptied.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from courtcircuit.workspace.needs import NeedStore
from tests.browser import IDLE, chromium_page, streamlit_app
from tests.test_faults import WRITE_LOCK, locked

pytestmark = pytest.mark.browser

T = 60_000
# The needs tab opened by the URL (vue=besoins), as a bookmark would: no tab click whose rerun
# a busy machine could still be finishing when the form is typed in.
AMBERT = "mlat=45.54901&mlon=3.74320&mlieu=Ambert+%2863600%29&etab=supermarche&vue=besoins"
TYPED = {"Volume recherché": "50 kg de miel", "Fréquence": "chaque mois", "Nom du contact": "Claire",
         "E-mail": "claire@example.fr"}  # fmt: skip


def test_a_locked_needs_store_keeps_the_form_and_answers_quickly(supplier_build, tmp_path, monkeypatch):
    workspace = tmp_path / "workspace.sqlite3"
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{workspace}")
    needs = NeedStore(f"sqlite:///{workspace}")
    assert needs.list() == []  # the store exists before the lock is taken
    with streamlit_app(supplier_build.db, tmp_path) as url, chromium_page(tmp_path) as page:
        page.set_default_timeout(T)
        page.goto(f"{url}/fournisseurs?{AMBERT}", wait_until="domcontentloaded")
        page.get_by_text("Établissement : Ambert").wait_for()
        page.locator(IDLE).wait_for()
        expect(page.get_by_role("tab", name="Besoins des acheteurs")).to_have_attribute(
            "aria-selected", "true"
        )
        page.get_by_text("Publier un besoin de mon établissement").click()
        form = page.locator('[data-testid="stForm"]')
        for label, value in TYPED.items():
            form.get_by_label(label, exact=True).fill(value)
        page.locator(IDLE).wait_for()

        with locked(workspace, WRITE_LOCK):
            started = time.monotonic()
            form.get_by_role("button", name="Envoyer pour validation").click()
            refusal = page.get_by_text("registre des besoins est occupé")
            expect(refusal).to_be_visible(timeout=T)
            waited = time.monotonic() - started
            page.locator(IDLE).wait_for()
            for label, value in TYPED.items():
                expect(form.get_by_label(label, exact=True)).to_have_value(value)
        assert needs.list() == []

        form.get_by_role("button", name="Envoyer pour validation").click()
        expect(page.get_by_text("Besoin n° 1 enregistré")).to_be_visible(timeout=T)
        for label in TYPED:
            expect(form.get_by_label(label, exact=True)).to_have_value("", timeout=T)
        assert page.locator('[data-testid="stException"]').count() == 0
    assert [n.volume for n in needs.list()] == ["50 kg de miel"]
    assert waited < 10, waited  # the page blocked 11-12 s before the fix
    print(f"\nlocked needs store: refusal shown after {waited:.1f} s")
