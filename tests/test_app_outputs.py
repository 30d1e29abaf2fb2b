"""The territory outputs in the app (AppTest): the public « Données ouvertes » page offers the
files the build wrote, with each source's licence; the staff « Annuaire imprimable » section
makes the PDF of the member's territory."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from courtcircuit.db import connect
from courtcircuit.open_data import open_data_folder
from courtcircuit.workspace import accounts
from courtcircuit.workspace.accounts import Territory

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PASSWORD = "un mot de passe de test"
EDITOR = "edit@parc.example"


def test_open_data_page_offers_the_files_and_says_which_sources_are_left_out(
    small_build, tmp_path, monkeypatch
):
    db = tmp_path / "d.duckdb"
    shutil.copyfile(small_build.db, db)
    shutil.copytree(open_data_folder(small_build.db).resolve(), tmp_path / "files")
    open_data_folder(db).symlink_to("files")
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/open_data.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Données ouvertes"
    assert len(at.get("download_button")) == 4
    table = at.dataframe[0].value
    included = dict(zip(table["Source"], table["Dans les fichiers"], strict=True))
    assert included["osm"] == "oui" and included["chambre"].startswith("non")  # chambre has no licence


def test_open_data_page_before_any_build_wrote_files(small_build, tmp_path, monkeypatch):
    db = tmp_path / "d.duckdb"
    shutil.copyfile(small_build.db, db)
    monkeypatch.setenv("COURT_CIRCUIT_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/open_data.py").run()
    assert not at.exception
    assert "pas encore été produits" in at.info[0].value


def test_staff_print_section_makes_the_pdf_of_my_territory(staff_app_store, staff_db):
    accounts.add_account(staff_app_store, EDITOR, "editor", PASSWORD, Territory.parse("63", "Livradois"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/equipe.py")
    at.run()
    at.text_input(key="staff_login_email").input(EDITOR)
    at.text_input(key="staff_login_password").input(PASSWORD)
    at.button(key="FormSubmitter:staff_login-Se connecter").click().run()
    at.radio(key="staff_section").set_value("Annuaire imprimable").run()
    assert not at.exception, at.exception
    assert at.text_input[0].value == "63"  # my territory by default
    at.button(key="FormSubmitter:staff_print-Produire le PDF").click().run()
    assert not at.exception, at.exception
    assert any("Annuaire prêt" in s.value for s in at.success)
    with connect(staff_db) as con:
        names = [
            n
            for (n,) in con.execute(
                "SELECT name FROM listings WHERE commune_insee LIKE '63%' AND status = 'active'"
            ).fetchall()
        ]
    assert len(at.get("download_button")) == 1
    pdf, file_name = at.session_state["staff_print_pdf"]  # the bytes the download button serves
    assert file_name == "annuaire-livradois.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", " ")
    assert names and [n for n in names if n not in text] == []
