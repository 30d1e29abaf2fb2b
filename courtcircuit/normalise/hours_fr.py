"""French free-text market/AMAP hours ("mardi matin", "du mardi au samedi 9h-19h") → OSM opening_hours.

Anything not understood raises `UnparsedHours`: a wrong schedule on the map is worse than none.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import opening_hours

__all__ = ["ParsedHours", "UnparsedHours", "parse_french_hours"]


class UnparsedHours(ValueError):
    """French message saying what could not be understood, e.g. "jour non reconnu : « mardy »"."""


@dataclass(frozen=True)
class ParsedHours:
    osm: str  # valid OSM opening_hours, e.g. "Tu 08:00-13:00"
    assumed_times: bool  # True when a day had no time and DEFAULT_TIMES was used


# Keys are lowercase without accents: the input is folded the same way before matching.
DAYS = {
    "lundi": "Mo", "lun": "Mo", "mardi": "Tu", "mar": "Tu", "mercredi": "We", "merc": "We", "mer": "We",
    "jeudi": "Th", "jeu": "Th", "vendredi": "Fr", "vend": "Fr", "ven": "Fr", "samedi": "Sa", "sam": "Sa",
    "dimanche": "Su", "dim": "Su",
}  # fmt: skip
WEEK = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
MONTHS = {
    "janvier": "Jan", "janv": "Jan", "fevrier": "Feb", "fevr": "Feb", "fev": "Feb", "mars": "Mar",
    "avril": "Apr", "avr": "Apr", "mai": "May", "juin": "Jun", "juillet": "Jul", "juil": "Jul", "aout": "Aug",
    "septembre": "Sep", "sept": "Sep", "sep": "Sep", "octobre": "Oct", "oct": "Oct", "novembre": "Nov",
    "nov": "Nov", "decembre": "Dec", "dec": "Dec",
}  # fmt: skip
YEAR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SEASONS = {"ete": "Jun-Sep", "toute l'annee": "", "a l'annee": ""}  # "" = no month selector
PERIODS = {
    "matin": "08:00-13:00", "matinee": "08:00-13:00", "apresmidi": "14:00-18:00", "soir": "17:00-20:00",
    "soiree": "17:00-20:00", "journee": "08:00-18:00",
}  # fmt: skip
ORDINALS = {
    "premier": 1, "premiere": 1, "deuxieme": 2, "second": 2, "seconde": 2, "troisieme": 3, "quatrieme": 4,
    "cinquieme": 5, "dernier": -1, "derniere": -1,
}  # fmt: skip
# Markets are mostly mornings; callers are told through ParsedHours.assumed_times.
DEFAULT_TIMES = PERIODS["matin"]


def _alt(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))  # longest first: "mercredi" before "mer"


# Only full day names take a plural "s" (so "mars" is never read as "mar"+s); abbreviations may end in ".".
_DAY = "(?:" + "|".join(rf"{k}s?\b" if len(k) > 4 else rf"{k}\b\.?" for k in DAYS) + ")"
_MONTH = rf"(?:(?:{_alt(MONTHS)})\b\.?)"
_ART = r"(?:(?:tous\s+les|chaque|les?|l')\s*)?"
_AND = r"\s*(?:,|&|/|\bet\b)\s*"
_TO = r"(?:\s+(?:au|a|jusqu'au?)\s+|\s*-\s*)"
_ORD = rf"(?:1\s*(?:ere|er|re)|[1-5]\s*(?:ieme|eme|e)|{_alt(ORDINALS)})\b"
# 8h, 8 h 30, 8h00, 8:00; minutes never followed by "h" so that "12h 14h-18h" is two times, not 12:14.
_CLOCK = r"\d{1,2}(?:\s*h(?:\s*\d{2}(?!\s*[h:\d]))?|:\d{2})"
_RANGE = rf"(?:de\s+)?(?P<start>{_CLOCK}|\d{{1,2}})\s*(?:-|\ba\b|jusqu'a)\s*(?P<end>{_CLOCK})"
_PERIOD = (
    r"(?:le\s+|en\s+|l')?(?P<period>matinee|matin|apres[-\s]?midi|soiree|soir|(?:toute\s+la\s+)?journee)\b"
)
_NTH = (  # "le 1er dimanche du mois", "les 2e et 4e vendredis", "dernier samedi du mois"
    rf"(?:les?\s+)?(?P<nth>{_ORD}(?:{_AND}(?:le\s+)?{_ORD})*)"
    rf"\s+(?P<nth_day>{_DAY})(?:\s+(?:du|de\s+chaque)\s+mois)?"
)
_ITEM = rf"(?:du\s+)?{_ART}(?P<first>{_DAY})(?:{_TO}{_ART}(?P<last>{_DAY}))?"
_EVERY_DAY = r"tous\s+les\s+jours|7\s*j(?:ours)?\s*/\s*7"


def _unnamed(pattern: str) -> str:
    """The big clause regex reuses the sub-patterns, whose names would clash there."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


