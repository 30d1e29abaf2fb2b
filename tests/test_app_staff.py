"""The staff space (pages/equipe.py and ui/staff_*.py) through Streamlit's AppTest: personal
sign-in (right, wrong, throttled, no account yet), sign-out, expiry, password change, the
admins' accounts, log and unlock, read-only listings outside a territory, the edit form (errors
kept, save, conflict choices), history and revert, create and close, and staff values moved to
their right listing (a created twin of a source listing, edits waiting on a lost one).

Accounts are created with the library, in a temporary SQLite workspace; the directory is a
private copy of the tiny supplier build (Ambert, 63), since saving publishes into it."""

from __future__ import annotations

import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from courtcircuit.db import connect
from courtcircuit.edits import publish_edits
from courtcircuit.listing import get_listing
from courtcircuit.staff_queries import find_listings
from courtcircuit.throttle import Throttle
from courtcircuit.workspace import accounts, revisions
from courtcircuit.workspace.accounts import Territory
from courtcircuit.workspace.store import Store
from tests.markdown_check import plain

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/equipe.py"
PASSWORD = "un mot de passe de test"
LOGIN = "FormSubmitter:staff_login-Se connecter"
ADMIN, EDITOR, EDITOR_42, MODERATOR = (
    "admin@parc.example", "edit@parc.example", "loire@parc.example", "modo@parc.example",
)  # fmt: skip
FARM = "Ferme du Bord"  # tests/fixtures/suppliers/producers.csv, T01, north of Ambert (63)


@pytest.fixture
def db(staff_db: Path) -> Path:
    return staff_db


@pytest.fixture
def store(staff_app_store: Store) -> Store:
    return staff_app_store  # tests/conftest.py: the app's environment for the staff pages


@pytest.fixture
def people(store) -> Store:
    accounts.add_account(store, ADMIN, "admin", PASSWORD)
    accounts.add_account(store, EDITOR, "editor", PASSWORD, Territory.parse("63", "PNR Livradois-Forez"))
    accounts.add_account(store, EDITOR_42, "editor", PASSWORD, Territory.parse("42"))
    accounts.add_account(store, MODERATOR, "moderator", PASSWORD)
    return store


@pytest.fixture
def farm_id(db) -> str:
    con = connect(db, read_only=True)
    try:
        return con.execute("SELECT id FROM listings WHERE name = ?", [FARM]).fetchone()[0]
    finally:
        con.close()


def texts(elements) -> list[str]:
    return [plain(e.value) for e in elements]


def open_page(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE)
    at.query_params.update(params or {})
    return at.run()


def sign_in(at: AppTest, email: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="staff_login_email").input(email)
    at.text_input(key="staff_login_password").input(password)
    at.button(key=LOGIN).click().run()
    assert not at.exception, at.exception
    return at


def signed_in(email: str, params: dict[str, str] | None = None) -> AppTest:
    return sign_in(open_page(params), email)


def connected(at: AppTest, email: str) -> bool:
    return any(c.startswith(f"Connecté : **{email}**") for c in texts(at.caption))


