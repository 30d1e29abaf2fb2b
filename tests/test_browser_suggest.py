"""A public suggestion in a real browser, on the demo directory: someone with no account reports a
new phone on a listing page, a moderator accepts it in the staff space, and the public listing
page shows it. Every wait is for a state of the page, never for a time."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from courtcircuit.db import connect
from courtcircuit.export import readable_phone
from courtcircuit.workspace import accounts, revisions
from courtcircuit.workspace import suggestions as sg
from courtcircuit.workspace.revisions import PUBLIC_SUGGESTION
from courtcircuit.workspace.store import Store
from tests.browser import chromium_browser, streamlit_app
from tests.test_browser_staff import LONG, PASSWORD, new_page, rerun, sign_in

pytestmark = pytest.mark.browser

MODERATOR = "modo@parc.example"
NEW_PHONE = "04 73 82 45 67"


@pytest.fixture
def app(demo_db, tmp_path, monkeypatch):
    db = tmp_path / "demo.duckdb"
    db.write_bytes(demo_db.read_bytes())
    con = connect(db, read_only=True)
    try:
        listing = con.execute(
            "SELECT id, name FROM listings WHERE status = 'active' AND phone IS NOT NULL ORDER BY name LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    url = f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", url)
    monkeypatch.setenv("COURT_CIRCUIT_THROTTLE_DB", str(tmp_path / "throttle.sqlite3"))
    store = Store(url)
    accounts.add_account(store, MODERATOR, "moderator", PASSWORD)
    with streamlit_app(db, tmp_path) as base, chromium_browser(tmp_path) as browser:
        yield base, store, listing, browser


# True once the input labelled `label` lies entirely left of the viewport.
OFF_SCREEN_JS = """(label) => {
    const input = [...document.querySelectorAll('input')].find((i) => i.getAttribute('aria-label') === label);
    return !!input && input.getBoundingClientRect().right < 0;
}"""


def test_a_public_phone_suggestion_is_accepted_and_appears(app):
    base, store, (listing_id, name), browser = app
    public = new_page(browser)
    public.goto(f"{base}/fiche?id={listing_id}", wait_until="domcontentloaded")
    expect(public.get_by_role("heading", level=1, name=name, exact=True)).to_be_visible(timeout=LONG)
    rerun(public, public.get_by_role("button", name="Signaler une modification").click)
    trap = public.get_by_label("Laissez ce champ vide")
    expect(trap).to_be_attached(timeout=LONG)
    # Off-screen, so people never see it: wait for the page's style to apply (not for time).
    public.wait_for_function(OFF_SCREEN_JS, arg="Laissez ce champ vide", timeout=LONG)
    public.get_by_role("textbox", name="Nouvelle valeur").fill(NEW_PHONE)  # « Téléphone » is chosen first
    public.get_by_role("textbox", name="Votre e-mail (facultatif, jamais publié)").fill("voisin@exemple.fr")
    rerun(public, public.get_by_role("button", name="Envoyer la suggestion").click)
    expect(public.get_by_text("Merci ! Votre suggestion n°", exact=False)).to_be_visible(timeout=LONG)
    (waiting,) = sg.pending(store)
    assert waiting.listing_id == listing_id and waiting.email == "voisin@exemple.fr"

    staff = new_page(browser)
    sign_in(staff, base, MODERATOR)
    rerun(staff, staff.get_by_text("Suggestions", exact=True).click)
    expect(staff.get_by_text("Suggestions à traiter (1)")).to_be_visible(timeout=LONG)
    rerun(staff, staff.get_by_role("button", name="Accepter et publier").click)
    expect(staff.get_by_text("publiée dans l'annuaire", exact=False)).to_be_visible(timeout=LONG)
    (saved,) = revisions.history(store, listing_id)
    assert saved.author == PUBLIC_SUGGESTION and "voisin" not in repr(saved)

    public.reload(wait_until="domcontentloaded")
    expect(public.get_by_text(readable_phone("+33473824567"))).to_be_visible(timeout=LONG)
    expect(public.get_by_text("voisin", exact=False)).to_have_count(0)
