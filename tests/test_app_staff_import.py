"""The staff space's « Importer un fichier » (ui/staff_import*.py) through AppTest, end to end:
the partner spreadsheet of tests/fixtures/partner (French headers, CP1252, `;`, decimal commas,
yes/no channel columns) uploaded, its columns guessed, its unknown product and label values
mapped, the preview and dry run read, its twin of a published listing confirmed, then published
by the real `python -m etl build`; the listings are then searchable, and the same file with the
saved mapping gives the same database through the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from courtcircuit.db import connect
from courtcircuit.import_runner import BuildOutcome
from courtcircuit.search import Area, search
from courtcircuit.workspace import decisions
from courtcircuit.workspace.store import Store
from tests.markdown_check import active_markdown, plain
from tests.test_app_staff import ADMIN, EDITOR, MODERATOR, frame, people, section, signed_in, store, texts

__all__ = ["people", "store"]  # fixtures used through their names

REPO = Path(__file__).resolve().parents[1]
PARTNER = REPO / "tests" / "fixtures" / "partner" / "producteurs-ambert.csv"
SUPPLIERS = REPO / "tests" / "fixtures" / "suppliers"
UPLOAD = "Importer un fichier"


@pytest.fixture
def folders(tmp_path: Path, monkeypatch, people: Store) -> dict[str, Path]:
    """The published sources (a copy of the supplier fixture the staff directory is built from)
    and a separate data folder the wizard writes partners' files into."""
    published, data = tmp_path / "published", tmp_path / "donnees"
    shutil.copytree(SUPPLIERS, published)
    monkeypatch.setenv("COURT_CIRCUIT_SOURCES", str(published / "sources.toml"))
    monkeypatch.setenv("COURT_CIRCUIT_DATA_DIR", str(data))
    return {"sources": published / "sources.toml", "data": data}


def run(at):
    at.run()
    assert not at.exception, at.exception
    return at


def click(at, key: str):
    at.button(key=key).click()
    return run(at)


def test_a_partner_spreadsheet_is_imported_published_and_searchable(folders, people, staff_db, tmp_path):
    at = section(signed_in(EDITOR), UPLOAD)
    # 1. upload
    at.text_input(key="imp_name").input("partenaire-ambert")
    at.text_input(key="imp_label").input("Groupement de producteurs d'Ambert (fictif)")
    at.file_uploader(key="imp_file").set_value((PARTNER.name, PARTNER.read_bytes(), "text/csv"))
    click(at, "imp_read")
    assert not at.error, texts(at.error)
    # 2. columns: guessed from the headers, the yes/no ones as channels
    labels = [plain(s.label) for s in at.selectbox if s.key and s.key.startswith("imp_col_")]
    assert any("Nom de l'exploitation" in label for label in labels)
    chosen = {s.key: s.value for s in at.selectbox if s.key and s.key.startswith("imp_col_")}
    assert chosen["imp_col_1"] == "field:name" and chosen["imp_col_5"] == "field:lat"
    assert chosen["imp_col_12"] == "flag:channels:vente_ferme"
    assert chosen["imp_col_14"] == "flag:channels:amap"
    click(at, "imp_columns_ok")
    # 3. values: "Tomme maison" (suggested « Fruits », a typo of pomme) becomes Fromages, "Fermier" nothing
    asked = {m.key: m for m in at.multiselect}
    assert asked["imp_val_products_Tomme maison"].value == ["fruits"]
    assert asked["imp_val_labels_AOP Fourme d'Ambert"].value == ["aop"]
    assert asked["imp_val_labels_Fermier"].value == []
    asked["imp_val_products_Tomme maison"].set_value(["fromages"])
    click(at, "imp_values_ok")
    # 4. preview: rows normalised, the nameless row rejected with its reason
    preview = frame(at, "Code INSEE")
    first = preview.iloc[0]
    assert (first["Nom"], first["Code INSEE"], first["Latitude"]) == (
        "Chèvrerie du Val de Dore",
        "63003",
        45.5562,
    )
    assert first["Produits"] == "Fromages" and first["Circuits"] == "Vente à la ferme, AMAP et paniers"
    rejected = frame(at, "Raison")
    assert "nom manquant" in rejected.iloc[0]["Raison"]
    click(at, "imp_preview_ok")
    # 5. dry run: every row accounted for; the twin of « Rucher Sans Rayon » confirmed
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Lues": "7", "Chargées": "6", "Fusionnées": "0", "Rejetées": "1"}
    assert any("Rucher Sans Rayon" in t for t in texts(at.markdown))
    click(at, "imp_same_0")
    assert {m.label: m.value for m in at.metric}["Fusionnées"] == "1"
    assert [d.same for d in decisions.decisions(people)] == [True]
    click(at, "imp_dry_ok")
    # 6. publish
    click(at, "imp_publish")
    assert not at.error, texts(at.error)
    assert any("publiée" in s for s in texts(at.success))
    # the published directory holds them, searchable
    with connect(staff_db, read_only=True) as con:
        found = dict(
            con.execute(
                "SELECT name, products FROM listings WHERE list_contains(sources, 'partenaire-ambert')"
            ).fetchall()
        )
        stats = con.execute(
            "SELECT read, loaded, merged, rejected FROM sources WHERE name = 'partenaire-ambert'"
        ).fetchone()
    assert stats == (7, 5, 1, 1)
    assert found["Chèvrerie du Val de Dore"] == ["fromages"]
    assert found["Rucher Sans Rayon"] == ["miel", "pain_cereales"]  # the twin joined the published listing
    with connect(staff_db, read_only=True) as con:
        near_ambert = set(search(con, Area(45.549014, 3.743204, 20)).listings["name"])
    assert {"Chèvrerie du Val de Dore", "Les Jardins de Job", "Vergers de Marsac"} <= near_ambert
    # the mapping is saved for the partner's next file
    mapping = tomllib.loads((folders["data"] / "partenaire-ambert-mapping.toml").read_text(encoding="utf-8"))
    assert mapping["values"]["products"]["Tomme maison"] == ["fromages"]
    assert mapping["flags"]["Vente à la ferme"] == "channels:vente_ferme"
    # the same file with the saved mapping gives the same database through the command line
    again = tmp_path / "cli.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--quiet", "--sources", str(folders["sources"]), "--db", str(again)],
        cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with connect(staff_db, read_only=True) as a, connect(again, read_only=True) as b:
        for query in (
            "SELECT * FROM listings ORDER BY id",
            "SELECT * FROM listing_sources ORDER BY ALL",
            "SELECT * FROM rejected ORDER BY ALL",
            "SELECT * FROM merges ORDER BY ALL",
            "SELECT * FROM sources ORDER BY name",
        ):
            assert a.execute(query).fetchall() == b.execute(query).fetchall(), query
    # reopened for that partner, its next file reuses the columns and values chosen
    click(at, "imp_restart")
    at.selectbox(key="imp_partner").set_value("partenaire-ambert")
    run(at)
    at.file_uploader(key="imp_file").set_value((PARTNER.name, PARTNER.read_bytes(), "text/csv"))
    click(at, "imp_read")
    assert at.selectbox(key="imp_col_12").value == "flag:channels:vente_ferme"
    click(at, "imp_columns_ok")
    assert [m.key for m in at.multiselect] == []
    remembered = frame(at, "Valeur du fichier")
    assert ("Tomme maison", "Fromages") in zip(
        remembered["Valeur du fichier"], remembered["Terme retenu"], strict=True
    )
    assert any("toutes les valeurs du fichier sont comprises" in t.lower() for t in texts(at.success))