def frame(at: AppTest, column: str):
    """The first table shown with this column (AppTest does not expose a data frame's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def section(at: AppTest, name: str) -> AppTest:
    at.radio(key="staff_section").set_value(name).run()
    assert not at.exception, at.exception
    return at


# ------------------------------------------------------------------ signing in and out


def test_with_no_account_the_page_says_what_an_admin_must_do(store):
    at = open_page()
    assert not at.exception
    assert any("aucun compte" in t for t in texts(at.info))
    assert any("add-user prenom.nom@parc.fr --role admin" in c.value for c in at.code)
    assert len(at.text_input) == 0


def test_sign_in_right_and_wrong_then_sign_out(people):
    at = open_page()
    assert at.text_input(key="staff_login_password").max_chars == 256
    assert at.text_input(key="staff_login_email").max_chars == 254
    sign_in(at, EDITOR, "pas le bon mot de passe")
    assert "E-mail ou mot de passe incorrect." in texts(at.error)
    sign_in(at, "personne@parc.example")
    assert "E-mail ou mot de passe incorrect." in texts(at.error)  # same answer: no enumeration
    sign_in(at, EDITOR)
    assert connected(at, EDITOR)
    assert any("PNR Livradois-Forez" in c for c in texts(at.caption))
    at.button(key="staff_sign_out").click().run()
    assert "Vous êtes déconnecté." in texts(at.info)
    assert at.text_input(key="staff_login_email")
    events = [(e.email, e.event) for e in accounts.recent_events(people)]
    assert (EDITOR, "sign_out") in events and (EDITOR, "sign_in") in events


def test_sign_in_is_throttled_after_wrong_passwords(people, monkeypatch):
    frozen = Throttle(clock=lambda: 2_000_000_000.0)  # no delay runs out while the test is slow
    monkeypatch.setattr("ui.staff_session.throttle", lambda: frozen)
    at = open_page()
    messages = []
    for i in range(5):
        sign_in(at, EDITOR, f"faux mot de passe {i}")
        messages.append(at.error[0].value)
    assert messages[:3] == ["E-mail ou mot de passe incorrect."] * 3
    assert all("réessayez dans" in m for m in messages[3:])
    sign_in(at, EDITOR)  # even the right password must wait
    assert not connected(at, EDITOR)


@pytest.mark.parametrize("idle", [True, False])
def test_sessions_expire(people, monkeypatch, idle):
    clock = [1_000_000.0]
    monkeypatch.setattr("ui.staff_session.now", lambda: clock[0])
    at = signed_in(EDITOR)
    if idle:
        clock[0] += 29 * 60
        at.run()
        assert connected(at, EDITOR)  # still there
        clock[0] += 31 * 60
    else:
        for _ in range(19):  # busy all day, never idle for long: still out after 8 h
            clock[0] += 25 * 60
            at.run()
        assert connected(at, EDITOR)  # 7 h 55 min
        clock[0] += 10 * 60
    at.run()
    assert "Votre session a expiré : reconnectez-vous." in texts(at.info)
    assert at.text_input(key="staff_login_email")
    assert (EDITOR, "session_expired") in [(e.email, e.event) for e in accounts.recent_events(people)]


def test_password_change(people, tmp_path):
    at = section(signed_in(EDITOR), "Mon compte")
    at.text_input(key="staff_pw_old").input(PASSWORD)
    at.text_input(key="staff_pw_new").input("un tout nouveau mot de passe")
    at.text_input(key="staff_pw_again").input("autre chose encore ici")
    at.button(key="FormSubmitter:staff_password-Changer le mot de passe").click().run()
    assert "Les deux saisies du nouveau mot de passe diffèrent." in texts(at.error)
    at.text_input(key="staff_pw_old").input(PASSWORD)
    at.text_input(key="staff_pw_new").input("court")
    at.text_input(key="staff_pw_again").input("court")
    at.button(key="FormSubmitter:staff_password-Changer le mot de passe").click().run()
    assert any("au moins 12 caractères" in e for e in texts(at.error))
    at.text_input(key="staff_pw_old").input(PASSWORD)
    at.text_input(key="staff_pw_new").input("un tout nouveau mot de passe")
    at.text_input(key="staff_pw_again").input("un tout nouveau mot de passe")
    at.button(key="FormSubmitter:staff_password-Changer le mot de passe").click().run()
    assert "Mot de passe changé." in texts(at.success)
    throttle = Throttle(tmp_path / "t2.sqlite3")
    assert accounts.sign_in(people, EDITOR, "un tout nouveau mot de passe", throttle, "c").member


def test_admins_see_accounts_and_the_log_and_unlock(people):
    # The editor's account is locked (as after 50 wrong passwords from many clients).
    with sqlite3.connect(Throttle().path) as con:
        con.execute(
            "INSERT INTO failures (scope, key, count, last_at, locked_until) VALUES (?, ?, 50, ?, ?)",
            (accounts.THROTTLE_SCOPE, f"account:{EDITOR}", time.time(), time.time() + 900),
        )
    editor = signed_in(EDITOR)
    assert not connected(editor, EDITOR) and any("bloqué" in e for e in texts(editor.error))
    at = section(signed_in(ADMIN), "Comptes et journal")
    shown = frame(at, "E-mail")
    assert list(shown["E-mail"]) == sorted([ADMIN, EDITOR, EDITOR_42, MODERATOR])
    log = frame(at, "Événement")
    assert "connexion refusée" in set(log["Événement"])
    at.selectbox(key="staff_unlock_email").set_value(EDITOR)
    at.button(key="FormSubmitter:staff_unlock-Débloquer").click().run()
    assert any("est débloquée" in s for s in texts(at.success))
    assert (EDITOR, "unlocked") in [(e.email, e.event) for e in accounts.recent_events(people)]
    assert connected(signed_in(EDITOR), EDITOR)


def test_moderators_review_needs_and_editors_do_not_see_them(people):
    at = signed_in(MODERATOR)
    assert at.radio(key="staff_section").value == "Besoins des acheteurs"
    assert "À valider (0)" in texts(at.subheader)
    editor = signed_in(EDITOR)
    assert "Besoins des acheteurs" not in editor.radio(key="staff_section").options


# ------------------------------------------------------------------ listings


def open_listing(at: AppTest, listing_id: str, text: str = FARM) -> AppTest:
    at.text_input(key="staff_find").input(text).run()
    picks = at.selectbox(key="staff_find_pick")
    assert any(text in o for o in picks.options), picks.options  # the shown labels
    picks.set_value(listing_id).run()
    assert not at.exception, at.exception
    return at


def save_form(at: AppTest, **values) -> AppTest:
    for name, value in values.items():
        widget = at.text_input(key=f"staff_f_{name}")
        widget.input(value)
    at.button(key="staff_save").click().run()
    assert not at.exception, at.exception
    return at


def test_an_editor_outside_the_territory_reads_only(people, farm_id):
    at = signed_in(EDITOR_42)
    at.text_input(key="staff_find").input(FARM).run()
    assert any("Aucune fiche trouvée dans votre territoire." in c for c in texts(at.caption))
    at.checkbox(key="staff_find_outside").check().run()
    open_listing(at, farm_id)
    assert any(t.startswith("Lecture seule : cette fiche est dans la commune 63") for t in texts(at.info))
    assert at.text_input(key="staff_f_phone").disabled
    assert not [b for b in at.button if b.key == "staff_save"]
    moderator = section(signed_in(MODERATOR, {"id": farm_id}), "Fiches")
    assert any("Lecture seule : votre rôle (Modérateur)" in t for t in texts(moderator.info))


def test_errors_show_beside_their_field_and_the_form_keeps_what_was_typed(people, farm_id):
    at = open_listing(signed_in(EDITOR), farm_id)
    save_form(at, name="", email="pas-une-adresse", phone="04 73 00 00 00")
    assert "Rien n'est enregistré : corrigez les champs signalés." in texts(at.error)
    assert any("nom" in e.lower() for e in texts(at.error))
    assert any("e-mail" in e.lower() for e in texts(at.error))
    assert at.text_input(key="staff_f_email").value == "pas-une-adresse"
    assert at.text_input(key="staff_f_phone").value == "04 73 00 00 00"
    assert revisions.history(people, farm_id) == []


def test_save_publishes_and_history_reverts(people, farm_id):
    at = open_listing(signed_in(EDITOR), farm_id)
    at.text_input(key="staff_f_reason").input("appel du producteur")
    save_form(at, phone="04 73 82 11 22", opening_hours="mardi et vendredi 17h-19h")
    assert any(
        s.startswith("Modification enregistrée (révision n° 1)")
        for s in texts(at.success) + texts(at.warning)
    )
    (saved,) = revisions.history(people, farm_id)
    assert saved.author == EDITOR and saved.reason == "appel du producteur"
    assert set(saved.changes) >= {"phone", "opening_hours"}
    assert saved.changes["phone"][1] == "+33473821122"
    # The form shows the saved values again, and the history says who, what, why.
    assert at.text_input(key="staff_f_phone").value == "+33473821122"
    assert any("n° 1 · Modification" in m and EDITOR in m for m in texts(at.markdown))
    diff = frame(at, "Avant")
    assert "Téléphone" in list(diff["Champ"])

    at.button(key=f"staff_revert_{saved.id}").click().run()
    assert not at.exception
    latest = revisions.history(people, farm_id)[0]
    assert latest.kind == "revert" and latest.changes["phone"] == ("+33473821122", saved.changes["phone"][0])
    assert at.text_input(key="staff_f_phone").value == (saved.changes["phone"][0] or "")


def test_a_conflict_keeps_both_changes_and_lets_me_choose(people, farm_id):
    mine = open_listing(signed_in(EDITOR), farm_id)
    theirs = open_listing(signed_in(ADMIN), farm_id)
    save_form(theirs, phone="04 73 82 00 01", website="https://ferme.example.fr")
    mine.text_input(key="staff_f_email").input("ferme@bord.example.fr")
    save_form(mine, phone="04 73 82 00 02")
    assert any("a modifié cette fiche pendant que vous la modifiiez" in w for w in texts(mine.warning))
    table = frame(mine, "Ma valeur")
    assert {"Téléphone", "E-mail", "Site web"} <= set(table["Champ"])
    assert mine.text_input(key="staff_f_phone").value == "04 73 82 00 02"  # nothing typed is lost
    mine.radio(key="staff_conflict_choice").set_value("fields").run()
    mine.radio(key="staff_conflict_choice_phone").set_value("theirs").run()
    mine.button(key="staff_conflict_save").click().run()
    assert not mine.exception
    values = revisions.overrides(people, [farm_id])[farm_id]
    assert values["phone"] == "+33473820001"  # theirs, chosen
    assert values["website"].startswith("https://ferme.example.fr")  # theirs, only they changed it
    assert values["email"] == "ferme@bord.example.fr"  # mine, only I changed it
    assert [r.author for r in revisions.history(people, farm_id)] == [EDITOR, ADMIN]


@pytest.mark.parametrize("choice", ["mine", "theirs"])
def test_conflict_keep_mine_or_take_theirs(people, farm_id, choice):
    mine = open_listing(signed_in(EDITOR), farm_id)
    theirs = open_listing(signed_in(ADMIN), farm_id)
    save_form(theirs, phone="04 73 82 00 01")
    save_form(mine, phone="04 73 82 00 02")
    mine.radio(key="staff_conflict_choice").set_value(choice).run()
    mine.button(key="staff_conflict_save").click().run()
    expected = "+33473820002" if choice == "mine" else "+33473820001"
    assert revisions.overrides(people, [farm_id])[farm_id]["phone"] == expected
    assert mine.text_input(key="staff_f_phone").value == expected


def test_create_and_close_a_listing(people, farm_id):
    at = signed_in(EDITOR)
    at.button(key="staff_create").click().run()
    assert "Nouvelle fiche" in texts(at.subheader)
    at.number_input(key="staff_f_lat").set_value(45.5490)
    at.number_input(key="staff_f_lon").set_value(3.7432)
    at.text_input(key="staff_f_postcode").input("63600")
    at.text_input(key="staff_f_city").input("Ambert")
    at.text_input(key="staff_f_commune_insee").input("63003")
    save_form(at, name="Ferme des Tests")
    assert any(s.startswith("Fiche créée") for s in texts(at.success) + texts(at.warning)), texts(at.error)
    created = [r for r in revisions.overrides(people).items() if r[1].get("name") == "Ferme des Tests"]
    assert len(created) == 1

    at = open_listing(signed_in(EDITOR), farm_id)
    at.text_input(key="staff_close_reason").input("a cessé son activité")
    at.button(key="staff_close").click().run()
    assert not at.exception
    latest = revisions.history(people, farm_id)[0]
    assert latest.kind == "close" and latest.changes["status"] == ("active", "closed")
    assert "Cette fiche est fermée : elle n'apparaît plus dans la recherche publique." in texts(at.warning)


def test_a_click_on_the_map_moves_the_position(people, farm_id, monkeypatch):
    monkeypatch.setattr(
        "streamlit_folium.st_folium", lambda *a, **k: {"last_clicked": {"lat": 45.61234567, "lng": 3.71}}
    )
    at = open_listing(signed_in(EDITOR), farm_id)
    assert at.number_input(key="staff_f_lat").value == pytest.approx(45.612346)
    assert at.number_input(key="staff_f_lon").value == pytest.approx(3.71)
    assert at.selectbox(key="staff_f_geo_precision").value == "exact"


def test_check_shows_the_week_the_hours_mean_and_saves_nothing(people, farm_id):
    at = open_listing(signed_in(EDITOR), farm_id)
    at.text_input(key="staff_f_opening_hours").input("mardi et vendredi 17h-19h")
    at.button(key="staff_check").click().run()
    assert not at.exception
    assert "Tout est valide : vous pouvez enregistrer." in texts(at.success)
    week = frame(at, "Jour")
    days = dict(zip(week["Jour"], week["Horaires"], strict=True))
    assert days["mardi"] == days["vendredi"] == "17:00–19:00" and days["lundi"] == "fermé"
    assert revisions.history(people, farm_id) == []


def test_another_section_and_back_refills_the_form(people, farm_id):
    at = open_listing(signed_in(EDITOR), farm_id)
    phone = at.text_input(key="staff_f_phone").value
    assert phone
    section(at, "Mon compte")
    section(at, "Fiches")
    assert at.text_input(key="staff_f_phone").value == phone  # not an empty form saved as blanks
    at.button(key="staff_save").click().run()
    assert "Aucun changement à enregistrer." in texts(at.info)
    assert revisions.history(people, farm_id) == []


def test_find_listings_within_a_territory(db):
    con = connect(db, read_only=True)
    try:
        assert FARM in [f.name for f in find_listings(con, "ferme du bord", ("63",))]
        assert FARM in [f.name for f in find_listings(con, "FERME DU BORD", None)]
        assert find_listings(con, "ferme du bord", ("42", "43157")) == []
        (found,) = [f for f in find_listings(con, "bord", ("63",)) if f.name == FARM]
        assert find_listings(con, found.id, ("63",))[0].id == found.id  # by id, too
        assert find_listings(con, "   ", None) == []
        assert find_listings(con, "%", None) == []  # no wildcard from the box
    finally:
        con.close()


def test_verified_today_is_an_edit(people, farm_id):
    at = open_listing(signed_in(EDITOR), farm_id)
    at.checkbox(key="staff_f_verified_today").check()
    at.button(key="staff_save").click().run()
    assert not at.exception
    (saved,) = revisions.history(people, farm_id)
    assert saved.changes["last_verified"][1] == date.today().isoformat()
    assert any(f"dernière vérification le {date.today():%d/%m/%Y}" in c.label for c in at.checkbox)


def test_a_conflict_can_be_dropped(people, farm_id):
    mine = open_listing(signed_in(EDITOR), farm_id)
    theirs = open_listing(signed_in(ADMIN), farm_id)
    save_form(theirs, phone="04 73 82 00 01")
    save_form(mine, phone="04 73 82 00 02")
    mine.button(key="staff_conflict_drop").click().run()
    assert not mine.exception
    assert "Vos modifications sont abandonnées ; la fiche est rechargée." in texts(mine.info)
    assert mine.text_input(key="staff_f_phone").value == "+33473820001"  # theirs, now shown
    assert [r.author for r in revisions.history(people, farm_id)] == [ADMIN]


@pytest.mark.parametrize("keep", ["staff", "source"])
def test_a_field_to_arbitrate_keeps_the_staff_value_or_takes_the_source(people, db, farm_id, keep):
    revisions.save(people, farm_id, 0, {"phone": ("+33465719001", "+33473820001")}, ADMIN)
    con = connect(db, read_only=False)
    try:  # as a build finds it when the source changes the phone staff had edited
        con.execute(
            "INSERT INTO arbitrations VALUES (?, 'phone', ?, ?, 'rayons', now())",
            [farm_id, '"+33473820001"', '"+33465719999"'],
        )
    finally:
        con.close()
    assert "À arbitrer (0)" in texts(section(signed_in(EDITOR_42), "À arbitrer").subheader)
    at = section(signed_in(EDITOR), "À arbitrer")
    assert "À arbitrer (1)" in texts(at.subheader)
    shown = frame(at, "Valeur de l'équipe (publiée)")
    assert list(shown.iloc[0]) == ["+33473820001", "+33465719999"]
    at.button(key="staff_arb_keep_0" if keep == "staff" else "staff_arb_take_0").click().run()
    assert not at.exception
    expected = "+33473820001" if keep == "staff" else "+33465719999"
    assert revisions.overrides(people, [farm_id])[farm_id]["phone"] == expected
    assert revisions.history(people, farm_id)[0].reason.startswith("à arbitrer")
    assert "À arbitrer (0)" in texts(at.subheader)


def test_an_unreachable_workspace_says_so_in_french(store, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", "postgresql://nobody@/nowhere?host=/nonexistent-socket-dir")
    at = open_page()
    assert not at.exception
    assert any("L'espace équipe est indisponible" in e for e in texts(at.error))
    assert len(at.text_input) == 0


def test_a_producer_s_selling_places_are_chosen_among_outlets_nearby(people, db, farm_id):
    market = "cc-ws-1"
    created = {"kind": "marche", "name": "Marché du Bord", "lat": 45.7200, "lon": 3.7400, "city": "Ambert",
               "commune_insee": "63003", "status": "active", "geo_precision": "exact"}  # fmt: skip
    revisions.save(people, market, 0, {n: (None, v) for n, v in created.items()}, ADMIN, kind="create")
    publish_edits(db, people)
    at = open_listing(signed_in(EDITOR), farm_id)
    places = at.multiselect(key="staff_f_sells_at")
    assert places.value == []
    assert places.options[0] == "Marché du Bord (Marché, Ambert) · 1 km"  # nearest first
    places.set_value([market])
    at.button(key="staff_save").click().run()
    assert not at.exception, at.exception
    (saved,) = revisions.history(people, farm_id)
    assert saved.changes == {"sells_at": ([], [market])}
    con = connect(db, read_only=True)
    try:
        assert [o.name for o in get_listing(con, farm_id).sells_at] == ["Marché du Bord"]
    finally:
        con.close()
    assert list(frame(at, "Avant")["Après"]) == ["Marché du Bord (Ambert)"]


# ------------------------------------------------------------------ values moved to their right listing


def test_a_created_twin_of_a_source_listing_is_merged_into_it(people, db, farm_id):
    created = {"kind": "producteur", "name": FARM, "lat": 45.7290, "lon": 3.7433, "commune_insee": "63003",
               "city": "Ambert", "phone": "+33473001122", "status": "active", "geo_precision": "exact"}  # fmt: skip
    revisions.save(people, "cc-ws-1", 0, {n: (None, v) for n, v in created.items()}, ADMIN, kind="create")
    publish_edits(db, people)
    at = section(signed_in(ADMIN, {"id": "cc-ws-1"}), "Fiches")
    assert any("Une source apporte peut-être ce lieu" in w for w in texts(at.warning))
    at.button(key="staff_twin_0").click().run()
    assert not at.exception, at.exception
    assert any(s.startswith("Modifications reprises par la fiche de la source") for s in texts(at.success))
    assert revisions.history(people, "cc-ws-1")[0].kind == "close"
    con = connect(db, read_only=True)
    try:
        assert get_listing(con, farm_id)["phone"] == "+33473001122"
        assert get_listing(con, "cc-ws-1")["status"] == "closed"
    finally:
        con.close()


def test_edits_waiting_on_a_lost_listing_are_carried_onto_another(people, db, farm_id):
    revisions.save(people, "cc-0123456789ab", 0, {"phone": (None, "+33473009988")}, ADMIN)
    at = section(signed_in(ADMIN), "À arbitrer")
    assert "Modifications en attente (1)" in [h.value for h in at.subheader]
    at.text_input(key="staff_wait_find_0").input(FARM).run()
    at.selectbox(key="staff_wait_pick_0").set_value(farm_id).run()
    at.button(key="staff_wait_move_0").click().run()
    assert not at.exception, at.exception
    assert "Modifications en attente (0)" in [h.value for h in at.subheader]
    assert any("Modifications reprises" in s for s in texts(at.success))
    assert revisions.overrides(people, [farm_id])[farm_id]["phone"] == "+33473009988"


# ------------------------------------------------------------------ my territory


def test_my_territory_shows_gaps_and_data_quality_with_links(people):
    at = section(signed_in(EDITOR), "Mon territoire")
    assert any("PNR Livradois-Forez" in s for s in texts(at.subheader))
    shares = frame(at, "Part de la population")
    assert len(shares) == 4
    quality = frame(at, "Fiches")
    assert {"Source", "Téléphone", "Horaires", "Position exacte"} <= set(quality.columns)
    at.selectbox(key="staff_quality_field").set_value("Horaires").run()
    assert not at.exception, at.exception
    lacking = frame(at, "fiche")
    assert all(link.startswith("/equipe?id=cc-") for link in lacking["fiche"])
