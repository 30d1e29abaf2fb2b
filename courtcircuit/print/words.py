"""Opening hours in French words for the printed directory: « mardi et vendredi 17 h – 19 h »,
« du lundi au samedi 9 h – 12 h », a market « dimanche 8 h – 13 h (de juin à septembre) ».

The OSM expression is evaluated over a whole year (like courtcircuit.hours.weekly_slots), so
seasons and monthly markets come out of the dates the rules really give, not of a parse of
the expression's text.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta

import opening_hours

from courtcircuit.hours import DAYS_FR

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
# A slot seen at least this share of the weeks of its months is « every week » (public
# holidays closed, a first week of a month cut, do not make a weekly slot look irregular).
WEEKLY = 0.75

Slot = tuple[int, int, int]  # weekday, start minute, end minute


def clock(minute: int) -> str:
    """570 → « 9 h 30 », 1020 → « 17 h » (the French typographic way)."""
    hours, minutes = divmod(minute, 60)
    return f"{hours} h" if minutes == 0 else f"{hours} h {minutes:02d}"


def _days(days: list[int]) -> str:
    """[0, 1, 2, 3, 4] → « du lundi au vendredi »; [1, 4] → « mardi et vendredi »."""
    if len(days) == 7:
        return "tous les jours"
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"du {DAYS_FR[days[0]]} au {DAYS_FR[days[-1]]}"
    names = [DAYS_FR[d] for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


def _months(months: set[int]) -> str:
    """The months a slot runs, as a season when they follow each other (over the new year too)."""
    if len(months) == 12:
        return ""
    ordered = sorted(months)
    for start in ordered:  # a run may wrap from December to January
        run = [(start + i - 1) % 12 + 1 for i in range(len(ordered))]
        if set(run) == months:
            if len(run) == 1:
                return f"en {MONTHS_FR[run[0] - 1]}"
            return f"de {MONTHS_FR[run[0] - 1]} à {MONTHS_FR[run[-1] - 1]}"
    return "en " + ", ".join(MONTHS_FR[m - 1] for m in ordered)


def _year_slots(expr: str, year: int) -> dict[Slot, tuple[int, set[int]]]:
    """Each (weekday, start, end) the expression opens in `year`: how many weeks, which months."""
    begin = datetime(year, 1, 1)
    seen: dict[Slot, tuple[int, set[int]]] = {}
    for lo, hi, state, _ in opening_hours.OpeningHours(expr).intervals(begin, begin + timedelta(days=364)):
        if state != opening_hours.State.OPEN or hi is None:
            continue
        while lo < hi:  # one piece per day: an evening market may run past midnight
            midnight = datetime.combine(lo.date() + timedelta(days=1), time.min)
            end = min(hi, midnight)
            slot = (lo.weekday(), lo.hour * 60 + lo.minute, (end - lo).seconds // 60 or 1440)
            weeks, months = seen.get(slot, (0, set()))
            seen[slot] = (weeks + 1, months | {lo.month})
            lo = end
    return seen


@functools.lru_cache(maxsize=4096)  # a directory repeats a few hundred distinct expressions
def hours_in_words(expr: str | None, year: int | None = None) -> str | None:
    """The hours an OSM expression means, in French words; None when it cannot be read."""
    if not isinstance(expr, str) or not expr.strip():
        return None
    try:
        slots = _year_slots(expr, year or date.today().year)
    except (ValueError, RuntimeError, opening_hours.ParserError):
        return None
    if not slots:
        return None
    if len(slots) == 7 and all(start == 0 and length == 1440 for (_, start, length) in slots):
        return "tous les jours, 24 h sur 24"
    # (season, rhythm) → weekday → ranges; then days with the same ranges are said together
    groups: dict[tuple[str, str], dict[int, list[tuple[int, int]]]] = {}
    for (day, start, length), (weeks, months) in sorted(slots.items()):
        span = 4.35 * len(months)  # weeks in those months
        rhythm = (
            ""
            if weeks >= WEEKLY * span
            else "une fois par mois"
            if weeks <= len(months)
            else "certaines semaines"
        )
        groups.setdefault((_months(months), rhythm), {}).setdefault(day, []).append((start, start + length))
    parts = []
    for (season, rhythm), by_day in groups.items():
        by_ranges: dict[tuple[tuple[int, int], ...], list[int]] = {}
        for day, ranges in sorted(by_day.items()):
            by_ranges.setdefault(tuple(sorted(ranges)), []).append(day)
        phrases = [
            f"{_days(days)} " + " et ".join(f"{clock(a)} – {clock(b)}" for a, b in ranges)
            for ranges, days in sorted(by_ranges.items(), key=lambda item: item[1][0])
        ]
        note = ", ".join(x for x in (rhythm, season) if x)
        parts.append(" ; ".join(phrases) + (f" ({note})" if note else ""))
    return " ; ".join(parts)
