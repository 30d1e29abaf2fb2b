"""The browserless load driver (bench/protocol_load.py) against a real app server: searches that
show their result count, and a run that goes wrong counts as an error, not as a search.

Marked `load` (run alone, after the others, like the browser load test): it keeps a server busy.
"""

from __future__ import annotations

import pytest

from bench.protocol_load import drive, top_costs
from bench.serving import APP_ENV
from tests.browser import streamlit_process

pytestmark = pytest.mark.load


def test_sessions_count_searches_and_errors(small_build, tmp_path) -> None:
    env = {**APP_ENV, "COURT_CIRCUIT_WORKSPACE": f"sqlite:///{tmp_path / 'workspace.sqlite3'}"}
    with streamlit_process(small_build.db, tmp_path, env=env, log=tmp_path / "app.log") as (url, _):
        tally, elapsed = drive(url, sessions=2, seconds=3)
        assert tally.errors == []
        # Each session searches at least once, then again until the time is up (a fresh server
        # on a busy machine may take more than the 3 s for a first search).
        assert len(tally.times) >= 2
        assert all(0 < t <= elapsed for t in tally.times)
        assert dict(tally.servers) == {"direct": 2}  # one websocket per session, no proxy

        # An address of a page the app does not have: Streamlit runs the default page (whose
        # heading is there) and says page_not_found; every such run is an error.
        broken, _ = drive(url, sessions=2, seconds=0, page="nulle-part")
        assert broken.times == []
        assert len(broken.errors) == 2
        assert all("page not found: 'nulle-part'" in e for e in broken.errors)


def test_profile_summary_counts_each_function_once_per_stack() -> None:
    raw = "\n".join(
        [
            "run (streamlit/x.py:1);<module> (app.py:1);search (courtcircuit/search.py:9);f (ui/a.py:3);f (ui/a.py:3) 7",
            "run (streamlit/x.py:1);<module> (app.py:1);g (ui/b.py:5) 2",
            "select (selectors.py:4) 11",
        ]
    )
    total, top = top_costs(raw)
    assert total == 20
    assert dict((frame, k) for k, frame in top) == {
        "<module> (app.py:1)": 9,
        "search (courtcircuit/search.py:9)": 7,
        "f (ui/a.py:3)": 7,
        "g (ui/b.py:5)": 2,
    }
