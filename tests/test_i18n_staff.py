"""The staff space's core in English (issue 13): the sign-in form and its refusals, the account
menu, the listings' form, history and dates, the admins' accounts and log, « À vérifier », « À
arbitrer », the suggestions and the password change, opened with ``?lang=en`` through AppTest.

Each screen is read whole (every element's text, label, option, help and table heading): a
French text of the area's catalogue (locale/en/LC_MESSAGES/staff.po) showing verbatim there is a
leak. The domain's French messages the staff screen translates (ui/staff_words.py) are checked
against what the domain really says, and French stays the default."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.testing.v1 import AppTest

from courtcircuit.db import connect
from courtcircuit.same_place import Nearby
from courtcircuit.selling_places import Outlet
from courtcircuit.staff import MIN_LENGTH, guarded_check
from courtcircuit.staff_queries import FoundListing
from courtcircuit.throttle import Throttle, Verdict
from courtcircuit.workspace import accounts, revisions
from courtcircuit.workspace import suggestions as sg
from courtcircuit.workspace.accounts import AccountError, Territory
from courtcircuit.workspace.store import Store
from tests.i18n_area import area_catalogue, english
from tests.markdown_check import plain
from ui import i18n, staff_words

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
PAGE = "pages/equipe.py"
# The staff space's core, whose wrapped texts English mode must not show in French.
AREA_FILES = (
    "pages/equipe.py", "ui/staff_session.py", "ui/staff_identity.py", "ui/staff_admin.py", "ui/staff_edit.py",
    "ui/staff_form.py", "ui/staff_listing.py", "ui/staff_history.py", "ui/staff_verify.py",
    "ui/staff_backend.py", "ui/staff_arbitrate.py", "ui/staff_same_place.py", "ui/staff_suggestions.py",
    "ui/staff_words.py",
)  # fmt: skip
PASSWORD = "un mot de passe de test"
ADMIN, EDITOR, MODERATOR = "admin@parc.example", "edit@parc.example", "modo@parc.example"
FARM = "Ferme du Bord"  # tests/fixtures/suppliers/producers.csv, north of Ambert (63)
ENGLISH_MOMENT = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}, \d\d:\d\d\b")
FRENCH_MOMENT = re.compile(r"\b\d\d/\d\d/\d{4}\b")


def staff_catalogue() -> dict[str, str]:
    return {k: v for k, v in area_catalogue(AREA_FILES).items() if v}


def _literal_parts(msgid: str) -> list[str]:
    return [part.strip() for part in re.split(r"{\w+}", msgid) if part.strip()]


FRENCH = {k: v for k, v in staff_catalogue().items() if k != v}  # texts English must not show


@pytest.fixture
def people(staff_app_store: Store) -> Store:
    store = staff_app_store  # tests/conftest.py: the app's environment for the staff pages
    accounts.add_account(store, ADMIN, "admin", PASSWORD)
    accounts.add_account(store, EDITOR, "editor", PASSWORD, Territory.parse("63", "PNR Livradois-Forez"))
    accounts.add_account(store, MODERATOR, "moderator", PASSWORD)
    return store


@pytest.fixture
def farm_id(staff_db: Path) -> str:
    con = connect(staff_db, read_only=True)
    try:
        return con.execute("SELECT id FROM listings WHERE name = ?", [FARM]).fetchone()[0]
    finally:
        con.close()


def open_page(lang: str | None = "en", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(PAGE)
    at.query_params.update(params | ({"lang": lang} if lang else {}))
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, email: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="staff_login_email").input(email)
    at.text_input(key="staff_login_password").input(password)
    submit = next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:staff_login-"))
    submit.click().run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def english_app_test(monkeypatch) -> None:
    """AppTest turns a choice's value into the option shown (``format_func``) in the test's own
    thread, where no URL says the language, so French would not match the English options: the
    test's thread is told English; the script's runs still read the URL."""
    from_url = i18n.current
    monkeypatch.setattr("ui.i18n.current", lambda: from_url() if get_script_run_ctx() else "en")


def section(at: AppTest, name: str) -> AppTest:
    """Open a section by its value (French; the radio shows it translated)."""
    at.radio(key="staff_section").set_value(name).run()
    assert not at.exception, at.exception
    return at


def rendered(at: AppTest) -> list[str]:
    """Every text the page shows: values, labels, options, placeholders, helps, table headings
    and cells."""
    found: list[str] = []

    def add(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, pd.DataFrame):
            found.extend(str(c) for c in value.columns)
            found.extend(str(v) for v in value.astype(str).to_numpy().ravel())
        elif isinstance(value, list | tuple):
            for item in value:
                add(item)

    def walk(node: Any) -> None:
        # A choice's value is the code it holds, not what it shows (its options say that).
        shown = ("label", "body", "placeholder", "help", "options")
        for attr in shown if hasattr(node, "options") else ("value", *shown):
            try:
                add(getattr(node, attr))
            except Exception:  # an element without that field (or one AppTest cannot read)
                continue
        children = getattr(node, "children", None)
        for child in (children or {}).values():
            walk(child)

    walk(at._tree)
    return found


def leaks(at: AppTest) -> list[str]:
    """The area's French texts the page shows verbatim though it runs in English."""
    shown = rendered(at)
    found = []
    for msgid in FRENCH:
        if "{" not in msgid:
            if msgid in shown or (len(msgid) >= 20 and any(msgid in text for text in shown)):
                found.append(msgid)
        else:
            for part in _literal_parts(msgid):
                if len(part) >= 20 and any(part in text for text in shown):
                    found.append(msgid)
                    break
    return found


