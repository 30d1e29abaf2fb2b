"""Opening hours as people read them: the week ahead, today marked, open or closed now.

The database keeps the OSM ``opening_hours`` expression (checked at build time); the
opening-hours library evaluates it, so a "first Sunday of the month" market or a summer-only
season is answered for the actual dates, not for a typical week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

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