_CLAUSE = re.compile(
    rf"(?P<days>{_EVERY_DAY}|{_unnamed(_NTH)}|{_unnamed(_ITEM)}(?:{_AND}{_unnamed(_ITEM)})*)"
    rf"(?:\s*[:,]?\s*(?P<times>(?:{_unnamed(_RANGE)}|{_unnamed(_PERIOD)})"
    rf"(?:(?:{_AND}|\s+)(?:{_unnamed(_RANGE)}|{_unnamed(_PERIOD)}))*))?"  # "8h-12h 14h-18h" too
)
_SEP = re.compile(r"\s*(?:[;,/.]|\bet\b)\s*|\s+")
_TIME_ITEM = re.compile(rf"{_RANGE}|{_PERIOD}")
_IRREGULAR = re.compile(
    r"(?P<freq>quinze\s+jours|15\s+jours|semaine\s+sur\s+deux|semaines?\s+(?:im)?paires?)|(?P<rdv>rendez-vous|rdv)"
)
_SEASON_ITEM = re.compile(rf"(?:de\s+|d')?(?P<first>{_MONTH})(?:{_TO}(?P<last>{_MONTH}))?")
_PUNCT = str.maketrans("\u2010\u2011\u2012\u2013\u2014\u2212\u2019\u2018", "------''")


def _fold_in_place(text: str) -> str:
    """Lowercase, strip accents, unify dashes/apostrophes — one char for one char, so that
    positions found in the folded text still point at the original words for error messages."""
    out = []
    for ch in text.translate(_PUNCT):
        base = unicodedata.normalize("NFD", ch)[0].lower()
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


def _day(word: str) -> str:
    word = word.rstrip(".")
    return DAYS.get(word) or DAYS[word[:-1]]  # plural: "samedis"


def _minutes(raw: str, original: str) -> int:
    m = re.fullmatch(r"(?P<h>\d{1,2})\s*(?:h|:)?\s*(?P<m>\d{2})?", raw)
    assert m  # the clause regex only lets clock-shaped text through
    h, mins = int(m["h"]), int(m["m"] or 0)
    if h > 24 or mins > 59 or (h == 24 and mins):
        raise UnparsedHours(f"heure non valide : « {original} »")
    return h * 60 + mins


def _times(text: str, original: str, start: int, end: int) -> str:
    ranges = []
    for m in _TIME_ITEM.finditer(text, start, end):
        if m["period"]:
            ranges.append(PERIODS[re.sub(r"^toute\s+la\s+|[-\s]", "", m["period"])])
            continue
        a = _minutes(m["start"], original[m.start("start") : m.end("start")])
        b = _minutes(m["end"], original[m.start("end") : m.end("end")])
        if not a < b < 24 * 60 + 1:
            raise UnparsedHours(f"plage horaire non valide : « {original[m.start() : m.end()].strip()} »")
        ranges.append(f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}")
    return ",".join(ranges)


