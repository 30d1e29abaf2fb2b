"""Hostile source files (issue 8, section 4): a French answer, the previous database whole, no row lost.

The corpus and how a case runs are in tests/hostile_corpus.py; each case's row in
docs/SECURITY.md must match what the build does today.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from courtcircuit.db import connect
from etl.__main__ import main
from etl.build import remove_stale_temporaries
from tests.conftest import FIXTURES
from tests.hostile_corpus import (
    CASES,
    HOSTILE,
    TABLE_HEADER,
    WITNESS_ROWS,
    documented_table,
    run_case,
    table_row,
)


def names(db: Path, source: str = "hostile") -> list[str]:
    with connect(db, read_only=True) as con:
        rows = con.execute(
            "SELECT l.name FROM listings l JOIN listing_sources s ON s.listing_id = l.id "
            "WHERE s.source = ? ORDER BY s.source_ref",
            [source],
        ).fetchall()
    return [name for (name,) in rows]


def field_notes(db: Path) -> list[tuple[str, str, str]]:
    with connect(db, read_only=True) as con:
        return con.execute(
            "SELECT field, value, reason FROM rejected WHERE source = 'hostile' AND scope = 'field'"
        ).fetchall()


def _jinja_kept_as_text_and_flagged(db: Path) -> None:
    kept = [n for n in names(db) if "{" in n]
    assert "Ferme {{ 7*7 }}" in kept and "Ferme {# commentaire #}" in kept
    flagged = {value for field, value, reason in field_notes(db) if field == "name" and "gabarit" in reason}
    assert set(kept) <= flagged
    assert not Path("/tmp/cc-pwned").exists()


def _no_invisible_character(db: Path) -> None:
    found = names(db)
    assert found and not any(
        ch in name for name in found for ch in "\u200b\u2060\u202e\u2066\u2069\ufeff\u200d"
    )


def _cp1252_row_decoded_apart(db: Path) -> None:
    assert names(db) == ["Marché des Genêts", "Marché de la Forêt", "Marché de l'Épine"]


def _formulas_stored_as_written(db: Path) -> None:
    assert names(db)[0] == '=HYPERLINK("http://evil.example","clic")'


def _the_non_empty_name_wins(db: Path) -> None:
    assert names(db) == ["Marché de Cunlhat", "Marché d'Olliergues", "Marché de Viverols"]


def _every_row_past_the_dimension(db: Path) -> None:
    assert len(names(db)) == 50


DB_CHECKS: dict[str, Callable[[Path], None]] = {
    "osm-texte-hostile.overpass.json": _jinja_kept_as_text_and_flagged,
    "marches-invisibles.csv": _no_invisible_character,
    "osm-invisibles.overpass.json": _no_invisible_character,
    "marches-une-ligne-cp1252.csv": _cp1252_row_decoded_apart,
    "marches-formules.csv": _formulas_stored_as_written,
    "marches-nom-en-double.csv": _the_non_empty_name_wins,
    "producteurs-dimension-fausse.xlsx": _every_row_past_the_dimension,
}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hostile_file_gets_a_french_answer_and_loses_nothing(case, tmp_path, small_build):
    outcome = run_case(case, tmp_path, small_build.db)
    assert "Traceback" not in outcome.output
    assert outcome.exit_code == case.exit_code, outcome.output
    assert case.expect in outcome.output + "\n".join(outcome.reasons), outcome.output
    if outcome.exit_code:
        assert outcome.previous_kept, "a refused build changed the previous database"
    else:
        assert outcome.witness_loaded == WITNESS_ROWS
        assert outcome.lost == 0
        for count, expected in case.published.items():
            assert getattr(outcome, count) == expected, count
        if case.file in DB_CHECKS:
            DB_CHECKS[case.file](tmp_path / "annuaire.duckdb")
    assert outcome.handled
    assert table_row(outcome) in documented_table(), (
        "docs/SECURITY.md is out of date: run `python -m tests.hostile_corpus --write`"
    )


def test_the_security_doc_lists_every_case_and_no_lost_row():
    table = documented_table()
    assert TABLE_HEADER in table
    assert table.count("\n| `") == len(CASES)
    assert f"**{len(CASES)} fichiers essayés, {len(CASES)} traités**" in table
    assert "**0 ligne perdue**" in table
    assert len(CASES) >= 30 and len(list(HOSTILE.iterdir())) >= 30


def test_a_source_failing_whole_can_be_skipped_loudly_with_exit_code_3(tmp_path, capsys):
    shutil.copy(HOSTILE / "temoin.csv", tmp_path)
    shutil.copy(HOSTILE / "osm-vide.overpass.json", tmp_path)
    (tmp_path / "s.toml").write_text(
        '[[source]]\nname = "temoin"\nformat = "markets-table"\npath = "temoin.csv"\n'
        '[[source]]\nname = "osm"\nformat = "osm-overpass"\npath = "osm-vide.overpass.json"\n'
    )
    db = tmp_path / "a.duckdb"
    argv = ["build", "--db", str(db), "--sources", str(tmp_path / "s.toml"), "--quiet"]
    assert main(argv) == 2 and not db.exists()
    assert "ÉCHEC DE LA CONSTRUCTION" in capsys.readouterr().err
    assert main([*argv, "--skip-failed-sources"]) == 3
    err = capsys.readouterr().err
    assert (
        "base publiée SANS 1 source(s) en échec" in err and "« osm » : osm-vide.overpass.json est vide" in err
    )
    assert len(names(db, "temoin")) == WITNESS_ROWS


def test_paths_may_point_into_the_configured_data_folder(tmp_path, monkeypatch, capsys):
    data = tmp_path / "donnees"
    data.mkdir()
    shutil.copy(HOSTILE / "temoin.csv", data)
    config = tmp_path / "config"
    config.mkdir()
    (config / "s.toml").write_text(
        f'[[source]]\nname = "temoin"\nformat = "markets-table"\npath = "{data}/temoin.csv"\n'
    )
    argv = ["build", "--db", str(tmp_path / "a.duckdb"), "--sources", str(config / "s.toml"), "--quiet"]
    assert main(argv) == 1 and "sort du dossier des sources" in capsys.readouterr().err
    monkeypatch.setenv("COURT_CIRCUIT_DATA_DIR", str(data))
    assert main(argv) == 0


def test_a_symbolic_link_out_of_the_sources_folder_is_refused(tmp_path, capsys):
    (tmp_path / "lien.csv").symlink_to("/etc/passwd")
    (tmp_path / "s.toml").write_text('[[source]]\nname = "x"\nformat = "amap-table"\npath = "lien.csv"\n')
    assert main(["build", "--db", str(tmp_path / "a.duckdb"), "--sources", str(tmp_path / "s.toml")]) == 1
    assert "sort du dossier des sources" in capsys.readouterr().err


def test_temporary_files_of_a_killed_build_are_removed_by_the_next(tmp_path):
    db = tmp_path / "annuaire.duckdb"
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = [tmp_path / f"annuaire.duckdb.tmp-{dead.pid}", tmp_path / f"annuaire.duckdb.tmp-{dead.pid}.wal"]
    alive = tmp_path / f"annuaire.duckdb.tmp-{os.getpid()}"  # a build still writing: left alone
    other = tmp_path / "autre.duckdb.tmp-1"
    for path in (*stale, alive, other):
        path.write_bytes(b"x")
    assert sorted(remove_stale_temporaries(db)) == sorted(stale)
    assert alive.exists() and other.exists() and not any(p.exists() for p in stale)


def test_a_build_cleans_the_leftovers_of_a_killed_one(tmp_path, communes):
    from etl.build import build
    from etl.sources import load_sources

    shutil.copy(FIXTURES / "markets-small.csv", tmp_path)
    (tmp_path / "s.toml").write_text(
        '[[source]]\nname = "m"\nformat = "markets-table"\npath = "markets-small.csv"\n'
    )
    dead = subprocess.Popen(["true"])
    dead.wait()
    leftover = tmp_path / f"a.duckdb.tmp-{dead.pid}"
    leftover.write_bytes(b"half-written")
    report = build(tmp_path / "a.duckdb", load_sources(tmp_path / "s.toml"), decisions=None, progress=False,
                   communes=communes)  # fmt: skip
    assert not leftover.exists()
    assert report.messages == [f"fichier temporaire abandonné supprimé : {leftover.name}"]
