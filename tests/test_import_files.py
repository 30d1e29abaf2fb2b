"""The import wizard's files and commands below the UI: a partner published into the data folder
(an entry the build accepts, undone on refusal), one publication at a time, the command runner's
French errors and the build's progress as it reads each source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courtcircuit.import_files import (
    check_name,
    partner_mapping,
    partners,
    publication_lock,
    publish_files,
    source_names,
)
from courtcircuit.import_runner import ImportFailed, etl_json, run_build
from etl.sources import load_sources

REPO = Path(__file__).resolve().parents[1]
PARTNER = REPO / "tests" / "fixtures" / "partner"
SUPPLIERS = REPO / "tests" / "fixtures" / "suppliers"


@pytest.fixture
def published(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "published"
    shutil.copytree(SUPPLIERS, folder)
    monkeypatch.setenv("COURT_CIRCUIT_DATA_DIR", str(tmp_path / "donnees"))
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    return folder / "sources.toml"


def publish(sources: Path, name: str = "partenaire-ambert", suffix: str = ".csv"):
    content = (PARTNER / "producteurs-ambert.csv").read_bytes()
    mapping = (PARTNER / "partenaire-mapping.toml").read_text(encoding="utf-8")
    return publish_files(sources, name, "Partenaire (fictif)", suffix, content, mapping)


def test_a_new_partner_is_an_entry_the_build_accepts_in_the_data_folder(published, tmp_path):
    before = published.read_bytes()
    done = publish(published)
    (entry,) = [s for s in load_sources(published) if s.name == "partenaire-ambert"]
    assert entry.path == (tmp_path / "donnees" / "partenaire-ambert.csv").resolve()
    assert entry.mapping == (tmp_path / "donnees" / "partenaire-ambert-mapping.toml").resolve()
    assert source_names(published) == ["rayons", "partenaire-ambert"]
    (partner,) = [p for p in partners(published) if p.name == "partenaire-ambert"]
    assert partner_mapping(partner)["values"]["products"] == {"Tomme maison": "fromages"}
    done.undo()
    assert published.read_bytes() == before
    assert list((tmp_path / "donnees").iterdir()) == []


def test_an_existing_partner_s_files_are_replaced_where_its_entry_points(published):
    shutil.copyfile(
        PARTNER / "producteurs-ambert.csv", published.parent / "producers.csv"
    )  # as if sent before
    before = published.read_bytes()
    with pytest.raises(ImportFailed, match=r"était un \.csv"):
        publish(published, "rayons", ".xlsx")
    done = publish(published, "rayons")
    assert published.read_bytes() == before  # no new entry
    assert "Tomme maison" in (published.parent / "producers-mapping.toml").read_text(encoding="utf-8")
    done.undo()
    assert "Tomme maison" not in (published.parent / "producers-mapping.toml").read_text(encoding="utf-8")


def test_names_and_concurrent_publications_are_refused_in_french(published):
    for bad in ("A", "../etc", "nom avec espaces", "x" * 41):
        with pytest.raises(ImportFailed, match="minuscules"):
            check_name(bad)
    assert check_name(" chambre-43 ") == "chambre-43"
    busy = pytest.raises(ImportFailed, match="une autre publication est en cours")
    with publication_lock(published), busy, publication_lock(published):
        pass
    with publication_lock(published):
        pass  # released


def test_the_runner_turns_failures_into_french_messages(tmp_path):
    with pytest.raises(ImportFailed, match="fichier introuvable"):
        etl_json(["read-table", str(tmp_path / "absent.csv")], timeout=120)
    with pytest.raises(ImportFailed, match="a dépassé"):
        etl_json(["read-table", str(PARTNER / "producteurs-ambert.csv")], timeout=0.001)


def test_the_build_reports_its_progress_source_by_source(published, tmp_path):
    publish(published)
    seen: list[tuple[float, str]] = []
    outcome = run_build(published, tmp_path / "built.duckdb", source_names(published),
                        lambda share, text: seen.append((share, text)))  # fmt: skip
    assert outcome.ok, outcome.output
    shares = [share for share, _ in seen]
    assert shares == sorted(shares) and shares[-1] == 1.0
    assert any("« partenaire-ambert »" in text for _, text in seen)
    assert any(text.startswith("Fusion des doublons") for _, text in seen)
