"""French free-text hours → OSM opening_hours: exact outputs, seasons, refusals, and library checks."""

from __future__ import annotations

from datetime import datetime

import opening_hours
import pytest

from courtcircuit.normalise.hours_fr import ParsedHours, UnparsedHours, parse_french_hours

# (French text, expected OSM, assumed_times)
CASES = [
    # periods of the day
    ("mardi matin", "Tu 08:00-13:00", False),
    ("jeudi après-midi", "Th 14:00-18:00", False),
    ("vendredi soir", "Fr 17:00-20:00", False),
    ("samedi toute la journée", "Sa 08:00-18:00", False),
    ("dimanche journée", "Su 08:00-18:00", False),
    ("mardi matin et après-midi", "Tu 08:00-13:00,14:00-18:00", False),
    # clock times, written every way
    ("samedi 8h-12h30", "Sa 08:00-12:30", False),
    ("samedi de 8h à 12h30", "Sa 08:00-12:30", False),
    ("samedi 8h00 - 12h30", "Sa 08:00-12:30", False),
    ("samedi 8:00-12:30", "Sa 08:00-12:30", False),
    ("Samedi : 8 h – 12 h 30", "Sa 08:00-12:30", False),
    ("vendredi 17h30-18h30", "Fr 17:30-18:30", False),
    ("samedi 8-12h", "Sa 08:00-12:00", False),
    ("samedi 8h-12h et 14h-18h", "Sa 08:00-12:00,14:00-18:00", False),
    ("samedi 8h-12h 14h-18h", "Sa 08:00-12:00,14:00-18:00", False),
    ("samedi 8h-24h", "Sa 08:00-24:00", False),
    # several days
    ("mercredi et samedi matin", "We,Sa 08:00-13:00", False),
    ("mardi, jeudi et samedi matin", "Tu,Th,Sa 08:00-13:00", False),
    ("samedi et mercredi matin", "We,Sa 08:00-13:00", False),
    ("du mardi au samedi 9h-19h", "Tu-Sa 09:00-19:00", False),
    ("lundi au vendredi", "Mo-Fr 08:00-13:00", True),
    ("vendredi au lundi soir", "Fr-Mo 17:00-20:00", False),
    ("tous les jours", "Mo-Su 08:00-13:00", True),
    ("7j/7 8h-12h", "Mo-Su 08:00-12:00", False),
    # several clauses; a day repeated must add to, not replace, the earlier rule
    ("mardi 17h-19h ; samedi matin", "Tu 17:00-19:00; Sa 08:00-13:00", False),
    ("mardi 17h-19h, samedi matin", "Tu 17:00-19:00; Sa 08:00-13:00", False),
    ("sam. 8h-12h et dim. matin", "Sa 08:00-12:00; Su 08:00-13:00", False),
    ("mardi 17h-19h ; jeudi", "Tu 17:00-19:00; Th 08:00-13:00", True),
    ("samedi 8h-12h ; samedi 14h-18h", "Sa 08:00-12:00, Sa 14:00-18:00", False),
    # days of the month
    ("le 1er dimanche du mois", "Su[1] 08:00-13:00", True),
    ("le 2e et 4e vendredi du mois 16h-19h", "Fr[2,4] 16:00-19:00", False),
    ("dernier samedi du mois", "Sa[-1] 08:00-13:00", True),
    ("les 1er et 3ème samedis du mois de 9h à 12h", "Sa[1,3] 09:00-12:00", False),
    ("le premier et le dernier samedi du mois", "Sa[1,-1] 08:00-13:00", True),
    # a day alone gets the default morning, flagged as assumed
    ("jeudi", "Th 08:00-13:00", True),
    ("les samedis", "Sa 08:00-13:00", True),
    ("tous les samedis matin", "Sa 08:00-13:00", False),
    ("le samedi", "Sa 08:00-13:00", True),
    ("sam.", "Sa 08:00-13:00", True),
    ("dim", "Su 08:00-13:00", True),
    ("mer. 16h-19h", "We 16:00-19:00", False),
    # case, accents, spaces
    ("MARDI MATIN", "Tu 08:00-13:00", False),
    ("  mardi    apres-midi  ", "Tu 14:00-18:00", False),
    ("Mercredi\u00a08\u202fh-12\u202fh", "We 08:00-12:00", False),
]


@pytest.mark.parametrize(("text", "osm", "assumed"), CASES)
def test_french_text(text: str, osm: str, assumed: bool) -> None:
    assert parse_french_hours(text) == ParsedHours(osm, assumed)


