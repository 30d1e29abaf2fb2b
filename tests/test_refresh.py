"""`python -m etl refresh [SOURCE…]` end to end against a real local HTTP server: live sources
fetched then built, a service down keeping its source's previous file (exit code 4), the run log
kept across runs, and the live keys of the sources file checked with French messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from courtcircuit.run_log import read_runs, run_log_path
from etl.__main__ import EXIT_NOT_BUILT, EXIT_OK, EXIT_STALE, main
from etl.connectors.sirene import establishment_state
from etl.sources import SourcesFileError, load_sources
from tests.connectors_server import RECORDED, recorded_server


@pytest.fixture
def quick_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURT_CIRCUIT_HTTP_RETRIES", "1")
    monkeypatch.setenv("COURT_CIRCUIT_HTTP_BACKOFF", "0")
    monkeypatch.setenv("COURT_CIRCUIT_HTTP_TIMEOUT", "2")


def sources_file(folder: Path, url: str) -> Path:
    shutil.copy(RECORDED / "agencebio-operateurs.json", folder / "bio.json")  # the previous refresh's file
    (folder / "amap.csv").write_bytes((Path(__file__).parent / "fixtures" / "amap-small.csv").read_bytes())
    path = folder / "sources.toml"
    path.write_text(
        f'[[source]]\nname = "carte"\nformat = "gogocarto"\npath = "carte.json"\nurl = "{url}/carte"\n'
        "bounds = [3.3, 45.2, 4.0, 45.9]\n\n"
        f'[[source]]\nname = "bio"\nformat = "agencebio"\npath = "bio.json"\nurl = "{url}/down"\n'
        'territory = "63"\n\n'
        '[[source]]\nname = "amap"\nformat = "amap-table"\npath = "amap.csv"\n',
        encoding="utf-8",
    )
    return path


def run(command: list[str], sources: Path, db: Path) -> int:
    return main([*command, "--sources", str(sources), "--db", str(db), "--quiet", "--no-workspace"])


def test_refresh_fetches_builds_and_keeps_the_previous_file_of_a_service_down(
    tmp_path: Path, quick_http: None, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "annuaire.duckdb"
    with recorded_server({"/carte/api/elements.json": "gogocarto-elements.json"}) as server:
        sources = sources_file(tmp_path, server.url)
        assert run(["refresh"], sources, db) == EXIT_STALE
    assert (tmp_path / "carte.json").read_bytes() == (RECORDED / "gogocarto-elements.json").read_bytes()
    assert (tmp_path / "bio.json").read_bytes() == (RECORDED / "agencebio-operateurs.json").read_bytes()
    err = capsys.readouterr().err
    assert "source(s) non téléchargée(s) ; la base est construite avec leurs fichiers précédents" in err
    assert "L'API de l'Agence BIO est injoignable ou en panne (HTTP 503" in err
    runs = {r.source: r for r in read_runs(run_log_path(db))}
    assert set(runs) == {"carte", "bio", "amap"}
    carte, bio, amap = runs["carte"], runs["bio"], runs["amap"]
    assert (carte.command, carte.fetched, carte.published, carte.errors) == ("refresh", True, True, [])
    assert carte.read == carte.loaded + carte.merged + carte.rejected == 10
    assert bio.fetched is False and bio.published and "HTTP 503" in bio.errors[0]
    assert bio.read == 10  # the previous file, built
    assert amap.fetched is None  # a partner's file: nothing to fetch
    assert carte.seconds > 0 and carte.run == bio.run == amap.run


def test_the_run_log_is_kept_across_builds_and_notes_failures(tmp_path: Path, quick_http: None) -> None:
    db = tmp_path / "annuaire.duckdb"
    sources = sources_file(tmp_path, "http://127.0.0.1:9")
    assert run(["refresh", "nulle"], sources, db) == EXIT_NOT_BUILT  # an unknown source: nothing run
    shutil.copy(RECORDED / "gogocarto-elements.json", tmp_path / "carte.json")
    assert run(["build"], sources, db) == EXIT_OK
    (tmp_path / "carte.json").write_text("{", encoding="utf-8")
    assert run(["build"], sources, db) == 2  # the source failed whole: nothing published
    lines = (run_log_path(db)).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 + 3 + 3
    newest = {r.source: r for r in read_runs(run_log_path(db))[:3]}
    assert not newest["carte"].published and "n'est pas un JSON GoGoCarto valide" in newest["carte"].errors[0]
    oldest = [json.loads(line) for line in lines[:3]]
    assert all("source(s) inconnue(s) : nulle" in r["errors"][0] for r in oldest)
    (run_log_path(db)).write_text(lines[0] + "\n{pas du json\n", encoding="utf-8")
    assert len(read_runs(run_log_path(db))) == 1  # a damaged line is skipped


def test_refresh_of_a_source_with_nothing_to_fetch_is_refused(tmp_path: Path) -> None:
    sources = sources_file(tmp_path, "http://127.0.0.1:9")
    assert run(["refresh", "amap"], sources, tmp_path / "d.duckdb") == EXIT_NOT_BUILT


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('url = "file:///etc/passwd"', "« url » doit être une adresse http(s)"),
        ("bounds = [4.0, 45.2, 3.3, 45.9]", "« bounds » doit être [ouest, sud, est, nord]"),
        ('territory = "Puy-de-Dôme"', "« territory » doit lister des départements"),
        ('geocode = "oui"', "« geocode » doit valoir true ou false"),
        ("geocode_min_score = 2", "« geocode_min_score » doit être un nombre entre 0 et 1"),
    ],
)
def test_live_keys_are_checked_in_french(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "s.toml").write_text(
        f'[[source]]\nname = "a"\nformat = "gogocarto"\npath = "a.json"\n{line}\n', encoding="utf-8"
    )
    with pytest.raises(
        SourcesFileError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        load_sources(tmp_path / "s.toml")


def test_a_ceased_company_and_an_unknown_siret_in_the_directory_answers() -> None:
    ceased = json.loads((RECORDED / "entreprises-cessee.json").read_bytes())
    assert establishment_state(ceased, "44350287500018") == ("F", "C", "SARL LES VERGERS")
    empty = json.loads((RECORDED / "entreprises-vide.json").read_bytes())
    assert establishment_state(empty, "44350287500018") == (None, None, "")