def start(name: str, file_name: str, content: bytes):
    at = section(signed_in(ADMIN), UPLOAD)
    at.text_input(key="imp_name").input(name)
    at.file_uploader(key="imp_file").set_value((file_name, content, "application/octet-stream"))
    return click(at, "imp_read")


def test_a_bad_file_gets_a_clear_message_and_nothing_is_written(folders, staff_db, monkeypatch):
    before = folders["sources"].read_bytes()
    at = start("partenaire-abime", "classeur.xlsx", b"PK\x03\x04 pas un classeur")
    assert any("Fichier refusé" in e and "classeur XLSX lisible" in e for e in texts(at.error))
    monkeypatch.setenv("COURT_CIRCUIT_IMPORT_MAX_MB", "0.1")
    at = start("partenaire-gros", "gros.csv", b"Nom;Commune\n" + b"Ferme;Ambert\n" * 20_000)
    assert any("fichier trop gros" in e for e in texts(at.error))
    assert folders["sources"].read_bytes() == before and not folders["data"].exists()


def test_a_refused_build_undoes_the_new_source(folders, people, staff_db, monkeypatch):
    """The dry run passed but the real build refuses (another source broke meanwhile…): the
    sources file and data folder are as they were, and the directory is not touched."""
    monkeypatch.setattr(
        "ui.staff_import_check.run_build",
        lambda *a, **k: BuildOutcome(2, "source « rayons » : aucune fiche lue dans producers.csv"),
    )
    before, published = folders["sources"].read_bytes(), staff_db.read_bytes()
    at = start("partenaire-ambert", PARTNER.name, PARTNER.read_bytes())
    click(at, "imp_columns_ok")
    at.multiselect(key="imp_val_products_Tomme maison").set_value(["fromages"])
    click(at, "imp_values_ok")
    click(at, "imp_back_3")  # back from the preview: the choice made is shown again
    assert at.multiselect(key="imp_val_products_Tomme maison").value == ["fromages"]
    click(at, "imp_values_ok")
    click(at, "imp_preview_ok")
    click(at, "imp_apart_0")  # the twin refused: a « different places » decision, kept apart
    assert [d.same for d in decisions.decisions(people)] == [False]
    assert {m.label: m.value for m in at.metric}["Fusionnées"] == "0"
    assert any(c.startswith("Décision enregistrée : « Rucher sans rayon (GAEC Mallet) » et « Rucher Sans Rayon »")
               and c.endswith("lieux différents.") for c in texts(at.caption))  # fmt: skip
    for key in ("imp_dry_ok", "imp_publish"):
        click(at, key)
    assert any("l'annuaire publié n'a pas changé" in e and "rayons" in e for e in texts(at.error))
    assert folders["sources"].read_bytes() == before
    assert list(folders["data"].iterdir()) == []
    assert staff_db.read_bytes() == published


def test_moderators_cannot_import(people):
    at = signed_in(MODERATOR)
    assert UPLOAD not in at.radio(key="staff_section").options


def test_text_from_the_file_is_shown_as_text(folders):
    """Headers and values are the partner's words: shown exactly, never as links or formatting."""
    header, value = "[clic](javascript:alert(1))", "**Promo** <img src=x onerror=alert(1)>"
    content = f"Nom;Produits;{header}\nFerme du Test;{value};oui\n".encode()
    at = start("partenaire-hostile", "hostile.csv", content)
    assert not at.error, texts(at.error)
    labels = [s.label for s in at.selectbox if s.key and s.key.startswith("imp_col_")]
    assert any(plain(label).startswith(f"« {header} »") for label in labels)
    assert all(active_markdown(label) == [] for label in labels)
    click(at, "imp_columns_ok")
    (asked,) = [m for m in at.multiselect]
    assert plain(asked.label) == f"Produits : « {value} » (1 ligne(s))"
    assert active_markdown(asked.label) == []
