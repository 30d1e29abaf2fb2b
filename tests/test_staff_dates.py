"""Dates on the staff screen as French readers write them (issue 13, problem 10)."""

from __future__ import annotations

import pytest

from ui.staff_needs import received


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2026-11-30T10:00:00+00:00", "30/11/2026"),
        ("2026-11-30T23:30:00+00:00", "01/12/2026"),  # already the next day in Paris (UTC+1)
        ("2026-06-30T22:30:00", "01/07/2026"),  # SQLite gives UTC back without its zone; summer UTC+2
        ("pas une date", "pas une date"),  # shown as stored rather than hidden
    ],
)
def test_a_need_s_day_is_french_and_in_french_time(stored, shown):
    assert received(stored) == shown
