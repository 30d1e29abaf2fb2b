"""A rebuild reaches a running server (issue 8, « Faults »): new sessions and open ones alike.

Issue 8 rebuilt the directory six times under a running app (413 to 5,413 listings) and
/annuaire said 413 until a restart. Here a real `streamlit run` serves a copy of the fixture
directory; the file is rebuilt underneath with fewer listings and swapped in the ETL's way
(etl.publish.swap_in); an open search session and a new session must show the new counts,
and the server must let go of the replaced file once no run reads it.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from courtcircuit.db import connect
from courtcircuit.elision import de
from courtcircuit.search import PARIS, search
from courtcircuit.search_state import parse
from etl.publish import swap_in
from tests.browser import IDLE, chromium_browser, streamlit_process

pytestmark = pytest.mark.browser

T = 60_000
AMBERT = {"lieu": "Ambert (63600)", "lat": "45.54901", "lon": "3.74320"}
KEPT = 3  # listings left in the rebuilt file


def _search_count(db: Path, radius: int) -> int:
    state, _ = parse({**AMBERT, "rayon": str(radius)})
    con = connect(db, read_only=True)
    try:
        return search(con, state.area, state.filters, now=datetime.now(PARIS)).total
    finally:
        con.close()


def _active(db: Path) -> int:
    con = connect(db, read_only=True, spatial=False)
    try:
        return con.execute("SELECT count(*) FROM listings WHERE status = 'active'").fetchone()[0]
    finally:
        con.close()


def _smaller_copy(source: Path, target: Path) -> None:
    """The same directory with only KEPT active listings: what a rebuild with other sources gives."""
    shutil.copyfile(source, target)
    con = connect(target, read_only=False, spatial=False)
    try:
        con.execute(
            "DELETE FROM listings WHERE id NOT IN "
            "(SELECT id FROM listings WHERE status = 'active' ORDER BY id LIMIT ?)",
            [KEPT],
        )
    finally:
        con.close()


def _holds_replaced_file(pid: int, db: Path) -> bool:
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == f"{db} (deleted)":
                return True
        except OSError:  # closed meanwhile
            continue
    return False


def _heading(count: int, radius: int) -> str:
    word = "Aucun lieu" if count == 0 else f"{count} lieu" + ("x" if count > 1 else "")
    return f"{word} à moins de {radius} km {de(AMBERT['lieu'])}"


def test_a_rebuilt_directory_reaches_open_and_new_sessions(small_build, tmp_path, monkeypatch):
    monkeypatch.setenv("COURT_CIRCUIT_WORKSPACE", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    db = tmp_path / "serving" / "court-circuit.duckdb"
    db.parent.mkdir()
    shutil.copyfile(small_build.db, db)
    rebuilt = tmp_path / "court-circuit.duckdb.tmp-build"
    _smaller_copy(small_build.db, rebuilt)
    before, after = _active(db), _active(rebuilt)
    near_before, near_after = _search_count(db, 50), _search_count(rebuilt, 50)
    assert before > after == KEPT and near_before != near_after  # else the test could not fail

    query = "&".join(f"{k}={v}" for k, v in {**AMBERT, "rayon": "30"}.items()).replace(" ", "+")
    with (
        streamlit_process(db, tmp_path, log=tmp_path / "streamlit.log") as (url, server),
        chromium_browser(tmp_path) as browser,
    ):
        pid = server.pid
        open_session = browser.new_context().new_page()
        open_session.set_default_timeout(T)
        open_session.goto(f"{url}/?{query}", wait_until="domcontentloaded")
        expect(open_session.get_by_role("heading", name=re.compile("à moins de 30 km"))).to_be_visible(
            timeout=T
        )
        overview = browser.new_context().new_page()
        overview.set_default_timeout(T)
        overview.goto(f"{url}/annuaire", wait_until="domcontentloaded")
        expect(overview.get_by_role("heading", name=f"{before} lieux dans l'annuaire")).to_be_visible(
            timeout=T
        )

        swapped = time.monotonic()
        swap_in(rebuilt, db)  # the server is not told: it must notice

        # A session opened before the rebuild: its next search reads the new file.
        open_session.locator(IDLE).wait_for()
        open_session.get_by_role("combobox", name="Rayon").click()
        open_session.get_by_role("option", name="50 km", exact=True).click()
        expect(open_session.get_by_role("heading", name=_heading(near_after, 50))).to_be_visible(timeout=T)
        seen_open = time.monotonic() - swapped
        # A new session.
        fresh = browser.new_context().new_page()
        fresh.set_default_timeout(T)
        fresh.goto(f"{url}/annuaire", wait_until="domcontentloaded")
        expect(fresh.get_by_role("heading", name=f"{after} lieux dans l'annuaire")).to_be_visible(timeout=T)
        seen_new = time.monotonic() - swapped
        assert fresh.locator('[data-testid="stException"]').count() == 0
        assert open_session.locator('[data-testid="stException"]').count() == 0

        # No run reads the replaced file any more: the server closes it (polled, not slept).
        fresh.locator(IDLE).wait_for()
        open_session.locator(IDLE).wait_for()
        deadline = time.monotonic() + T / 1000
        while _holds_replaced_file(pid, db):
            assert time.monotonic() < deadline, "the server still holds the replaced directory file"
            fresh.wait_for_timeout(200)
    print(
        f"\nrebuild {before} -> {after} listings: open session {seen_open:.1f} s, new session {seen_new:.1f} s"
    )