@pytest.mark.parametrize(
    ("days", "season", "osm"),
    [
        ("samedi matin", None, "Sa 08:00-13:00"),
        ("samedi matin", "", "Sa 08:00-13:00"),
        ("samedi matin", "juin-septembre", "Jun-Sep Sa 08:00-13:00"),
        ("samedi matin", "de mai à octobre", "May-Oct Sa 08:00-13:00"),
        ("samedi matin", "d’avril à octobre", "Apr-Oct Sa 08:00-13:00"),
        ("samedi matin", "juillet et août", "Jul-Aug Sa 08:00-13:00"),
        ("samedi matin", "juin, juillet, aout", "Jun-Aug Sa 08:00-13:00"),
        ("samedi matin", "juin et septembre", "Jun,Sep Sa 08:00-13:00"),
        ("samedi matin", "novembre à mars", "Nov-Mar Sa 08:00-13:00"),
        ("samedi matin", "fevrier", "Feb Sa 08:00-13:00"),
        ("samedi matin", "été", "Jun-Sep Sa 08:00-13:00"),
        ("samedi matin", "toute l'année", "Sa 08:00-13:00"),
        ("mardi 17h-19h ; samedi matin", "juin-septembre", "Jun-Sep Tu 17:00-19:00; Jun-Sep Sa 08:00-13:00"),
        ("samedi 8h-12h ; samedi 14h-18h", "Été", "Jun-Sep Sa 08:00-12:00, Jun-Sep Sa 14:00-18:00"),
    ],
)
def test_season_prefixes_every_rule(days: str, season: str | None, osm: str) -> None:
    assert parse_french_hours(days, season).osm == osm


@pytest.mark.parametrize(
    "osm", ["Sa 08:00-12:30", "Mo-Fr 08:00-12:00,14:00-18:00; PH off", "Su[1] 09:00-12:00"]
)
def test_osm_input_is_returned_unchanged(osm: str) -> None:
    assert parse_french_hours(osm) == ParsedHours(osm, False)


@pytest.mark.parametrize(
    ("days", "season", "named"),
    [
        ("tous les quinze jours", None, "tous les quinze jours"),
        ("samedi 8h-12h tous les 15 jours", None, "tous les 15 jours"),
        ("sur rendez-vous", None, "sur rendez-vous"),
        ("mardy", None, "« mardy »"),
        ("mardy matin ; samedi", None, "mardy"),
        ("mars", None, "« mars »"),  # the month, not "mar." + plural
        ("tous les jours sauf lundi", None, "sauf lundi"),
        ("samedi matin (marché bio)", None, "(marché bio)"),
        ("", None, "aucun"),
        ("   ", None, "aucun"),
        ("samedi 25h-26h", None, "25h"),
        ("samedi 8h-12h60", None, "12h60"),
        ("samedi 24h30-25h", None, "24h30"),
        ("samedi 19h-8h", None, "19h-8h"),
        ("samedi 8h-8h", None, "8h-8h"),
        ("samedi 8h", None, "8h"),  # a single time is not a range
        ("samedi à partir de 8h", None, "à partir de 8h"),
        ("17h30-18h30", None, "17h30-18h30"),  # no day at all
        ("samedi matin", "hiver", "hiver"),
        ("samedi matin", "du 15 juin au 15 septembre", "du 15 juin au 15 septembre"),
        ("Sa 08:00-12:30", "juin-septembre", "juin-septembre"),
    ],
)
def test_refuses_what_it_does_not_understand(days: str, season: str | None, named: str) -> None:
    with pytest.raises(UnparsedHours) as err:
        parse_french_hours(days, season)
    assert named in str(err.value)


def test_unknown_day_message() -> None:
    with pytest.raises(UnparsedHours, match=r"^jour non reconnu : « mardy »$"):
        parse_french_hours("mardy")


@pytest.mark.parametrize("osm", sorted({osm for _, osm, _ in CASES}))
def test_expected_outputs_are_valid_osm(osm: str) -> None:
    assert opening_hours.validate(osm)
    assert opening_hours.OpeningHours(osm).warnings == []


def test_first_sunday_of_month_means_what_it_says() -> None:
    oh = opening_hours.OpeningHours(parse_french_hours("le 1er dimanche du mois").osm)
    assert oh.is_open(datetime(2024, 9, 1, 10, 0))  # Sunday 1 September 2024
    assert oh.is_closed(datetime(2024, 9, 8, 10, 0))  # second Sunday
    assert oh.is_closed(datetime(2024, 9, 1, 14, 0))  # afternoon


def test_last_saturday_of_month() -> None:
    oh = opening_hours.OpeningHours(parse_french_hours("dernier samedi du mois").osm)
    assert oh.is_open(datetime(2024, 9, 28, 10, 0))
    assert oh.is_closed(datetime(2024, 9, 21, 10, 0))


def test_repeated_day_keeps_both_slots() -> None:
    oh = opening_hours.OpeningHours(parse_french_hours("samedi 8h-12h ; samedi 14h-18h").osm)
    assert oh.is_open(datetime(2024, 9, 7, 10, 0))  # Saturday morning
    assert oh.is_open(datetime(2024, 9, 7, 15, 0))  # Saturday afternoon
    assert oh.is_closed(datetime(2024, 9, 7, 13, 0))


def test_season_closes_out_of_season() -> None:
    oh = opening_hours.OpeningHours(parse_french_hours("mardi 17h-19h ; samedi matin", "juin-septembre").osm)
    assert oh.is_open(datetime(2024, 7, 6, 10, 0))  # Saturday in July
    assert oh.is_open(datetime(2024, 7, 2, 18, 0))  # Tuesday in July
    assert oh.is_closed(datetime(2024, 10, 5, 10, 0))  # Saturday in October
    assert oh.is_closed(datetime(2024, 10, 1, 18, 0))  # Tuesday in October