def texts(elements) -> list[str]:
    return [plain(e.value) for e in elements]


# ------------------------------------------------------------------ the domain's words


def in_english(monkeypatch) -> None:
    monkeypatch.setattr("ui.i18n.current", lambda: "en")  # _() and term()
    monkeypatch.setattr("ui.staff_words.current", lambda: "en")  # dates, distances


def test_the_domain_s_sign_in_and_account_messages_are_the_ones_translated(people, tmp_path, monkeypatch):
    """Each French message ui/staff_words.py translates is the domain's own wording: if the domain
    rewords one, it would stay French in English and this test fails."""
    throttle = Throttle(tmp_path / "throttle.sqlite3")
    said = [
        accounts.sign_in(people, EDITOR, "pas le bon mot de passe", throttle, "c1").message,
        guarded_check("", lambda: "", throttle, "c2", account="x").message,
        Verdict(False, wait_s=600, locked=True).message(),
        Verdict(False, wait_s=40).message(),
        Verdict(False, unavailable=True).message(),
    ]
    for change, new in (("pas le bon", "un mot de passe assez long"), (PASSWORD, "court")):
        with pytest.raises(AccountError) as refused:
            accounts.change_password(people, EDITOR, change, new)
        said.append(str(refused.value))
    with pytest.raises(AccountError) as last_admin:
        accounts.set_disabled(people, ADMIN, True, ADMIN)
    said.append(str(last_admin.value))
    in_english(monkeypatch)
    english = [staff_words.message(text) for text in said]
    assert english[:5] == [
        "Incorrect e-mail or password.",
        "Incorrect password.",
        "Too many failed attempts: access locked for 10 min. Try again later.",
        "Too many attempts in a row: try again in 40 s.",
        "Checking is impossible on the server for the moment: try again in a minute.",
    ]
    assert english[5:] == [
        "current password incorrect",
        f"the new password must have at least {MIN_LENGTH} characters",
        "this is the last active administrator: create another one first",
    ]
    assert (
        staff_words.account_error(AccountError("mot de passe actuel incorrect"))
        == "Current password incorrect."
    )
    assert [staff_words.role(r) for r in accounts.ROLES] == ["Administrator", "Editor", "Moderator"]
    assert {staff_words.kind(k) for k in revisions.KINDS}.isdisjoint(revisions.KINDS.values())


def test_the_domain_s_roles_and_revision_kinds_are_mirrored_in_french():
    assert {c: staff_words.ROLES[c] for c in accounts.ROLES} == accounts.ROLES
    assert {c: staff_words.KINDS[c] for c in revisions.KINDS} == revisions.KINDS
    assert staff_words.message("un message que personne ne connaît") == "un message que personne ne connaît"


