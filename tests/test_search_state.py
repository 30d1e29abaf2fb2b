"""The search as URL parameters (courtcircuit.search_state): round trip, and a notice, never an
exception, for every parameter that cannot be read."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courtcircuit.hours import DAYS_FR
from courtcircuit.search import Filters
from courtcircuit.search_state import (
    BASEMAPS,
    DEFAULT_RADIUS_KM,
    MAX_TEXT,
    SearchState,
    parse,
    to_params,
)
from courtcircuit.vocab import CHANNELS, KINDS, LABELS, PRODUCTS

DEFAULT = SearchState()


def codes(vocab) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(vocab.codes()), unique=True, max_size=4).map(tuple)


# What a URL can hold: text as parse keeps it (stripped, at most MAX_TEXT characters) and a
# position to five decimals (about a metre), which is what to_params writes.
stripped_text = st.text(max_size=MAX_TEXT).map(str.strip)
filters = st.builds(
    Filters,
    kinds=codes(KINDS),
    channels=codes(CHANNELS),
    labels=codes(LABELS),
    products=codes(PRODUCTS),
    text=stripped_text,
    open_now=st.booleans(),
    day=st.none() | st.integers(0, 6),
    minute=st.none() | st.integers(0, 24 * 60 - 1),
)
position = st.none() | st.tuples(
    st.integers(-90 * 10**5, 90 * 10**5).map(lambda i: i / 10**5),
    st.integers(-180 * 10**5, 180 * 10**5).map(lambda i: i / 10**5),
)


@st.composite
def states(draw) -> SearchState:
    lat, lon = draw(position) or (None, None)
    return SearchState(
        place=draw(stripped_text),
        lat=lat,
        lon=lon,
        radius_km=draw(st.integers(1, 100)),
        filters=draw(filters),
        page=draw(st.integers(1, 100_000)),
        basemap=draw(st.sampled_from(BASEMAPS)),
    )


@given(states())
def test_a_valid_state_survives_the_url(state):
    params = to_params(state)
    assert all(isinstance(v, str) for v in params.values())
    assert parse(params) == (state, [])


@given(states())
def test_parameters_given_as_lists_read_like_single_values(state):
    # st.query_params may give a list for a repeated parameter: a list of one is the value itself
    params = to_params(state)
    assert parse({k: [v] for k, v in params.items()}) == (state, [])


def test_the_default_state_is_an_empty_url():
    assert to_params(DEFAULT) == {}
    assert parse({}) == (DEFAULT, [])
    assert DEFAULT.area is None


def test_a_full_url_reads_as_expected():
    state, notices = parse(
        {
            "lieu": "Ambert (63600)", "lat": "45,5498", "lon": "3.7431", "rayon": "30",
            "type": "marche,amap", "vente": "vente_ferme", "label": "ab", "produit": "fromages,oeufs",
            "texte": "  fromage  ", "ouvert": "oui", "jour": "Samedi", "heure": "9h30", "page": "2",
            "fond": "ign",
        }
    )  # fmt: skip
    assert notices == []
    assert state == SearchState(
        "Ambert (63600)", 45.5498, 3.7431, 30,
        Filters(("marche", "amap"), ("vente_ferme",), ("ab",), ("fromages", "oeufs"), "fromage", True, 5, 570),
        2, "ign",
    )  # fmt: skip
    area = state.area
    assert (area.lat, area.lon, area.radius_km) == (45.5498, 3.7431, 30.0)


# Each malformed parameter alone: (parameters, what part of the state, the word the notice names)
MALFORMED = [
    ({"rayon": "abc"}, "radius_km", "Rayon"),
    ({"rayon": "0"}, "radius_km", "Rayon"),
    ({"rayon": "1000"}, "radius_km", "Rayon"),
    ({"rayon": "-5"}, "radius_km", "Rayon"),
    ({"rayon": "nan"}, "radius_km", "Rayon"),
    ({"lat": "NaN", "lon": "3.7"}, "position", "Position"),
    ({"lat": "95", "lon": "3.7"}, "position", "Position"),
    ({"lat": "45.5"}, "position", "Position"),  # lon missing
    ({"lon": "3.7"}, "position", "Position"),  # lat missing
    ({"lat": "45.5", "lon": "inf"}, "position", "Position"),
    ({"lat": "quarante-cinq", "lon": "3.7"}, "position", "Position"),
    ({"type": "unknown"}, "filters", "type"),
    ({"vente": "troc"}, "filters", "vente"),
    ({"label": "michelin"}, "filters", "label"),
    ({"produit": "caviar"}, "filters", "produit"),
    ({"jour": "funday"}, "filters", "Jour"),
    ({"heure": "25:00"}, "filters", "Heure"),
    ({"heure": "9"}, "filters", "Heure"),
    ({"heure": "12:60"}, "filters", "Heure"),
    ({"ouvert": "peut-être"}, "filters", "ouvert"),
    ({"page": "-1"}, "page", "Page"),
    ({"page": "0"}, "page", "Page"),
    ({"page": "deux"}, "page", "Page"),
    ({"page": "9" * 40}, "page", "Page"),
    ({"fond": "x"}, "basemap", "Fond"),
]


@pytest.mark.parametrize("params, part, word", MALFORMED)
def test_a_malformed_parameter_gives_the_default_and_one_french_notice(params, part, word):
    state, notices = parse(params)
    assert len(notices) == 1 and word in notices[0]
    if part == "position":
        assert (state.lat, state.lon, state.area) == (None, None, None)
        assert replace(state, lat=None, lon=None) == DEFAULT
    else:
        assert state == DEFAULT  # the part read back as its default, nothing else changed
    assert len(notices[0]) < 200  # quotes at most a short piece of what was given


GOOD = {
    "lieu": "Ambert", "lat": "45.5", "lon": "3.7", "rayon": "30", "type": "marche", "vente": "amap",
    "label": "ab", "produit": "miel", "texte": "ferme", "ouvert": "1", "jour": "lundi", "heure": "10:00",
    "page": "3", "fond": "ign",
}  # fmt: skip


@pytest.mark.parametrize("params, part, word", MALFORMED)
def test_a_malformed_parameter_does_not_spoil_the_others(params, part, word):
    position = {"lat", "lon"} if params.keys() & {"lat", "lon"} else set()
    good = {k: v for k, v in GOOD.items() if k not in params and k not in position}
    expected, notices = parse(good)
    assert notices == []
    state, notices = parse({**good, **params})
    assert len(notices) == 1 and word in notices[0]
    assert state == expected  # the malformed part is at its default, the others as given


def test_a_very_long_text_is_cut_with_a_notice():
    state, notices = parse({"texte": "fromage " * 500})
    assert len(state.filters.text) == MAX_TEXT and "fromage fromage".startswith(state.filters.text[:15])
    assert notices == [f"Texte recherché tronqué à {MAX_TEXT} caractères."]


def test_known_and_unknown_codes_mixed_keep_the_known():
    state, notices = parse({"type": "marche,soucoupe,amap,marche,", "produit": " oeufs , miel "})
    assert state.filters.kinds == ("marche", "amap")  # order kept, repeats dropped
    assert state.filters.products == ("oeufs", "miel")
    assert len(notices) == 1 and "soucoupe" in notices[0]


def test_lists_take_the_last_value():
    state, notices = parse(
        {"rayon": ["5", "30"], "fond": ["x", "ign"], "type": ["amap", "marche"], "lat": ["1", "45.5"],
         "lon": ["2", "3.7"], "texte": []}
    )  # fmt: skip
    assert notices == []
    assert (state.radius_km, state.basemap, state.filters.kinds) == (30, "ign", ("marche",))
    assert (state.lat, state.lon, state.filters.text) == (45.5, 3.7, "")
    _, notices = parse({"rayon": ["30", "abc"]})  # the last one counts, even when it is wrong
    assert len(notices) == 1


def test_french_day_names_and_times_are_read_loosely():
    for raw, day in (("lundi", 0), ("MARDI", 1), ("Dimanche", 6), (" samedi ", 5)):
        assert parse({"jour": raw})[0].filters.day == day, raw
    for raw, minute in (("09:30", 570), ("9h30", 570), ("0:00", 0), ("23:59", 1439)):
        assert parse({"heure": raw})[0].filters.minute == minute, raw
    assert DAYS_FR[parse({"jour": "vendredi"})[0].filters.day] == "vendredi"


def test_radius_is_rounded_to_a_whole_km_and_commas_are_decimal_points():
    assert parse({"rayon": "7,6"})[0].radius_km == 8
    assert parse({"rayon": "1"})[0].radius_km == 1 and parse({"rayon": "100"})[0].radius_km == 100
    assert parse({"rayon": str(DEFAULT_RADIUS_KM)}) == (DEFAULT, [])


@given(st.dictionaries(st.sampled_from(["lieu", "lat", "lon", "rayon", "type", "vente", "label", "produit",
                                        "texte", "ouvert", "jour", "heure", "page", "fond", "lang", "autre"]),
                       st.text(max_size=30) | st.lists(st.text(max_size=10), max_size=3)))  # fmt: skip
def test_any_parameters_parse_without_exception(params):
    state, notices = parse(params)
    assert isinstance(state, SearchState) and all(isinstance(n, str) for n in notices)
    assert len(notices) <= len(params)  # at most one notice per parameter
    state.area  # noqa: B018 - what was read is a valid search circle (or none): Area() would raise
    assert parse(to_params(state))[1] == []  # and it writes back as a readable URL


@pytest.mark.parametrize("page", ["²", "١", "½", "3.0", " 3", "0x10"])
def test_page_numbers_are_plain_ascii_digits(page):
    state, notices = parse({"page": page})
    assert (state.page, len(notices)) == (1, 1)
