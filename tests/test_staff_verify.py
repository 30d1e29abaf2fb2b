"""The "À vérifier" list: the query on a real built DuckDB (the tiny supplier build, Ambert, 63,
with a few verification dates set), the calling-campaign CSV, and the staff section through
AppTest (order, territory, "Vérifié aujourd'hui" writing a revision then publishing, counts)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from courtcircuit.db import connect
from courtcircuit.staff_verify import (
    StaleListing,
    calling_csv,
    commune_counts,
    mark_verified,
    months_before,
    stale_listings,
)
from courtcircuit.workspace import revisions
from tests import test_app_staff as staff
from tests.markdown_check import plain
from tests.test_app_staff import ADMIN, EDITOR, EDITOR_42, MODERATOR, frame, section, signed_in, texts

db, store, people = staff.db, staff.store, staff.people  # the staff space's fixtures

TODAY = date.today()
OLD, LATE, FRESH = "Ferme du Bord", "Fournil de la Mairie", "Rucher Sans Rayon"
NEVER_63 = [
    "Ferme Sans Livraison",
    "GAEC de l'Au-delà",
    "Maraîcher du Zéro",
    "Vergers du Lointain",
    "Épicerie du Coin",
]


@pytest.fixture
def dated(db):
    """The private copy with verification dates: one very old, one 13 months old, one this year."""
    con = connect(db, read_only=False)
    try:
        for name, day in (
            (OLD, date(2020, 3, 15)),
            (LATE, months_before(TODAY, 13)),
            (FRESH, date(TODAY.year, 1, 1)),
        ):
            con.execute("UPDATE listings SET last_verified = ? WHERE name = ?", [day, name])
    finally:
        con.close()
    return db


def _ids(db) -> dict[str, str]:
    con = connect(db, read_only=True)
    try:
        return dict(con.execute("SELECT name, id FROM listings").fetchall())
    finally:
        con.close()


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(date(2026, 11, 30), 12) == date(2025, 11, 30)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_stale_listings_of_a_territory_never_verified_first_then_oldest(dated):
    con = connect(dated, read_only=True)
    try:
        in_63 = stale_listings(con, ("63",), TODAY)
        everywhere = stale_listings(con, None, TODAY)
        commune = stale_listings(con, ("63003",), TODAY)
        ten_years = stale_listings(con, ("63",), TODAY, months=120)
    finally:
        con.close()
    names = [s.name for s in in_63]
    assert names == [*NEVER_63, OLD, LATE]  # closed "Ferme Fermée" and this year's FRESH are not there
    assert in_63[-1].last_verified == months_before(TODAY, 13) and in_63[0].last_verified is None
    assert {"Chèvrerie des Incertains", "Domaine Hors Champ", "Élevage Très Lointain"} <= {
        s.name for s in everywhere
    }
    assert [s.name for s in commune] == ["Épicerie du Coin", LATE]  # Ambert only
    assert [s.name for s in ten_years] == NEVER_63


def test_the_stale_age_is_configurable(dated, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_STALE_MONTHS", "200")
    con = connect(dated, read_only=True)
    try:
        assert [s.name for s in stale_listings(con, ("63",), TODAY)] == NEVER_63
        monkeypatch.setenv("COURT_CIRCUIT_STALE_MONTHS", "pas un nombre")
        assert LATE in [s.name for s in stale_listings(con, ("63",), TODAY)]  # back to 12 months
    finally:
        con.close()


def test_counts_per_commune_checked_this_year_versus_open_listings(dated):
    con = connect(dated, read_only=True)
    try:
        counts = {c.city: (c.checked, c.total) for c in commune_counts(con, ("63",), TODAY)}
    finally:
        con.close()
    assert counts["Grandrif"] == (1, 1)  # FRESH
    assert counts["Ambert"] == (0, 2)  # the closed farm is not counted
    assert "Saint-Vert" not in counts


def test_mark_verified_writes_a_verify_revision(people, dated):
    farm = _ids(dated)[LATE]
    saved = mark_verified(people, farm, EDITOR, months_before(TODAY, 13), TODAY)
    assert saved.kind == "verify" and saved.number == 1
    assert saved.changes == {"last_verified": (months_before(TODAY, 13).isoformat(), TODAY.isoformat())}


def test_calling_csv_has_readable_phones_and_no_formula():
    rows = [
        StaleListing("a", '=HYPERLINK("http://x","y")', "producteur", "Ambert", "63003", "+33473820000",
                     "@a.fr", None),
        StaleListing("b", "Ferme", "producteur", None, None, None, None, date(2024, 5, 2)),
    ]  # fmt: skip
    data = calling_csv(rows)
    assert data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["nom", "commune", "telephone", "email", "derniere_verification"]
    assert table[1] == ['\'=HYPERLINK("http://x","y")', "Ambert", "04 73 82 00 00", "'@a.fr", "jamais"]
    assert table[2] == ["Ferme", "", "", "", "02/05/2024"]


# ------------------------------------------------------------------ the staff section (AppTest)


def _names(at) -> list[str]:
    return [plain(m.value).split(" · ")[0].strip("*") for m in at.markdown if " · " in m.value]


def test_the_section_lists_my_territory_oldest_first_with_counts(people, dated):
    at = section(signed_in(EDITOR), "À vérifier")
    assert f"À vérifier ({len(NEVER_63) + 2})" in texts(at.subheader)
    assert _names(at) == [*NEVER_63, OLD, LATE]
    assert any("04 65 71 90 05" in c for c in texts(at.caption))
    counts = frame(at, "Fiches")
    grandrif = counts[counts["Commune"] == "Grandrif"].iloc[0]
    assert (grandrif[f"Vérifiées en {TODAY.year}"], grandrif["Fiches"], grandrif["Part"]) == (1, 1, "100 %")
    assert len(at.get("download_button")) == 1

    loire = section(signed_in(EDITOR_42), "À vérifier")
    assert "À vérifier (0)" in texts(loire.subheader) and not _names(loire)
    admin = section(signed_in(ADMIN), "À vérifier")
    assert "Chèvrerie des Incertains" in _names(admin)
    assert "À vérifier" not in signed_in(MODERATOR).radio(key="staff_section").options


def test_verified_today_writes_a_revision_and_the_listing_leaves_the_list(people, dated):
    farm = _ids(dated)[LATE]
    at = section(signed_in(EDITOR), "À vérifier")
    at.button(key=f"staff_verify_{farm}").click().run()
    assert not at.exception, at.exception
    (saved,) = revisions.history(people, farm)
    assert (saved.kind, saved.author, saved.changes["last_verified"][1]) == (
        "verify",
        EDITOR,
        TODAY.isoformat(),
    )
    assert LATE not in _names(at)
    assert any("vérifiée aujourd'hui" in s for s in texts(at.success))
    con = connect(dated, read_only=True)
    try:  # published into the directory file
        assert con.execute("SELECT last_verified FROM listings WHERE id = ?", [farm]).fetchone()[0] == TODAY
    finally:
        con.close()
    ambert = frame(at, "Fiches")
    assert ambert[ambert["Commune"] == "Ambert"].iloc[0][f"Vérifiées en {TODAY.year}"] == 1