def _days(text: str) -> tuple[str, set[int]]:
    """OSM weekday selector and the weekdays it touches (to detect rules that overlap)."""
    if re.fullmatch(_EVERY_DAY, text):
        return "Mo-Su", set(range(7))
    if nth := re.fullmatch(_NTH, text):
        code = _day(nth["nth_day"])
        found = [int(d[0]) if d[0].isdigit() else ORDINALS[d] for d in re.findall(_ORD, nth["nth"])]
        ords = sorted(set(found), key=lambda n: (n < 0, n))  # "[1,3,-1]": from the start, then the end
        return f"{code}[{','.join(map(str, ords))}]", {WEEK.index(code)}
    items, touched = [], set()
    for m in re.finditer(_ITEM, text):
        a, b = WEEK.index(_day(m["first"])), WEEK.index(_day(m["last"] or m["first"]))
        touched |= {(a + i) % 7 for i in range((b - a) % 7 + 1)}  # "vendredi au lundi" wraps
        items.append((a, WEEK[a] if a == b else f"{WEEK[a]}-{WEEK[b]}"))
    return ",".join(dict.fromkeys(sel for _, sel in sorted(items))), touched


def _season(season: str | None) -> str:
    text = _fold_in_place(season or "").strip()
    text = re.sub(r"^(?:en\s+|l')", "", text)
    if text in SEASONS or not text:
        return SEASONS.get(text, "")
    item = _unnamed(_SEASON_ITEM.pattern)
    if not re.fullmatch(rf"{item}(?:{_AND}{item})*", text):
        raise UnparsedHours(f"saison non reconnue : « {season} »")
    items = [(MONTHS[m["first"].rstrip(".")], MONTHS[(m["last"] or m["first"]).rstrip(".")])
             for m in _SEASON_ITEM.finditer(text)]  # fmt: skip
    idx = [YEAR.index(a) for a, b in items if a == b]
    if len(idx) == len(items) > 1 and idx == list(range(idx[0], idx[0] + len(idx))):
        return f"{YEAR[idx[0]]}-{YEAR[idx[-1]]}"  # "juillet et août": consecutive months read as a range
    return ",".join(a if a == b else f"{a}-{b}" for a, b in items)


def _fail(original: str, text: str, pos: int) -> UnparsedHours:
    rest = original[pos:].split(";")[0].strip() or original.strip()
    if m := _IRREGULAR.search(text, pos):
        what = "fréquence irrégulière" if m["freq"] else "horaires sur rendez-vous"
        return UnparsedHours(f"{what}, non exprimable en OSM : « {rest} »")
    if re.search(r"\d\s*[h:]", text[pos:].split(";")[0]):
        return UnparsedHours(f"horaire non reconnu ou sans jour : « {rest} »")
    if text[pos : pos + 1].isalpha():
        return UnparsedHours(f"jour non reconnu : « {rest} »")
    return UnparsedHours(f"texte non compris : « {rest} »")


def parse_french_hours(days: str, season: str | None = None) -> ParsedHours:
    """Translate e.g. ("mardi 17h-19h ; samedi matin", "juin-septembre") into
    "Jun-Sep Tu 17:00-19:00; Jun-Sep Sa 08:00-13:00"."""
    if not days.strip():
        raise UnparsedHours("aucun jour ni horaire indiqué")
    prefix = _season(season)
    if opening_hours.validate(days.strip()):
        if prefix:  # splicing months into arbitrary OSM rules ("," "||" comments) could change their meaning
            raise UnparsedHours(f"horaires déjà au format OSM, saison à y intégrer : « {season} »")
        return ParsedHours(days.strip(), assumed_times=False)
    text, rules, seen, assumed = _fold_in_place(days), [], set(), False
    pos = len(text) - len(text.lstrip())
    while pos < len(text):
        m = _CLAUSE.match(text, pos)
        if not m:
            raise _fail(days, text, pos)
        selector, touched = _days(m["days"])
        times = _times(text, days, *m.span("times")) if m["times"] else DEFAULT_TIMES
        assumed |= not m["times"]
        # A later ";" rule would replace an earlier one on shared days; "," adds to it instead.
        sep = ", " if touched & seen else "; "
        seen |= touched
        rules.append((sep, " ".join(filter(None, [prefix, selector, times]))))
        sep_match = _SEP.match(text, m.end())
        if m.end() < len(text) and not sep_match:
            raise _fail(days, text, m.end())
        pos = sep_match.end() if sep_match else m.end()
    osm = "".join(sep + rule for sep, rule in rules)[2:]
    if not opening_hours.validate(osm):  # guard against a bug here ever reaching the map
        raise UnparsedHours(f"conversion invalide « {osm} » pour « {days} »")
    return ParsedHours(osm, assumed_times=assumed)
