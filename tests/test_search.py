"""The resident search (courtcircuit.search) on the database built from the fixture sources.

Expected answers are computed here from the published rows (with our own haversine and plain
Python filters) or derived from the fixture files, which are named in the comments.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from courtcircuit.db import connect
from courtcircuit.hours import open_state
from courtcircuit.search import FACETS, RADIUS_MAX_KM, Area, Filters, widen_hints
from courtcircuit.vocab import fold
from tests.both_ways import search_both_ways as search  # every answer checked by SQL and by the index

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")
# Centre of the searches: Marché d'Ambert (markets-small.csv M1), in the middle of the fixture listings.
AMBERT = (45.5498, 3.7431)
LIST_FIELDS = {"channel": "channels", "label": "labels", "product": "products"}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on the mean Earth sphere (IUGG radius), written independently of search.py."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def con(small_build):
    with connect(small_build.db) as c:
        yield c


@pytest.fixture(scope="module")
def rows(con) -> list[dict]:
    """Every published listing as a plain dict: the oracle the search is compared with."""
    cur = con.execute(
        "SELECT id, kind, name, description, lat, lon, status, channels, labels, products, opening_hours "
        "FROM listings"
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def by_name(rows: list[dict], name: str) -> dict:
    (row,) = [r for r in rows if r["name"] == name]
    return row


def ids(result) -> set[str]:
    return set(result.listings["id"])


def names(result) -> list[str]:
    return list(result.listings["name"])


def copy_db(src: Path, dst: Path, *statements: tuple[str, list]) -> Path:
    shutil.copyfile(src, dst)
    with connect(dst, read_only=False) as c:
        for sql, params in statements:
            c.execute(sql, params)
    return dst


def matches(row: dict, f: Filters) -> bool:
    """The filters of the search written as plain Python (OR inside a facet, AND across facets)."""
    if f.kinds and row["kind"] not in f.kinds:
        return False
    for facet, column in LIST_FIELDS.items():
        wanted = f.facet_values(facet)
        if wanted and not set(wanted) & set(row[column] or []):
            return False
    return True


# ---------------------------------------------------------------- the circle


def test_results_are_the_listings_within_the_radius_nearest_first(con, rows):
    area = Area(*AMBERT, 2.0)
    result = search(con, area)
    distance = {r["id"]: haversine_km(*AMBERT, r["lat"], r["lon"]) for r in rows if r["status"] == "active"}
    expected = {i for i, d in distance.items() if d <= area.radius_km}
    assert 0 < len(expected) < len(distance)  # the circle cuts the fixture: some in, some out
    assert ids(result) == expected
    got = list(result.listings["distance_km"])
    assert got == sorted(got)
    for listing_id, d in zip(result.listings["id"], got, strict=True):
        assert d == pytest.approx(distance[listing_id], abs=1e-6)
    assert result.in_area == len(expected)  # no filter: everything in the circle is a result


def test_a_listing_just_outside_the_radius_comes_in_when_the_radius_grows(con, rows):
    # Rucher du Forez (osm node/1003, Saint-Ferréol-des-Côtes) is a few km south-west of the market.
    rucher = by_name(rows, "Rucher du Forez")
    d = haversine_km(*AMBERT, rucher["lat"], rucher["lon"])
    assert 1 < d < 10
    assert rucher["id"] not in ids(search(con, Area(*AMBERT, d - 0.01)))
    assert rucher["id"] in ids(search(con, Area(*AMBERT, d + 0.01)))


def test_a_listing_due_east_or_west_is_not_cut_by_the_bounding_box(con, rows):
    # Centre on the listing's latitude, the radius just beyond its longitude offset: the box
    # pre-filter must not be narrower than the circle in longitude.
    sapins = by_name(rows, "Ferme des Sapins")
    for side in (1, -1):
        centre = (sapins["lat"], sapins["lon"] + side * 0.05)
        d = haversine_km(*centre, sapins["lat"], sapins["lon"])
        assert sapins["id"] in ids(search(con, Area(*centre, d + 0.001)))
        assert sapins["id"] not in ids(search(con, Area(*centre, d - 0.001)))


def test_no_area_gives_every_active_listing(con, rows):
    result = search(con, None)
    assert ids(result) == {r["id"] for r in rows if r["status"] == "active"}
    assert result.listings["distance_km"].isna().all()
    assert names(result) == sorted(names(result))  # no distance: alphabetical


@pytest.mark.parametrize("filters", [Filters(), Filters(channels=("vente_ferme",)), Filters(open_now=True)])
@pytest.mark.parametrize("tied", [False, True])
def test_a_page_of_rows_is_that_slice_of_the_whole_answer(small_build, tmp_path, filters, tied):
    # search() reads a page of rows from a circle shrunk to the farthest of them; listings at
    # exactly that distance (all producers moved to one point when ``tied``) must still come in
    # name-then-id order, whichever page they fall on.
    db = small_build.db
    if tied:
        db = copy_db(
            db,
            tmp_path / "tied.duckdb",
            ("UPDATE listings SET lat = ?, lon = ? WHERE kind = 'producteur'", [AMBERT[0] + 0.01, AMBERT[1]]),
        )
    now = datetime(2026, 11, 21, 10, 0, tzinfo=PARIS)  # a Saturday morning: some are open
    area = Area(*AMBERT, 30.0)
    with connect(db) as c:
        whole = search(c, area, filters, now=now)
        ranked = list(whole.listings["id"])
        assert len(ranked) >= (1 if filters.open_now else 3)
        for offset, limit in [
            (0, 1),
            (0, 2),
            (1, 3),
            (2, 4),
            (max(0, len(ranked) - 2), 5),
            (len(ranked) + 1, 3),
        ]:
            page = search(c, area, filters, now=now, limit=limit, offset=offset)
            assert list(page.listings["id"]) == ranked[offset : offset + limit], (offset, limit)
            assert (page.total, page.facets, page.open_now_count) == (
                whole.total,
                whole.facets,
                whole.open_now_count,
            )
            assert page.truncated == (offset + limit < whole.total)


def test_a_circle_far_from_every_listing_is_empty_and_hints_to_widen(con):
    area = Area(48.8566, 2.3522, 5)  # Paris: the fixture listings are all in Puy-de-Dôme
    result = search(con, area)
    assert result.total == 0 and result.in_area == 0
    assert widen_hints(result, area, Filters()) == ["élargir le rayon (actuellement 5 km)"]


@pytest.mark.parametrize(
    "lat, lon, radius",
    [(95, 3.7, 10), (-90.5, 3.7, 10), (45.5, 181, 10), (45.5, 3.7, 0), (45.5, 3.7, -5), (math.nan, 3.7, 10),
     (45.5, 3.7, math.nan)],
)  # fmt: skip
def test_an_impossible_area_is_refused(lat, lon, radius):
    with pytest.raises(ValueError):
        Area(lat, lon, radius)


# ---------------------------------------------------------------- facets


@pytest.mark.parametrize(
    "filters",
    [
        Filters(kinds=("marche", "amap")),  # OR within a facet
        Filters(kinds=("producteur",), channels=("marche",)),  # AND across facets
        Filters(kinds=("producteur", "point_de_vente"), products=("legumes", "fromages")),
        Filters(channels=("vente_ferme",), labels=("label_rouge", "ab")),
        Filters(kinds=("logistique",)),  # nothing of that kind in the fixture
    ],
)
@pytest.mark.parametrize("radius", [None, 2.0])
def test_filters_or_within_a_facet_and_across_facets(con, rows, filters, radius):
    area = None if radius is None else Area(*AMBERT, radius)
    result = search(con, area, filters)
    inside = {
        r["id"]
        for r in rows
        if r["status"] == "active" and (radius is None or haversine_km(*AMBERT, r["lat"], r["lon"]) <= radius)
    }
    assert ids(result) == {r["id"] for r in rows if r["id"] in inside and matches(r, filters)}


def test_or_within_a_facet_is_the_union_of_each_option(con):
    marche, amap = (ids(search(con, None, Filters(kinds=(k,)))) for k in ("marche", "amap"))
    assert marche and amap  # markets-small.csv and amap-small.csv
    assert ids(search(con, None, Filters(kinds=("marche", "amap")))) == marche | amap


def test_and_across_facets_is_the_intersection(con):
    producers = ids(search(con, None, Filters(kinds=("producteur",))))
    at_market = ids(search(con, None, Filters(channels=("marche",))))
    both = ids(search(con, None, Filters(kinds=("producteur",), channels=("marche",))))
    assert both == producers & at_market
    assert producers - both and at_market - both  # each filter alone keeps more


@pytest.mark.parametrize(
    "radius, filters",
    [
        (2.0, Filters()),
        (5.0, Filters(channels=("vente_ferme",))),
        (None, Filters(kinds=("producteur",), products=("fromages", "oeufs"), text="gaec", open_now=True)),
    ],
)
def test_the_count_beside_each_option_is_what_ticking_it_gives(con, radius, filters):
    area = None if radius is None else Area(*AMBERT, radius)
    now = datetime(2026, 11, 21, 10, 0, tzinfo=PARIS)  # a Saturday morning
    result = search(con, area, filters, now=now)
    attr = {"kind": "kinds", "channel": "channels", "label": "labels", "product": "products"}
    checked = 0
    for facet in FACETS:
        assert set(result.facets[facet]) == set(FACETS[facet][2].codes())  # every option has a count
        for option, count in result.facets[facet].items():
            if count == 0:
                continue  # ticking an option counted 0 would empty the list: not worth a search each
            ticked = replace(filters, **{attr[facet]: (option,)})
            assert search(con, area, ticked, now=now).total == count, (facet, option)
            checked += 1
    assert checked > 0
    assert search(con, area, replace(filters, open_now=True), now=now).total == result.open_now_count


def test_counts_ignore_their_own_facet_but_apply_the_others(con):
    result = search(con, None, Filters(kinds=("marche",), channels=("vente_ferme",)))
    # the kind counts apply the channel filter only: every kind selling at the farm, markets excluded
    farm = search(con, None, Filters(channels=("vente_ferme",)))
    assert result.facets["kind"]["producteur"] == (farm.listings["kind"] == "producteur").sum() > 0
    assert result.total == 0  # no market sells at the farm …
    assert sum(result.facets["channel"].values()) > 0  # … but markets do have a channel to offer


# ---------------------------------------------------------------- text


def test_text_search_ignores_case_and_accents(con):
    forez = "Fromagerie du Forez"  # pnr-small.csv PNR-2
    for text in ("fromage", "Fromagerie", "FROMAGÉRIE", "  fromagerie  "):
        assert forez in names(search(con, None, Filters(text=text))), text
    markets = names(search(con, None, Filters(text="MARCHÉ")))
    assert markets == names(search(con, None, Filters(text="marche")))
    # markets-small.csv: "Marché d'Ambert", "Marché de Job", "Marché d'Arlanc"
    assert {"Marché d'Ambert", "Marché de Job", "Marché d'Arlanc"} <= set(markets)


def test_a_name_typed_with_its_apostrophe_finds_itself(con, rows):
    active = [r for r in rows if r["status"] == "active"]
    for row in active:
        assert row["id"] in ids(search(con, None, Filters(text=row["name"]))), row["name"]


def test_text_finds_a_product_word_as_well_as_names(con, rows):
    # "oeufs": amap-small.csv (Légumes, oeufs), chambre-small.csv P3 (Volaille, oeufs) and the osm
    # vending machine (vending=milk;eggs) all publish the product code "oeufs"; no name says it.
    with_eggs = {r["id"] for r in rows if r["status"] == "active" and "oeufs" in (r["products"] or [])}
    assert len(with_eggs) >= 2
    for text in ("oeufs", "Œufs", "œuf"):
        assert ids(search(con, None, Filters(text=text))) == with_eggs, text


def test_text_results_each_contain_the_text(con, rows):
    for text in ("ferme", "ambert", "forez", "combes"):
        got = ids(search(con, None, Filters(text=text)))
        assert got, text
        for row in (r for r in rows if r["id"] in got):
            assert text in fold(row["name"]) or text in fold(row["description"] or ""), (text, row["name"])


@pytest.mark.parametrize(
    "text", ["'; DROP TABLE listings; --", "%", "_", "100%", "F%rme", "F_rme", "\\", "'", '"', "?", "$1"]
)
def test_hostile_text_is_plain_text_never_sql_or_a_wildcard(con, text):
    (before,) = con.execute("SELECT count(*) FROM listings").fetchone()
    result = search(con, None, Filters(text=text))
    # No fixture name, description or product contains these: with LIKE, "%", "_" and "F%rme"
    # would match Ferme…; as plain text they match nothing.
    assert result.total == 0, names(result)
    assert all(n == 0 for facet in result.facets.values() for n in facet.values())
    assert con.execute("SELECT count(*) FROM listings").fetchone() == (before,)
    assert "effacer la recherche par texte" in widen_hints(result, None, Filters(text=text))


# ---------------------------------------------------------------- hours


def test_open_now_follows_the_opening_hours_in_paris_time(con):
    # chambre-small.csv P1 "samedi 9h-12h" -> GAEC Les Combes, "Sa 09:00-12:00" (osm node/1001 agrees)
    saturday = {
        datetime(2026, 11, 21, 10, 0, tzinfo=PARIS): True,
        datetime(2026, 11, 21, 13, 0, tzinfo=PARIS): False,
        datetime(2026, 11, 21, 8, 30, tzinfo=UTC): True,  # 09:30 in Paris (winter, UTC+1)
        datetime(2026, 7, 4, 9, 30, tzinfo=UTC): True,  # 11:30 in Paris (summer, UTC+2)
        datetime(2026, 7, 4, 10, 30, tzinfo=UTC): False,  # 12:30 in Paris
        datetime(2026, 11, 20, 10, 0, tzinfo=PARIS): False,  # Friday
    }
    for now, is_open in saturday.items():
        result = search(con, None, Filters(open_now=True), now=now)
        assert ("GAEC Les Combes" in names(result)) is is_open, now
        assert result.when.tzinfo is not None and result.when.utcoffset() == now.astimezone(PARIS).utcoffset()


@pytest.mark.parametrize(
    "now",
    [datetime(2026, 11, 21, 10, 0), datetime(2026, 11, 19, 9, 0), datetime(2026, 11, 24, 18, 0),
     datetime(2026, 11, 26, 18, 30), datetime(2026, 11, 22, 3, 0)],
)  # fmt: skip
def test_open_now_is_what_the_hours_module_says_for_each_listing(con, rows, now):
    expected = {
        r["id"]
        for r in rows
        if r["status"] == "active" and open_state(r["opening_hours"], now).state == "open"
    }
    result = search(con, None, Filters(open_now=True), now=now.replace(tzinfo=PARIS))
    assert ids(result) == expected
    assert search(con, None, now=now.replace(tzinfo=PARIS)).open_now_count == len(expected)


def test_open_now_finds_a_first_sunday_summer_market_on_its_day(con):
    # markets-small.csv M2 "Marché de Job": "le 1er dimanche du mois", "juin-septembre" ->
    # "Jun-Sep Su[1] 08:00-13:00". Its slots cover a year from the build date, so it is found in
    # its season whatever the day the database was built, and only on its day.
    first_sunday = datetime(2026, 7, 5, 10, 0, tzinfo=PARIS)
    assert "Marché de Job" in names(search(con, None, Filters(open_now=True), now=first_sunday))
    second_sunday = datetime(2026, 7, 12, 10, 0, tzinfo=PARIS)
    assert "Marché de Job" not in names(search(con, None, Filters(open_now=True), now=second_sunday))
    november = datetime(2026, 11, 1, 10, 0, tzinfo=PARIS)  # a first Sunday, out of season
    assert "Marché de Job" not in names(search(con, None, Filters(open_now=True), now=november))


def test_a_broken_hours_expression_in_the_database_does_not_break_open_now(small_build, tmp_path):
    # GAEC Les Combes keeps its Saturday-morning slots but its expression no longer parses.
    db = copy_db(
        small_build.db,
        tmp_path / "broken.duckdb",
        ("UPDATE listings SET opening_hours = 'pas des horaires' WHERE name = ?", ["GAEC Les Combes"]),
    )
    with connect(db) as c:
        result = search(c, None, Filters(open_now=True), now=datetime(2026, 11, 21, 10, 0, tzinfo=PARIS))
    assert "GAEC Les Combes" not in names(result)


@pytest.mark.parametrize(
    "day, minute, expected",
    [
        # From the fixtures: GAEC Les Combes "samedi 9h-12h"; Marché d'Ambert "jeudi matin"
        # (Th 08:00-13:00); AMAP du Livradois "mardi 17h30-18h30"; Ferme des Sapins (osm node/1007)
        # "Mo-Fr 17:00-19:00".
        (5, 10 * 60, {"GAEC Les Combes"}),
        (5, 12 * 60, set()),  # closes at 12:00
        (5, None, {"GAEC Les Combes"}),
        (3, None, {"Marché d'Ambert", "Ferme des Sapins"}),
        (3, 18 * 60, {"Ferme des Sapins"}),
        (1, 17 * 60 + 45, {"AMAP du Livradois", "Ferme des Sapins"}),
        (1, 19 * 60, set()),
        # Marché de Job, first Sunday of the month in summer: "open on Sundays at 9" at least once a year.
        (6, 9 * 60, {"Marché de Job"}),
        (None, 9 * 60 + 30, {"GAEC Les Combes", "Marché d'Ambert", "Marché de Job"}),
        (None, 3 * 60, set()),
    ],
)
def test_day_and_time_filter(con, day, minute, expected):
    result = search(con, None, Filters(day=day, minute=minute))
    assert set(names(result)) == expected
    if not expected:
        assert "retirer le jour ou l'heure" in widen_hints(result, None, Filters(day=day, minute=minute))


# ---------------------------------------------------------------- closed listings


def _fetch(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with connect(db) as c:
        return c.execute(sql, params or []).fetchall()


def test_closed_listings_never_appear(small_build, tmp_path, rows):
    # Ferme Roux (chambre-small.csv P2) is the only Label Rouge listing and sells at Marché d'Ambert.
    roux = by_name(rows, "Ferme Roux")
    db = copy_db(
        small_build.db,
        tmp_path / "closed.duckdb",
        ("UPDATE listings SET status = 'closed' WHERE id = ?", [roux["id"]]),
    )
    with connect(db) as c:
        for area, filters in [
            (None, Filters()),
            (Area(roux["lat"], roux["lon"], 1), Filters()),
            (None, Filters(text="roux")),
            (None, Filters(labels=("label_rouge",))),
            (None, Filters(kinds=("producteur",), channels=("vente_ferme",))),
        ]:
            result = search(c, area, filters)
            assert roux["id"] not in ids(result)
            assert result.facets["label"]["label_rouge"] == 0
        everyone = search(c, None)
        assert everyone.total == sum(r["status"] == "active" for r in rows) - 1


# ---------------------------------------------------------------- hints


def test_widen_hints_name_every_active_constraint_when_nothing_matches(con):
    area = Area(*AMBERT, 1)
    filters = Filters(
        kinds=("marche",), channels=("amap",), labels=("ab",), products=("miel",), text="zzz",
        open_now=True, day=6, minute=3 * 60,
    )  # fmt: skip
    result = search(con, area, filters, now=datetime(2026, 11, 21, 10, 0, tzinfo=PARIS))
    assert result.total == 0
    assert widen_hints(result, area, filters) == [
        "élargir le rayon (actuellement 1 km)",
        "retirer le filtre sur le type de lieu",
        "retirer le filtre sur le mode de vente",
        "retirer le filtre sur le label",
        "retirer le filtre sur le produit",
        "effacer la recherche par texte",
        "décocher « ouvert maintenant »",
        "retirer le jour ou l'heure",
    ]


def test_no_hints_when_there_are_results_and_no_widening_past_the_maximum(con):
    area = Area(*AMBERT, 2)
    assert widen_hints(search(con, area), area, Filters()) == []
    far = Area(48.8566, 2.3522, RADIUS_MAX_KM)  # Paris, 100 km: still nothing, cannot widen further
    assert widen_hints(search(con, far), far, Filters()) == []
    assert widen_hints(search(con, far, Filters(text="ferme")), far, Filters(text="ferme")) == [
        "effacer la recherche par texte"
    ]
