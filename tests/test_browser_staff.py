"""The staff space in a real browser, on the demo directory: an editor for département 63 signs in,
changes a listing's phone and hours and sees them on the public listing page; an editor for 42
reads it only; two people edit it at once and the second gets the conflict with no change lost; a
revert puts a value back; sign-out works; the 30th wrong password is refused before any hashing.

Accounts are created with the library in a temporary workspace store before the app starts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from courtcircuit.db import connect
from courtcircuit.export import readable_phone
from courtcircuit.workspace import accounts, revisions
from courtcircuit.workspace.accounts import Territory
from courtcircuit.workspace.store import Store
from tests.browser import LONG, REPO, chromium_browser, rerun, settle, streamlit_app

pytestmark = pytest.mark.browser

PASSWORD = "un mot de passe de test"
EDITOR, EDITOR_42, ADMIN = "edit@parc.example", "loire@parc.example", "admin@parc.example"


@pytest.fixture
def app(demo_db, tmp_path, monkeypatch):
    """The app on a private copy of the demo directory, with a workspace holding three accounts;
    yields (url, store, the listing edited: id, name, phone)."""
    db = tmp_path / "demo.duckdb"
    db.write_bytes(demo_db.read_bytes())
    con = connect(db, read_only=True)
    try:
        listing = con.execute(
            "SELECT id, name, phone FROM listings WHERE commune_insee LIKE '63%' AND status = 'active' "
            "AND phone IS NOT NULL AND kind = 'producteur' ORDER BY name LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    url = f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", url)
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(db))  # read by the rebuild a test runs
    monkeypatch.setenv("COURT_CIRCUIT_THROTTLE_DB", str(tmp_path / "throttle.sqlite3"))
    store = Store(url)
    accounts.add_account(store, EDITOR, "editor", PASSWORD, Territory.parse("63", "PNR Livradois-Forez"))
    accounts.add_account(store, EDITOR_42, "editor", PASSWORD, Territory.parse("42"))
    accounts.add_account(store, ADMIN, "admin", PASSWORD)
    with streamlit_app(db, tmp_path) as base, chromium_browser(tmp_path) as browser:
        yield base, store, listing, browser


def shown(email: str) -> str:
    """An e-mail address as md() shows it: a word joiner after « @ » keeps it from being a link."""
    return re.escape(email).replace("@", "@\u2060?")


def connected(email: str) -> re.Pattern:
    return re.compile(f"Connecté : {shown(email)}")


def new_page(browser) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.set_default_timeout(LONG)
    return page


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD, query: str = "") -> None:
    page.goto(f"{base}/equipe{query}", wait_until="domcontentloaded")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    rerun(page, page.get_by_role("button", name="Se connecter").click)


def field(page: Page, label: str):
    return page.get_by_label(label, exact=True)


def type_in(page: Page, label: str, value: str, attempts: int = 5) -> None:
    """Type ``value`` into a field of the edit form and see it kept: a rerun that was already
    on its way (the map reporting its first view, say) redraws the form with the server's
    values and can wipe what was just typed, so type again until the app is idle and the
    field still holds it."""
    box = field(page, label)
    maps = page.locator('iframe[title="streamlit_folium.st_folium"]')
    if maps.count():  # the map's first report reruns the page: let it come first
        page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first.locator(
            ".leaflet-container"
        ).wait_for(timeout=LONG)
    for _ in range(attempts):
        settle(page)
        box.fill(value)
        box.press("Tab")  # commits the value to the form, as leaving the field does
        settle(page)
        if box.input_value() == value:
            return
    raise AssertionError(f"{label!r} did not keep {value!r}")


def save(page: Page) -> None:
    rerun(page, page.get_by_role("button", name="Enregistrer", exact=True).click)


def check_then_save(page: Page, label: str, value: str, attempts: int = 5) -> None:
    """Type, have the server confirm it received the change (« Vérifier »), then save: on a busy
    machine a rerun already on its way can redraw the form before the typing reaches the server."""
    for _ in range(attempts):
        type_in(page, label, value)
        rerun(page, page.get_by_role("button", name="Vérifier", exact=True).click)
        if page.get_by_text("Tout est valide : vous pouvez enregistrer.").count():
            save(page)
            return
    raise AssertionError(f"the server never received {value!r} for {label!r}")


def test_an_editor_changes_phone_and_hours_and_the_public_page_shows_them(app):
    base, store, (listing_id, name, _), browser = app
    page = new_page(browser)
    sign_in(page, base, EDITOR)
    expect(page.get_by_text(connected(EDITOR))).to_be_visible(timeout=LONG)
    search = page.get_by_label("Chercher une fiche (nom, commune, code postal)")
    search.fill(name)
    rerun(page, lambda: search.press("Enter"))
    page.get_by_role("combobox", name=re.compile("Fiches trouvées")).click()
    rerun(page, page.get_by_role("option", name=re.compile(re.escape(name))).first.click)
    expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=LONG)

    public = new_page(browser)  # the public page, open before the edit
    public.goto(f"{base}/fiche?id={listing_id}", wait_until="domcontentloaded")
    expect(public.get_by_role("heading", level=1, name=name, exact=True)).to_be_visible(timeout=LONG)
    # The public search list, filtered on the name and on « open on Monday at 18:00 »: the
    # listing's hours (Mo-Fr 17:00-19:00) put it there; the new ones (Tuesday and Friday) will not.
    listed = new_page(browser)
    monday = f"{base}/?{urlencode({'texte': name, 'jour': 'lundi', 'heure': '18:00'})}"
    listed.goto(monday, wait_until="domcontentloaded")
    expect(listed.get_by_role("link", name=name, exact=True)).to_be_visible(timeout=LONG)

    type_in(page, "Téléphone", "04 73 82 11 22")
    type_in(page, "Horaires", "mardi et vendredi 17h-19h")
    save(page)
    expect(
        page.get_by_text(re.compile(r"Modification enregistrée \(révision n° 1\) et publiée"))
    ).to_be_visible(timeout=LONG)
    # Publishing takes ~0.1 s (python -m bench.publish_edits); the page is waited for, not timed,
    # so that a busy machine cannot fail this test (speed is the benchmark's business).
    public.reload(wait_until="domcontentloaded")
    expect(public.get_by_text(readable_phone("+33473821122"))).to_be_visible(timeout=LONG)
    # The week table is a canvas grid: its cells are in the page, drawn rather than visible.
    expect(public.locator('[role="gridcell"]').filter(has_text="17:00–19:00").first).to_be_attached(
        timeout=LONG
    )
    listed.goto(monday, wait_until="domcontentloaded")
    expect(listed.get_by_text(re.compile("^Aucun lieu (ne correspond|ici)"))).to_be_visible(timeout=LONG)
    expect(listed.get_by_role("link", name=name, exact=True)).to_have_count(0)
    friday = f"{base}/?{urlencode({'texte': name, 'jour': 'vendredi', 'heure': '18:00'})}"
    listed.goto(friday, wait_until="domcontentloaded")
    expect(listed.get_by_role("link", name=name, exact=True)).to_be_visible(timeout=LONG)
    (revision,) = revisions.history(store, listing_id)
    assert revision.author == EDITOR and revision.changes["phone"][1] == "+33473821122"

    # A full rebuild from the sources, as a scheduler would run it: the edit is still there.
    subprocess.run(
        [sys.executable, "-m", "etl", "build", "--db", os.environ["COURT_CIRCUIT_DB"], "--quiet"],
        check=True, capture_output=True, cwd=REPO, env=os.environ.copy(),
    )  # fmt: skip
    public.reload(wait_until="domcontentloaded")
    expect(public.get_by_text(readable_phone("+33473821122"))).to_be_visible(timeout=LONG)

    rerun(page, page.get_by_role("button", name="Se déconnecter").click)
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible(timeout=LONG)
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible(timeout=LONG)
    expect(page.get_by_text(connected(EDITOR))).to_have_count(0, timeout=LONG)


def test_an_editor_for_42_cannot_edit_a_listing_in_63(app):
    base, _, (listing_id, _, _), browser = app
    page = new_page(browser)
    sign_in(page, base, EDITOR_42, query=f"?id={listing_id}")
    expect(page.get_by_text(re.compile(r"Lecture seule : cette fiche est dans la commune 63"))).to_be_visible(
        timeout=LONG
    )
    expect(field(page, "Téléphone")).to_be_disabled(timeout=LONG)
    expect(page.get_by_role("button", name="Enregistrer", exact=True)).to_have_count(0, timeout=LONG)


def test_two_people_edit_at_once_and_no_change_is_lost_then_a_revert(app):
    base, store, (listing_id, _, phone), browser = app
    first, second = new_page(browser), new_page(browser)
    sign_in(first, base, EDITOR, query=f"?id={listing_id}")
    sign_in(second, base, ADMIN, query=f"?id={listing_id}")
    type_in(second, "E-mail", "contact@ferme-test.example.fr")
    check_then_save(first, "Téléphone", "04 73 82 00 01")
    expect(first.get_by_text(re.compile("Modification enregistrée"))).to_be_visible(timeout=LONG)
    check_then_save(second, "E-mail", "contact@ferme-test.example.fr")
    expect(
        second.get_by_role("heading", name="Conflit : la fiche a changé pendant votre saisie")
    ).to_be_visible(timeout=LONG)
    expect(second.get_by_text(re.compile(f"{shown(EDITOR)} a modifié cette fiche"))).to_be_visible(
        timeout=LONG
    )
    expect(field(second, "E-mail")).to_have_value(
        "contact@ferme-test.example.fr", timeout=LONG
    )  # kept as typed
    rerun(second, second.get_by_role("button", name="Enregistrer avec ces choix").click)
    expect(second.get_by_text(re.compile(r"Modification enregistrée \(révision n° 2\)"))).to_be_visible(
        timeout=LONG
    )
    values = revisions.overrides(store, [listing_id])[listing_id]
    assert values["phone"] == "+33473820001" and values["email"] == "contact@ferme-test.example.fr"

    # The first editor reverts the phone change (revision 1): the listing's phone is back.
    (one,) = [r for r in revisions.history(store, listing_id) if r.number == 1]
    rerun(first, first.get_by_role("button", name="Rétablir").last.click)  # the oldest revision is last
    expect(first.get_by_text(re.compile(r"Révision n° 3 : annule la révision n° 1"))).to_be_visible(
        timeout=LONG
    )
    values = revisions.overrides(store, [listing_id])[listing_id]
    assert values["phone"] == one.changes["phone"][0] == phone
    assert values["email"] == "contact@ferme-test.example.fr"  # the other change stays
    expect(field(first, "Téléphone")).to_have_value(phone, timeout=LONG)


def test_the_30th_wrong_password_is_refused_without_hashing(app):
    base, store, _, browser = app
    page = new_page(browser)
    page.goto(f"{base}/equipe", wait_until="domcontentloaded")
    # The password's eye, named in French for screen readers (ui/french.py), both ways.
    eye = page.get_by_role("button", name="Afficher le mot de passe")
    eye.click()
    page.get_by_role("button", name="Masquer le mot de passe").click()
    expect(eye).to_be_visible()
    for i in range(30):
        page.get_by_label("E-mail").fill(EDITOR)
        page.get_by_label("Mot de passe", exact=True).fill(f"mauvais mot de passe {i}")
        rerun(page, page.get_by_role("button", name="Se connecter").click)
    expect(page.get_by_text(re.compile("réessayez|bloqué"))).to_be_visible(timeout=LONG)
    # Each refusal is logged with what the person was told: the 30th never reached Argon2
    # (a checked password answers « Mot de passe incorrect. », a throttled one says to wait).
    failures = [e for e in accounts.recent_events(store) if e.event == "sign_in_failed"]
    assert len(failures) == 30
    assert failures[0].detail != "Mot de passe incorrect." and "réessayez" in failures[0].detail.lower()
    checked = sum(e.detail == "Mot de passe incorrect." for e in failures)
    assert checked < 10  # most were refused before hashing
    expect(page.get_by_text(connected(EDITOR))).to_have_count(0, timeout=LONG)