def test_dates_are_french_by_default_and_english_in_english(monkeypatch):
    at = datetime(2026, 11, 3, 14, 5)
    assert (staff_words.day(date(2026, 11, 30)), staff_words.moment(at)) == ("30/11/2026", "03/11/2026 14:05")
    assert staff_words.week_line("mardi : 17:00–19:00") == ("mardi", "17:00–19:00")
    in_english(monkeypatch)
    assert (staff_words.day(date(2026, 11, 30)), staff_words.moment(at)) == (
        "30 Nov 2026",
        "3 Nov 2026, 14:05",
    )
    assert staff_words.week_line("dimanche : fermé") == ("Sunday", "closed")


def test_the_labels_of_listings_found_nearby_or_selling_are_the_domain_s_in_french(monkeypatch):
    found = [FoundListing("a", "Ferme", "producteur", None, None, s) for s in ("active", "closed")]
    near = Nearby("b", "Épicerie", "Ambert", "63003", 2.04)
    outlet = Outlet("c", "Marché", "marche", "Ambert", 3.4)
    assert [staff_words.found_label(f) for f in found] == [f.label() for f in found]
    assert (staff_words.nearby_label(near), staff_words.outlet_label(outlet)) == (
        near.label(),
        outlet.label(),
    )
    in_english(monkeypatch)
    assert staff_words.found_label(found[1]) == "Ferme · unknown commune (closed)"
    assert staff_words.nearby_label(near) == "Épicerie · Ambert · 2.0 km"
    assert staff_words.outlet_label(outlet) == "Marché (Market, Ambert) · 3 km"


def test_every_suggestion_field_the_staff_screen_names_has_english():
    translated = english()
    assert all(translated.get(label) for label in sg.FIELDS.values())


# ------------------------------------------------------------------ the pages


def test_no_account_yet_in_english(staff_app_store):
    at = open_page()
    assert at.title[0].value == "Staff space"
    assert any(i.value.startswith("The staff space has no account yet.") for i in at.info)
    assert any("**For the administrator**" in m.value for m in at.markdown)
    assert leaks(at) == []


def test_the_sign_in_form_and_its_refusals_in_english(people):
    at = open_page()
    assert at.title[0].value == "Staff space"
    assert at.text_input(key="staff_login_password").label == "Password"
    assert [b.label for b in at.button if b.key and b.key.startswith("FormSubmitter:")] == ["Sign in"]
    assert leaks(at) == []
    sign_in(at, EDITOR, "pas le bon mot de passe")
    assert texts(at.error) == ["Incorrect e-mail or password."]
    assert leaks(at) == []
    # A locked account (as after 50 wrong passwords from many clients) says so in English.
    with sqlite3.connect(Throttle().path) as con:
        con.execute(
            "INSERT OR REPLACE INTO failures (scope, key, count, last_at, locked_until) VALUES (?, ?, 50, ?, ?)",
            (accounts.THROTTLE_SCOPE, f"account:{EDITOR}", time.time(), time.time() + 900),
        )
    sign_in(at, EDITOR)
    assert any(e.startswith("Too many failed attempts: access locked for") for e in texts(at.error))
    assert leaks(at) == []


def test_the_listing_form_its_history_and_dates_in_english(people, farm_id, english_app_test):
    at = sign_in(open_page(), EDITOR)
    assert f"Signed in: **{EDITOR}** (Editor · territory: PNR Livradois-Forez (63))" in [
        plain(c.value) for c in at.caption
    ]
    assert at.button(key="staff_sign_out").label == "Sign out"
    assert at.radio(key="staff_section").options[:2] == ["Listings", "To settle"]
    assert at.text_input(key="staff_find").label == "Find a listing (name, commune, postcode)"
    assert leaks(at) == []
    at.text_input(key="staff_find").input(FARM).run()
    at.selectbox(key="staff_find_pick").set_value(farm_id).run()
    assert not at.exception, at.exception
    assert at.text_input(key="staff_f_name").label == "Name"
    assert at.selectbox(key="staff_f_kind").label == "Kind of place"
    assert "Producer" in at.selectbox(key="staff_f_kind").options  # the vocabulary's English
    assert any(m.value == "**Opening hours**" for m in at.markdown)
    assert "History (0)" in texts(at.subheader)
    assert leaks(at) == []
    at.button(key="staff_check").click().run()
    assert "No change to save." in texts(at.info)
    at.text_input(key="staff_f_reason").input("appel du producteur")
    at.text_input(key="staff_f_phone").input("04 73 82 11 22")
    at.button(key="staff_save").click().run()
    assert not at.exception, at.exception
    done = texts(at.success) + texts(at.warning)
    assert any(d.startswith("Edit saved (revision no. 1)") for d in done), done
    entry = next(m.value for m in at.markdown if m.value.startswith("**No. 1 · Edit** by"))
    assert ENGLISH_MOMENT.search(entry) and not FRENCH_MOMENT.search(entry), entry
    diff = next(d.value for d in at.dataframe if "Before" in d.value.columns)
    assert list(diff.columns) == ["Field", "Before", "After"] and "Phone" in list(diff["Field"])
    assert leaks(at) == []


