"""The staff space's « Imports » section (ui/staff_runs.py) through AppTest: the run log the
command line writes next to the database, each source's last run first, its errors shown."""

from __future__ import annotations

from pathlib import Path

from courtcircuit.run_log import SourceRun, append_runs, run_log_path
from courtcircuit.workspace.store import Store
from tests.test_app_staff import ADMIN, EDITOR, MODERATOR, frame, people, section, signed_in, store, texts

__all__ = ["people", "store"]  # fixtures used through their names


def test_editors_see_each_source_s_last_run_and_its_errors(people: Store, staff_db: Path) -> None:
    append_runs(
        run_log_path(staff_db),
        [
            SourceRun("2026-11-28T06:00:00+01:00", "refresh", "carte", "2026-11-28T06:00:00+01:00", 2.5, True,
                      10, 5, 1, 4, True),
            SourceRun("2026-11-29T06:00:00+01:00", "refresh", "carte", "2026-11-29T06:00:00+01:00", 3.0, False,
                      10, 5, 1, 4, True, ["La carte GoGoCarto est injoignable ou en panne (HTTP 503)"]),
            SourceRun("2026-11-29T06:00:00+01:00", "refresh", "amap", "2026-11-29T06:00:00+01:00", 0.2, None,
                      4, 3, 0, 1, True),
        ],
    )  # fmt: skip
    at = section(signed_in(EDITOR), "Imports")
    latest = frame(at, "Téléchargée")
    assert list(latest["Source"]) == ["amap", "carte"]  # newest line first, one per source
    assert list(latest["Téléchargée"]) == ["—", "ÉCHEC"]
    assert list(latest["Date"]) == ["29/11/2026 06:00", "29/11/2026 06:00"]
    assert (latest["Lues"][1], latest["Rejetées"][1]) == (10, 4)
    assert any(
        "carte (29/11/2026 06:00) : La carte GoGoCarto est injoignable" in w for w in texts(at.warning)
    )
    log = [d.value for d in at.dataframe if "Téléchargée" in d.value.columns][1]
    assert len(log) == 3


def test_without_a_run_the_section_says_how_the_log_fills(people: Store) -> None:
    at = section(signed_in(ADMIN), "Imports")
    assert any("python -m etl refresh" in i for i in texts(at.info))


def test_moderators_have_no_imports_section(people: Store) -> None:
    at = signed_in(MODERATOR)
    assert "Imports" not in at.radio(key="staff_section").options
