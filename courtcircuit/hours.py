"""Opening hours as people read them: the week ahead, today marked, open or closed now.

The database keeps the OSM ``opening_hours`` expression (checked at build time); the
opening-hours library evaluates it, so a "first Sunday of the month" market or a summer-only
season is answered for the actual dates, not for a typical week.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import opening_hours

DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class DayHours:
    day: datetime  # midnight of that day
    ranges: tuple[tuple[str, str], ...]  # ("09:00", "12:30"), …
    is_today: bool

    def label(self, lang: str = "fr") -> str:
        names = DAYS_EN if lang == "en" else DAYS_FR
        return f"{names[self.day.weekday()]} {self.day.day:02d}/{self.day.month:02d}"

    def text(self, lang: str = "fr") -> str:
        if not self.ranges:
            return "closed" if lang == "en" else "fermé"
        return ", ".join(f"{a}–{b}" for a, b in self.ranges)


@dataclass(frozen=True)
class OpenState:
    state: str  # "open", "closed" or "unknown"
    next_change: datetime | None

    def text(self, lang: str = "fr") -> str:
        nxt = ""
        if self.next_change is not None:
            when = f"{DAYS_FR[self.next_change.weekday()]} {self.next_change:%H:%M}"
            nxt = f" jusqu'à {self.next_change:%H:%M}" if self.state == "open" else f", ouvre {when}"
            if lang == "en":
                when = f"{DAYS_EN[self.next_change.weekday()]} {self.next_change:%H:%M}"
                nxt = f" until {self.next_change:%H:%M}" if self.state == "open" else f", opens {when}"
        if self.state == "open":
            return ("Open now" if lang == "en" else "Ouvert maintenant") + nxt
        if self.state == "closed":
            return ("Closed now" if lang == "en" else "Fermé maintenant") + nxt
        return "Hours unknown" if lang == "en" else "Horaires non renseignés"


def _parse(expr: str | None) -> opening_hours.OpeningHours | None:
    if not isinstance(expr, str) or not expr:  # None, or NaN from a data frame
        return None
    try:
        return opening_hours.OpeningHours(expr)
    except (ValueError, RuntimeError, opening_hours.ParserError):  # ParserError is no ValueError
        return None


def open_state(expr: str | None, now: datetime) -> OpenState:
    """Open or closed at ``now`` (naive local time), and when that changes (within a year)."""
    oh = _parse(expr)
    if oh is None:
        return OpenState("unknown", None)
    state = "open" if oh.is_open(now) else "unknown" if oh.is_unknown(now) else "closed"
    nxt = oh.next_change(now)
    if nxt is not None and nxt - now > timedelta(days=366):
        nxt = None
    return OpenState(state, nxt)


def week_ahead(expr: str | None, now: datetime) -> list[DayHours]:
    """Seven days from today, with the opening ranges of each; empty when hours are unknown."""
    oh = _parse(expr)
    if oh is None:
        return []
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    days: dict[int, list[tuple[str, str]]] = {i: [] for i in range(7)}
    for lo, hi, state, _ in oh.intervals(start, start + timedelta(days=7)):
        if state != opening_hours.State.OPEN or hi is None:
            continue
        while lo < hi:  # an interval may run past midnight, or over days ("24/7"): one piece per day
            midnight = datetime.combine(lo.date() + timedelta(days=1), time.min)
            end = min(hi, midnight)
            index = (lo.date() - start.date()).days
            if 0 <= index < 7:
                days[index].append((f"{lo:%H:%M}", "24:00" if end == midnight else f"{end:%H:%M}"))
            lo = end
    return [DayHours(start + timedelta(days=i), tuple(days[i]), i == 0) for i in range(7)]


def typical_week(expr: str | None, today: date) -> list[str]:
    """The week an expression means, Monday to Sunday from the Monday of ``today``'s week, in
    French ("mardi : 17:00–19:00"); empty when it cannot be read. Staff see it beside the hours
    they typed, so "mardi et vendredi 17h-19h" shows back as the days it became."""
    monday = datetime.combine(today - timedelta(days=today.weekday()), time.min)
    return [f"{DAYS_FR[d.day.weekday()]} : {d.text()}" for d in week_ahead(expr, monday)]


SLOT_WEEKS = 52


@functools.lru_cache(maxsize=4096)  # a directory repeats a few hundred distinct expressions
def weekly_slots(expr: str, start: date) -> tuple[tuple[int, int, int, int], ...]:
    """(weekday 0=Monday, start minute, end minute, weeks out of 52) over a year from `start`.

    A precomputed week lets SQL answer "open Saturday morning" without parsing in the query,
    and is the pre-filter of "open now" (search then evaluates the real rules on the few
    candidates). A whole year, so seasonal hours ("Jun-Sep") and monthly markets ("Su[1]")
    have their slots whatever the build date; "weeks" says how regular a slot is (a
    first-Sunday market counts 12 of 52). The build and staff edits (courtcircuit.edits) both
    write the `opening_slots` table with it.
    """
    begin = datetime.combine(start, time.min)
    counts: dict[tuple[int, int, int], int] = {}
    try:
        spans = opening_hours.OpeningHours(expr).intervals(begin, begin + timedelta(weeks=SLOT_WEEKS))
        for lo, hi, state, _comment in spans:
            if state == opening_hours.State.OPEN and hi is not None:
                while lo < hi:  # split at midnight
                    end = min(hi, datetime.combine(lo.date() + timedelta(days=1), time.min))
                    key = (lo.weekday(), lo.hour * 60 + lo.minute, (end - lo).seconds // 60 or 1440)
                    counts[key] = counts.get(key, 0) + 1
                    lo = end
    except (
        Exception
    ):  # expressions were validated at normalisation; a library edge case must not stop a build
        return ()
    return tuple((d, s, s + length, n) for (d, s, length), n in sorted(counts.items()))


def slot_monday(today: date) -> date:
    """The Monday the slots count from: the build and a later staff edit agree on it."""
    return today - timedelta(days=today.weekday())
