"""The import wizard's commands (etl/import_check.py) as the staff space runs them: `python -m etl
read-table` and `check-source`, in JSON, on the partner spreadsheet of tests/fixtures/partner
(French headers, CP1252, `;`, decimal commas, yes/no channel columns, one row twinning a
listing of the published directory). The published database is never written by a dry run."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PARTNER = REPO / "tests" / "fixtures" / "partner" / "producteurs-ambert.csv"
SUPPLIERS = REPO / "tests" / "fixtures" / "suppliers"
MAPPING = (REPO / "tests" / "fixtures" / "partner" / "partenaire-mapping.toml").read_text(encoding="utf-8")
CANDIDATE = """[[source]]
name = "partenaire"
format = "producers-table"
path = "producteurs-ambert.csv"
mapping = "partenaire-mapping.toml"
"""


def etl(*args: str, env: dict[str, str]) -> tuple[int, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "etl", *args, "--json"], cwd=REPO, env={**os.environ, **env},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return done.returncode, json.loads(done.stdout)


@pytest.fixture
def folders(tmp_path: Path, staff_db: Path) -> dict[str, Path]:
    published = tmp_path / "published"
    shutil.copytree(SUPPLIERS, published)
    stage = tmp_path / "stage"
    stage.mkdir()
    shutil.copyfile(PARTNER, stage / PARTNER.name)
    (stage / "partenaire-mapping.toml").write_text(MAPPING, encoding="utf-8")
    (stage / "sources.toml").write_text(CANDIDATE, encoding="utf-8")
    return {"published": published, "stage": stage, "db": staff_db, "tmp": tmp_path}


def env_of(folders: dict[str, Path]) -> dict[str, str]:
    return {
        "COURT_CIRCUIT_DB": str(folders["db"]),
        "COURT_CIRCUIT_WORKSPACE": f"sqlite:///{folders['tmp'] / 'workspace.sqlite3'}",
    }


def test_read_table_reads_cp1252_semicolons_as_the_build_does(folders):
    code, answer = etl("read-table", str(folders["stage"] / PARTNER.name), env=env_of(folders))
    assert code == 0
    assert answer["headers"][:3] == ["N° adhérent", "Nom de l'exploitation", "Adresse"]
    assert answer["read"] == 7 and not answer["truncated"]
    assert answer["rows"][0]["Nom de l'exploitation"] == "Chèvrerie du Val de Dore"
    assert answer["rows"][0]["Latitude"] == "45,5562"


def test_read_table_reads_a_workbook_s_named_sheet(folders):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Producteurs")
    sheet.append(["Nom de l'exploitation", "Commune", "Latitude"])
    sheet.append(["Chèvrerie du Val de Dore", "Ambert", 45.5562])
    path = folders["tmp"] / "classeur.xlsx"
    book.save(path)
    code, answer = etl("read-table", str(path), "--sheet", "Producteurs", env=env_of(folders))
    assert code == 0, answer
    assert answer["headers"] == ["Nom de l'exploitation", "Commune", "Latitude"]
    assert answer["rows"] == [{"Nom de l'exploitation": "Chèvrerie du Val de Dore", "Commune": "Ambert",
                               "Latitude": "45.5562"}]  # fmt: skip
    code, answer = etl("read-table", str(path), "--sheet", "Absente", env=env_of(folders))
    assert code == 1 and "feuille « Absente » absente" in answer["error"]


def test_read_table_refuses_a_bad_file_in_french(folders):
    bad = folders["tmp"] / "classeur.xlsx"
    bad.write_bytes(b"PK\x03\x04 pas un classeur")
    code, answer = etl("read-table", str(bad), env=env_of(folders))
    assert code == 1
    assert "n'est pas un classeur XLSX lisible" in answer["error"]


def test_check_source_accounts_for_every_row_and_leaves_the_published_db_alone(folders):
    before = hashlib.sha256(folders["db"].read_bytes()).hexdigest()
    code, answer = etl(
        "check-source", "--sources", str(folders["published"] / "sources.toml"),
        "--candidate", str(folders["stage"] / "sources.toml"), "--db", str(folders["db"]),
        env=env_of(folders),
    )  # fmt: skip
    assert code == 0, answer
    assert answer["counts"] == {"read": 7, "loaded": 6, "merged": 0, "rejected": 1}
    assert answer["accounted"] and all(
        s["read"] == s["loaded"] + s["merged"] + s["rejected"] for s in answer["sources"].values()
    )
    first = answer["preview"][0]
    assert (first["name"], first["commune_insee"], first["lat"]) == (
        "Chèvrerie du Val de Dore",
        "63003",
        45.5562,
    )
    assert first["products"] == ["fromages"] and first["labels"] == ["aop"]
    assert first["channels"] == ["vente_ferme", "amap"]
    assert [r["ref"] for r in answer["rejected_rows"]] == ["ADH-07"]
    assert "nom manquant" in answer["rejected_rows"][0]["reason"]
    assert any(c["value"] == "Fromages de chèvre" for c in answer["corrected"])
    (twin,) = answer["duplicates"]
    assert (twin["ref"], twin["other_ref"], twin["listing_name"], twin["merged"]) == (
        "ADH-03", "T03", "Rucher Sans Rayon", False,
    )  # fmt: skip
    assert answer["changes"]["new"] == 6 and answer["changes"]["removed"] == []
    assert hashlib.sha256(folders["db"].read_bytes()).hexdigest() == before


def test_check_source_refuses_a_path_out_of_the_sources_folder(folders):
    (folders["stage"] / "sources.toml").write_text(
        CANDIDATE.replace('"producteurs-ambert.csv"', '"../../etc/passwd"'), encoding="utf-8"
    )
    code, answer = etl(
        "check-source", "--sources", str(folders["published"] / "sources.toml"),
        "--candidate", str(folders["stage"] / "sources.toml"), "--db", str(folders["db"]),
        env=env_of(folders),
    )  # fmt: skip
    assert code == 1
    assert "sort du dossier des sources" in answer["error"]


def test_check_source_refuses_a_file_whose_every_row_is_rejected(folders):
    """A name column that is empty in every row: nothing publishable, said in French (exit 1)."""
    mapping = MAPPING.replace('name = "Nom de l\'exploitation"', 'name = "Courriel"')
    (folders["stage"] / "partenaire-mapping.toml").write_text(mapping, encoding="utf-8")
    lines = (folders["stage"] / PARTNER.name).read_bytes().decode("cp1252").splitlines()
    header, *rows = lines
    keep = [r for r in rows if r.split(";")[8] == ""]  # rows without an e-mail
    (folders["stage"] / PARTNER.name).write_bytes("\r\n".join([header, *keep]).encode("cp1252"))
    code, answer = etl(
        "check-source", "--sources", str(folders["published"] / "sources.toml"),
        "--candidate", str(folders["stage"] / "sources.toml"), "--db", str(folders["db"]),
        env=env_of(folders),
    )  # fmt: skip
    assert code == 1
    assert "partenaire" in answer["error"] and "toutes été rejetées" in answer["error"]