def test_the_admins_accounts_and_log_in_english(people, english_app_test):
    at = section(sign_in(open_page(), ADMIN), "Comptes et journal")
    assert "Accounts (3)" in texts(at.subheader) and "Sign-in log" in texts(at.subheader)
    people_table = next(d.value for d in at.dataframe if "Role" in d.value.columns)
    assert set(people_table["Role"]) == {"Administrator", "Editor", "Moderator"}
    log = next(d.value for d in at.dataframe if "Event" in d.value.columns)
    assert "sign-in" in set(log["Event"])
    assert all(ENGLISH_MOMENT.fullmatch(w) for w in log["When"]), list(log["When"])
    assert at.selectbox(key="staff_unlock_email").label == "Unlock the sign-in of"
    assert leaks(at) == []


def test_to_verify_to_settle_and_my_account_in_english(people, english_app_test):
    at = section(sign_in(open_page(), EDITOR), "À vérifier")
    assert any(s.startswith("To verify (") for s in texts(at.subheader))
    assert any(s.startswith("Verified in ") for s in texts(at.subheader))
    assert leaks(at) == []
    section(at, "À arbitrer")
    assert "To settle (0)" in texts(at.subheader)
    assert leaks(at) == []
    section(at, "Mon compte")
    assert "Change my password" in texts(at.subheader)
    at.text_input(key="staff_pw_old").input(PASSWORD)
    at.text_input(key="staff_pw_new").input("court")
    at.text_input(key="staff_pw_again").input("autre")
    next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:staff_password-")).click().run()
    assert texts(at.error) == ["The two entries of the new password differ."]
    at.text_input(key="staff_pw_old").input(PASSWORD)
    at.text_input(key="staff_pw_new").input("court")
    at.text_input(key="staff_pw_again").input("court")
    next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:staff_password-")).click().run()
    assert any(f"The new password must have at least {MIN_LENGTH} characters" in e for e in texts(at.error))
    assert leaks(at) == []


def test_suggestions_in_english(people, farm_id, english_app_test):
    sg.submit(people, farm_id, "phone", "04 73 82 11 22", email="moi@exemple.fr")
    at = section(sign_in(open_page(), MODERATOR), "Suggestions")
    assert "Suggestions to handle (1)" in texts(at.subheader)
    card = next(m.value for m in at.markdown if m.value.startswith("**No. 1 · Phone** · received on "))
    assert ENGLISH_MOMENT.search(card), card
    assert any(b.label == "Accept and publish" for b in at.button)
    assert leaks(at) == []


def test_french_stays_the_default(people):
    at = open_page(lang=None)
    assert at.title[0].value == "Espace équipe"
    assert at.text_input(key="staff_login_password").label == "Mot de passe"
    sign_in(at, EDITOR, "pas le bon mot de passe")
    assert texts(at.error) == ["E-mail ou mot de passe incorrect."]
    sign_in(at, EDITOR)
    assert at.radio(key="staff_section").options[:2] == ["Fiches", "À arbitrer"]
    assert any(plain(c.value).startswith(f"Connecté : **{EDITOR}** (Éditeur") for c in at.caption)


def test_the_leak_check_can_fail(people):
    """The check finds French: the same page without ?lang=en shows the catalogue's texts."""
    assert "Mot de passe" in leaks(open_page(lang=None))
