"""The whole build on the fixture sources: accounting, safety, stability, data checks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from courtcircuit.db import connect
from courtcircuit.open_data import open_data_folder
from etl.build import SourcesFailed, build
from etl.checks import DataCheckFailed, run_checks
from etl.publish import HILBERT
from etl.sources import load_sources
from tests.conftest import FIXTURES, SHARED_OSM

REPO = Path(__file__).resolve().parents[1]


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    # The project's connect(): same configuration as the app's cached connection in this process.
    with connect(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_nothing_lost_read_equals_loaded_plus_merged_plus_rejected(small_build):
    for name, s in small_build.stats.items():
        assert s["read"] == s["loaded"] + s["merged"] + s["rejected"], name
    db = small_build.db
    # the same equation from the published tables alone
    per_source = query(
        db,
        "SELECT s.name, s.read, (SELECT count(*) FROM listing_sources l WHERE l.source = s.name) "
        "+ (SELECT count(*) FROM rejected r WHERE r.source = s.name AND r.scope = 'record') FROM sources s",
    )
    for name, read, accounted in per_source:
        assert read == accounted, name


def test_counts_on_the_fixture_sources(small_build):
    stats = small_build.stats
    assert stats["osm"] == {"read": 11, "loaded": 4, "merged": 2, "rejected": 5}
    assert stats["chambre"]["rejected"] == 3
    assert small_build.listings == 15


def test_every_rejection_has_source_ref_and_reason(small_build):
    rows = query(small_build.db, "SELECT source, record_ref, reason FROM rejected WHERE scope = 'record'")
    refs = {(s, r) for s, r, _ in rows}
    assert ("osm", "node/1004") in refs  # HTML in the name
    assert ("osm", "node/1006") in refs  # at sea
    assert ("pnr", "PNR-4") in refs  # unknown kind
    assert all(reason for *_, reason in rows)


def test_duplicates_across_three_sources_become_one_listing_with_provenance(small_build):
    (row,) = query(
        small_build.db,
        "SELECT l.name, l.sources, l.labels, json_extract_string(field_provenance, '$.name.source') "
        "FROM listings l WHERE list_contains(sources, 'pnr') AND kind = 'producteur'",
    )
    assert row == ("GAEC Les Combes", ["chambre", "osm", "pnr"], ["ab", "aop", "valeurs_parc"], "chambre")


def test_producer_outlet_links_are_published(small_build):
    links = query(
        small_build.db,
        "SELECT p.name, o.name FROM listing_links k JOIN listings p ON p.id = k.producer_id "
        "JOIN listings o ON o.id = k.outlet_id ORDER BY 1, 2",
    )
    assert links == [
        ("Ferme Roux", "Marché d'Ambert"),
        ("GAEC Les Combes", "AMAP du Livradois"),
        ("GAEC Les Combes", "Marché d'Ambert"),
    ]


def test_weekly_opening_slots_answer_saturday_morning(small_build):
    names = query(
        small_build.db,
        "SELECT DISTINCT l.name FROM opening_slots s JOIN listings l ON l.id = s.listing_id "
        "WHERE s.weekday = ? AND s.start_minute < ? AND s.end_minute > ?",
        [5, 12 * 60, 9 * 60],
    )
    assert names == [("GAEC Les Combes",)]


def test_rows_are_hilbert_ordered_and_have_a_geometry(small_build):
    (n,) = query(small_build.db, "SELECT count(*) FROM listings WHERE geom IS NULL")[0]
    assert n == 0
    keys = [k for (k,) in query(small_build.db, f"SELECT {HILBERT} FROM listings ORDER BY rowid")]  # noqa: S608
    assert len(set(keys)) > 5 and keys == sorted(keys)  # stored in the order the bounding box relies on


def test_data_checks_catch_a_bad_code(small_build, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(small_build.db.read_bytes())
    with connect(copy, read_only=False) as con:
        con.execute("UPDATE listings SET products = ['caviar'] WHERE name = 'Ferme Roux'")
        with pytest.raises(DataCheckFailed, match=r"« produits dans le vocabulaire » : 1 ligne.* chambre P2"):
            run_checks(con)


def test_rebuild_keeps_ids(small_build, tmp_path, communes):
    db = tmp_path / "a.duckdb"
    sources = load_sources(FIXTURES / "sources-small.toml")
    build(db, sources, decisions=None, progress=False, communes=communes)
    first = query(db, "SELECT id, name FROM listings ORDER BY id")
    build(db, sources, decisions=None, progress=False, communes=communes)
    assert query(db, "SELECT id, name FROM listings ORDER BY id") == first
    assert first == query(small_build.db, "SELECT id, name FROM listings ORDER BY id")


def test_an_interrupted_build_leaves_the_previous_database_intact(small_build, tmp_path, communes):
    db = tmp_path / "b.duckdb"
    sources = load_sources(FIXTURES / "sources-small.toml")
    build(db, sources, decisions=None, progress=False, communes=communes)
    before = query(db, "SELECT count(*) FROM listings")

    def interrupt(_tmp: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(db, sources[:1], decisions=None, progress=False, communes=communes, before_swap=interrupt)
    assert query(db, "SELECT count(*) FROM listings") == before
    # the open-data files of the first build stay, in one folder behind its link (etl/open_data.py)
    opendata = open_data_folder(db)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["b.duckdb", "b.duckdb.lock", opendata.name, opendata.resolve().name]
    )


def test_a_killed_build_process_leaves_the_previous_database_readable(tmp_path):
    db = tmp_path / "c.duckdb"
    cmd = [sys.executable, "-m", "etl", "build", "--db", str(db), "--quiet",
           "--sources", str(FIXTURES / "sources-small.toml")]  # fmt: skip
    subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
    before = query(db, "SELECT id FROM listings ORDER BY id")
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.kill()
    proc.wait()
    assert query(db, "SELECT id FROM listings ORDER BY id") == before


def test_two_builds_at_once_both_succeed_one_after_the_other(tmp_path):
    db = tmp_path / "d.duckdb"
    cmd = [sys.executable, "-m", "etl", "build", "--db", str(db), "--quiet",
           "--sources", str(FIXTURES / "sources-small.toml")]  # fmt: skip
    procs = [
        subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    assert query(db, "SELECT count(*) FROM listings") == [(15,)]


def test_cli_reports_a_bad_sources_file_without_traceback(tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text("[[source]]\nname = 'x'\n")
    run = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--db", str(tmp_path / "x.duckdb"), "--sources", str(bad)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "champ(s) manquant(s)" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.realosm
@pytest.mark.skipif(not SHARED_OSM.exists(), reason="../shared/data/osm is not beside this checkout")
def test_real_osm_extract_builds_with_every_element_accounted_for(tmp_path, communes, monkeypatch):
    import json

    monkeypatch.setenv("COURT_CIRCUIT_DATA_DIR", str(SHARED_OSM.parent))

    (tmp_path / "s.toml").write_text(
        f'[[source]]\nname = "osm-grand-est"\nformat = "osm-overpass"\npath = "{SHARED_OSM}"\nprecedence = 50\n'
    )
    report = build(tmp_path / "osm.duckdb", load_sources(tmp_path / "s.toml"), decisions=None, progress=False,
                   communes=communes)  # fmt: skip
    elements = len(json.loads(SHARED_OSM.read_text())["elements"])
    s = report.stats["osm-grand-est"]
    assert s["read"] == elements == s["loaded"] + s["merged"] + s["rejected"]
    assert s["loaded"] > 0.95 * elements
    # Grand Est départements only: the commune lookup placed every listing in one of them
    deps = query(tmp_path / "osm.duckdb", "SELECT DISTINCT left(commune_insee, 2) FROM listings ORDER BY 1")
    assert {d for (d,) in deps} <= {"08", "10", "51", "52", "54", "55", "57", "67", "68", "88"}


def test_sources_that_yield_nothing_keep_the_previous_database(small_build, tmp_path):
    db = tmp_path / "e.duckdb"
    db.write_bytes(small_build.db.read_bytes())
    (tmp_path / "bad.json").write_text("{nope")
    (tmp_path / "s.toml").write_text(
        '[[source]]\nname = "x"\nformat = "markets-table"\npath = "absent.csv"\n'
        '[[source]]\nname = "y"\nformat = "osm-overpass"\npath = "bad.json"\n'
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "build",
            "--db",
            str(db),
            "--quiet",
            "--sources",
            str(tmp_path / "s.toml"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "ÉCHEC DE LA CONSTRUCTION" in run.stderr
    assert "fichier introuvable" in run.stderr and "JSON Overpass valide" in run.stderr
    assert query(db, "SELECT count(*) FROM listings") == [(15,)]


def test_a_source_whose_file_is_missing_stops_the_build(tmp_path, communes):
    shutil.copy(FIXTURES / "markets-small.csv", tmp_path)
    (tmp_path / "s.toml").write_text(
        '[[source]]\nname = "ok"\nformat = "markets-table"\npath = "markets-small.csv"\n'
        '[[source]]\nname = "gone"\nformat = "amap-table"\npath = "absent.csv"\n'
    )
    with pytest.raises(SourcesFailed, match="« gone » : fichier introuvable") as caught:
        build(tmp_path / "f.duckdb", load_sources(tmp_path / "s.toml"), decisions=None, progress=False,
              communes=communes)  # fmt: skip
    assert caught.value.failures.keys() == {"gone"}
    assert not (tmp_path / "f.duckdb").exists()


def test_with_skip_failed_sources_the_others_load_and_the_failure_is_published(tmp_path, communes):
    shutil.copy(FIXTURES / "markets-small.csv", tmp_path)
    (tmp_path / "s.toml").write_text(
        '[[source]]\nname = "ok"\nformat = "markets-table"\npath = "markets-small.csv"\n'
        '[[source]]\nname = "gone"\nformat = "amap-table"\npath = "absent.csv"\n'
    )
    report = build(tmp_path / "f.duckdb", load_sources(tmp_path / "s.toml"), decisions=None, progress=False,
                   communes=communes, allow_failed_sources=True)  # fmt: skip
    assert report.stats["ok"]["loaded"] == 3 and report.stats["gone"]["read"] == 0
    assert report.failed.keys() == {"gone"}
    (row,) = query(
        tmp_path / "f.duckdb", "SELECT record_ref, scope, reason FROM rejected WHERE source = 'gone'"
    )
    assert row[:2] == ("(fichier)", "source") and "introuvable" in row[2]
