"""One listing's page: its fields, sources and links both ways (courtcircuit.listing), directions,
and its opening hours as people read them (courtcircuit.hours)."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from courtcircuit.db import connect
from courtcircuit.hours import open_state, week_ahead
from courtcircuit.listing import directions, get_listing
from courtcircuit.schema import LISTINGS, LISTINGS_DERIVED
from courtcircuit.vocab import KINDS
from tests.conftest import HOSTILE_DESCRIPTION, HOSTILE_NAME


@pytest.fixture(scope="module")
def con(small_build):
    with connect(small_build.db) as c:
        yield c


def link_pair(con) -> tuple[str, str, str | None]:
    """A (producer, outlet, days) of the published links, straight from the listing_links table."""
    return con.execute(
        "SELECT producer_id, outlet_id, days FROM listing_links ORDER BY producer_id, outlet_id LIMIT 1"
    ).fetchone()


# ---------------------------------------------------------------- get_listing


def test_get_listing_returns_every_column_but_the_geometry(con):
    (listing_id,) = con.execute("SELECT id FROM listings WHERE name = 'GAEC Les Combes'").fetchone()
    listing = get_listing(con, listing_id)
    columns = [c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE listings)").fetchall()]
    derived = {name for name, _ in LISTINGS_DERIVED}  # geom and the facet bits, read from the others
    assert list(listing.fields) == [c for c in columns if c not in derived] == list(LISTINGS.names())
    assert listing.id == listing_id and listing["id"] == listing_id
    # chambre-small.csv P1: GAEC Les Combes, Les Combes 63600 Ambert, a producer
    assert listing.name == "GAEC Les Combes"
    assert listing.kind_label == KINDS.label("producteur")
    assert listing.address() == "Les Combes, 63600 Ambert"
    assert listing.provenance["name"]["source"] == "chambre"  # highest precedence of the three


def test_sources_say_where_each_fact_came_from(con):
    (listing_id,) = con.execute("SELECT id FROM listings WHERE name = 'GAEC Les Combes'").fetchone()
    sources = get_listing(con, listing_id).sources
    # merged from chambre P1 (precedence 20), pnr PNR-1 (30) and osm node/1001 (50): best first
    assert [(s.name, s.ref) for s in sources] == [("chambre", "P1"), ("pnr", "PNR-1"), ("osm", "node/1001")]
    osm = sources[-1]
    assert osm.licence == "ODbL" and osm.date == date(2026, 10, 1)  # sources-small.toml
    assert all(s.demo for s in sources)  # every fixture source is marked demo = true


def test_links_are_shown_from_both_sides(con):
    producer_id, outlet_id, _days = link_pair(con)
    producer = get_listing(con, producer_id)
    outlet = get_listing(con, outlet_id)
    assert producer["kind"] == "producteur" and outlet["kind"] != "producteur"
    assert outlet_id in [x.id for x in producer.sells_at]
    assert producer_id in [x.id for x in outlet.sellers]
    shown = next(x for x in outlet.sellers if x.id == producer_id)
    assert (shown.name, shown.kind, shown.city) == (producer.name, producer["kind"], producer["city"])


def test_every_published_link_appears_on_both_pages_once(con):
    links = con.execute("SELECT DISTINCT producer_id, outlet_id FROM listing_links").fetchall()
    assert links
    for producer_id, outlet_id in links:
        sells_at = [x.id for x in get_listing(con, producer_id).sells_at]
        sellers = [x.id for x in get_listing(con, outlet_id).sellers]
        assert sells_at.count(outlet_id) == 1 and sellers.count(producer_id) == 1


def test_the_days_a_producer_is_at_the_market_are_kept(con):
    # markets-small.csv M1: Marché d'Ambert, "jeudi matin", producteurs "Ferme Roux"
    (market_id,) = con.execute("SELECT id FROM listings WHERE name = ?", ["Marché d'Ambert"]).fetchone()
    sellers = {x.name: x.days for x in get_listing(con, market_id).sellers}
    assert sellers["Ferme Roux"] == "jeudi matin"


def test_a_listing_without_links_has_none(con):
    (listing_id,) = con.execute(
        "SELECT id FROM listings WHERE id NOT IN (SELECT producer_id FROM listing_links) "
        "AND id NOT IN (SELECT outlet_id FROM listing_links) LIMIT 1"
    ).fetchone()
    listing = get_listing(con, listing_id)
    assert listing.sells_at == [] and listing.sellers == []


def test_unknown_id_is_none(con):
    assert get_listing(con, "cc-000000000000") is None
    assert get_listing(con, "' OR 1=1 --") is None


def test_a_closed_listing_still_opens_but_leaves_the_links_of_others(small_build, tmp_path):
    db = tmp_path / "closed.duckdb"
    shutil.copyfile(small_build.db, db)
    with connect(db, read_only=False) as c:
        producer_id, outlet_id, _ = link_pair(c)
        c.execute("UPDATE listings SET status = 'closed' WHERE id = ?", [producer_id])
    with connect(db) as c:
        producer = get_listing(c, producer_id)
        assert producer is not None and producer["status"] == "closed"  # a shared link says it closed
        assert producer_id not in [x.id for x in get_listing(c, outlet_id).sellers]


def test_hostile_text_comes_back_verbatim(hostile_db):
    # The data layer does not escape: the page that shows it must (see conftest.hostile_db).
    with connect(hostile_db) as c:
        (listing_id,) = c.execute("SELECT id FROM listings WHERE name = ?", [HOSTILE_NAME]).fetchone()
        listing = get_listing(c, listing_id)
    assert listing.name == HOSTILE_NAME and listing["description"] == HOSTILE_DESCRIPTION


# ---------------------------------------------------------------- directions


def test_directions_geo_uri():
    links = directions(45.5498, 3.7431, "Marché d'Ambert")
    assert links["geo"] == "geo:45.549800,3.743100?q=45.549800,3.743100(March%C3%A9%20d%27Ambert)"


def test_directions_osm_links_carry_the_coordinates():
    lat, lon = 45.5498, -1.25  # a negative longitude keeps its sign
    links = directions(lat, lon, "x")
    osm = urlsplit(links["osm"])
    assert (osm.scheme, osm.netloc, osm.path) == ("https", "www.openstreetmap.org", "/directions")
    query = parse_qs(osm.query)
    assert query["to"] == ["45.549800,-1.250000"]
    assert query["route"] == [";45.549800,-1.250000"]  # from: (empty, the visitor's position), to
    osm_map = urlsplit(links["osm_map"])
    assert parse_qs(osm_map.query) == {"mlat": ["45.549800"], "mlon": ["-1.250000"]}
    assert osm_map.fragment == "map=17/45.549800/-1.250000"


@pytest.mark.parametrize("name", ["Ferme (du) Bourg", "A & B #1 ?x=1", "Œufs 100 % bio", HOSTILE_NAME])
def test_the_name_in_the_geo_uri_cannot_break_out_of_its_parentheses(name):
    uri = directions(45.0, 3.0, name)["geo"]
    prefix = "geo:45.000000,3.000000?q=45.000000,3.000000("
    assert uri.startswith(prefix) and uri.endswith(")")
    label = uri[len(prefix) : -1]
    assert not set(label) & set("()&#?% <>\"'") - {"%"}  # percent-encoded: only %XX escapes remain
    assert unquote(label) == name


# ---------------------------------------------------------------- hours

SATURDAY = datetime(2026, 11, 21)  # a Saturday
FIRST_SUNDAY = datetime(2026, 11, 1)  # 1 November 2026 is a Sunday
SECOND_SUNDAY = datetime(2026, 11, 8)


def test_a_saturday_morning_market_is_open_on_saturday_morning():
    state = open_state("Sa 08:00-12:00", SATURDAY.replace(hour=10))
    assert state.state == "open"
    assert state.next_change == SATURDAY.replace(hour=12)
    assert state.text() == "Ouvert maintenant jusqu'à 12:00"
    assert state.text("en") == "Open now until 12:00"


def test_a_saturday_morning_market_is_closed_in_the_afternoon_until_next_saturday():
    state = open_state("Sa 08:00-12:00", SATURDAY.replace(hour=13))
    assert state.state == "closed"
    assert state.next_change == datetime(2026, 11, 28, 8, 0)
    assert state.text() == "Fermé maintenant, ouvre samedi 08:00"
    assert open_state("Sa 08:00-12:00", SATURDAY.replace(hour=12)).state == "closed"  # end excluded


def test_a_first_sunday_market_is_open_on_the_first_sunday_only():
    assert (
        FIRST_SUNDAY.weekday() == SECOND_SUNDAY.weekday() == 6 and FIRST_SUNDAY.day <= 7 < SECOND_SUNDAY.day
    )
    first = open_state("Su[1] 08:00-12:00", FIRST_SUNDAY.replace(hour=9))
    second = open_state("Su[1] 08:00-12:00", SECOND_SUNDAY.replace(hour=9))
    assert first.state == "open" and first.next_change == FIRST_SUNDAY.replace(hour=12)
    assert second.state == "closed"
    assert second.next_change == datetime(2026, 12, 6, 8, 0)  # first Sunday of December


@pytest.mark.parametrize("expr", [None, "", "pas des horaires", "Sa 25:00-26:00", "jeudi matin"])
def test_missing_or_invalid_hours_are_unknown(expr):
    state = open_state(expr, SATURDAY.replace(hour=10))
    assert state.state == "unknown" and state.next_change is None
    assert state.text() == "Horaires non renseignés"
    assert week_ahead(expr, SATURDAY) == []


def test_week_ahead_marks_today_and_lists_the_ranges():
    now = datetime(2026, 11, 20, 15, 30)  # a Friday afternoon
    week = week_ahead("Sa 08:00-12:00; Tu 17:30-18:30,19:00-20:00", now)
    assert [d.day for d in week] == [datetime(2026, 11, 20 + i) for i in range(7)]
    assert [d.is_today for d in week] == [True] + [False] * 6
    by_label = {d.label(): d for d in week}
    assert by_label["samedi 21/11"].ranges == (("08:00", "12:00"),)
    assert by_label["mardi 24/11"].ranges == (("17:30", "18:30"), ("19:00", "20:00"))
    assert by_label["mardi 24/11"].text() == "17:30–18:30, 19:00–20:00"
    assert [d.label() for d in week if not d.ranges] == [
        "vendredi 20/11", "dimanche 22/11", "lundi 23/11", "mercredi 25/11", "jeudi 26/11",
    ]  # fmt: skip
    assert by_label["lundi 23/11"].text() == "fermé" and by_label["lundi 23/11"].text("en") == "closed"
    assert week[1].label("en") == "Saturday 21/11"


def test_week_ahead_answers_for_the_actual_dates():
    # the first-Sunday market appears in the week that has a first Sunday, not in the next one
    assert week_ahead("Su[1] 08:00-12:00", FIRST_SUNDAY)[0].ranges == (("08:00", "12:00"),)
    assert all(not d.ranges for d in week_ahead("Su[1] 08:00-12:00", FIRST_SUNDAY.replace(day=2)))


def test_week_ahead_splits_hours_that_run_past_midnight():
    week = week_ahead("Fr 22:00-02:00", datetime(2026, 11, 20, 9))  # Friday
    assert week[0].ranges == (("22:00", "24:00"),)
    assert week[1].ranges == (("00:00", "02:00"),)  # Saturday morning


def test_week_ahead_of_a_place_always_open_shows_every_day_open():
    # a vending machine is often "24/7": every day of the week is open all day
    week = week_ahead("24/7", datetime(2026, 11, 20, 9))
    assert [d.ranges for d in week] == [(("00:00", "24:00"),)] * 7
    assert open_state("24/7", datetime(2026, 11, 20, 9)).state == "open"
