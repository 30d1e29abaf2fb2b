"""Finding the place a resident types (courtcircuit.places): communes offline, addresses online.

There is no network here. tests/fixtures/geoplateforme-ambert.json is an answer written in the
documented format of https://data.geopf.fr/geocodage/search (the same as api-adresse.data.gouv.fr:
a GeoJSON FeatureCollection whose features are Points [lon, lat] with label, score, housenumber,
id, name, postcode, citycode, x, y, city, context, type, importance, street) for
"12 rue de la République Ambert": one housenumber and one street. The geocoder is called through
an injected `fetch`.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
from urllib.parse import parse_qs, urlsplit

import pytest

from courtcircuit.db import connect
from courtcircuit.places import (
    COMMUNE_LEVEL,
    GEOPLATEFORME_URL,
    TIMEOUT_S,
    GeocoderUnavailable,
    Place,
    communes_with_listings,
    find_places,
    geocode_address,
    looks_like_address,
    parse_geocoder_answer,
)
from tests.conftest import FIXTURES

ANSWER = (FIXTURES / "geoplateforme-ambert.json").read_bytes()
ADDRESS = "12 rue de la République Ambert"
AMBERT_INSEE = "63003"


def labels(search) -> list[str]:
    return [p.label for p in search.places]


class Recorder:
    """A fetch that answers the fixture (or raises) and keeps the URLs it was asked."""

    def __init__(self, answer: bytes | Exception = ANSWER) -> None:
        self.answer = answer
        self.calls: list[tuple[str, float]] = []

    def __call__(self, url: str, timeout: float) -> bytes:
        self.calls.append((url, timeout))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


# ---------------------------------------------------------------- communes, offline


def test_a_commune_name_is_exact(communes):
    found = find_places("Ambert", communes, use_geocoder=False)
    assert found.exact is not None and found.exact.insee == AMBERT_INSEE
    assert found.exact.label == "Ambert (63600)" and found.exact.kind == "commune"
    assert found.places[0] == found.exact
    assert found.notice is None


def test_a_shared_postcode_lists_its_communes_without_choosing(communes):
    found = find_places("63600", communes, use_geocoder=False)
    assert found.exact is None  # several communes share 63600
    assert len(found.places) > 1 and AMBERT_INSEE in [p.insee for p in found.places]
    assert all("(63600)" in label for label in labels(found))


@pytest.mark.parametrize("text", ["St Anthème", "st antheme", "SAINT-ANTHEME", "Saint Anthème"])
def test_saint_abbreviated_and_accents_optional(communes, text):
    found = find_places(text, communes, use_geocoder=False)
    assert found.exact is not None and found.exact.label.startswith("Saint-Anthème (")
    assert found.exact.insee == "63319"  # Saint-Anthème, Puy-de-Dôme (INSEE code of the commune)


def test_a_typo_suggests_without_choosing(communes):
    found = find_places("Ambret", communes, use_geocoder=False)
    assert found.exact is None
    assert AMBERT_INSEE in [p.insee for p in found.places]


def test_a_suggestion_label_pasted_back_is_exact(communes):
    found = find_places("Ambert (63600)", communes, use_geocoder=False)
    assert found.exact is not None and found.exact.insee == AMBERT_INSEE


@pytest.mark.parametrize("text", ["zzzz", "", "   "])
def test_nothing_found_is_empty(communes, text):
    found = find_places(text, communes, use_geocoder=False)
    assert found.places == [] and found.exact is None and found.notice is None


def test_an_address_offline_suggests_the_commune_at_its_end(communes):
    assert looks_like_address(ADDRESS)
    found = find_places(ADDRESS, communes, use_geocoder=False)
    assert found.exact is None
    assert found.places[0].insee == AMBERT_INSEE


# ---------------------------------------------------------------- typos (issue 13)


def test_a_typo_puts_the_closest_spelling_first(communes):
    # "Ambrt" is one letter from Ambert, one letter from the beginning of Ambrières: the whole
    # name wins, and the suggestions say they are only near misses.
    found = find_places("Ambrt", communes, use_geocoder=False)
    assert found.places[0].insee == AMBERT_INSEE and found.exact is None
    assert found.near_misses


def test_names_spelt_as_typed_are_not_near_misses(communes):
    assert not find_places("Amber", communes, use_geocoder=False).near_misses
    assert not find_places("Ambert", communes, use_geocoder=False).near_misses


@pytest.mark.parametrize("text", ["Xyzville", "Qwxrtz", "Zzzyyville-sur-Mer"])
def test_nothing_close_is_nothing_not_made_up_near_misses(communes, text):
    found = find_places(text, communes, use_geocoder=False)
    assert found.places == [] and found.notice is None


def test_equally_close_names_go_to_the_bigger_commune_then_to_listed_ones(communes):
    # "Clermont" is spelt exactly by several communes: the biggest first (by order of magnitude),
    # then among communes of the same size, the one where the directory has listings.
    plain = [p.insee for p in find_places("Clermont", communes, use_geocoder=False).places]
    clermonts = [c for c in plain if communes.get(c).name == "Clermont"]
    populations = [communes.get(c).population or 0 for c in clermonts]
    assert len(clermonts) >= 3 and populations[0] == max(populations)
    sizes = {c: len(str(communes.get(c).population or "")) for c in clermonts}
    last = clermonts[-1]
    same_size = [c for c in clermonts if sizes[c] == sizes[last]]
    assert len(same_size) >= 2, sizes  # a tie the listings can break
    with_listings = [
        p.insee for p in find_places("Clermont", communes, use_geocoder=False, listed={last}).places
    ]
    assert with_listings.index(last) < with_listings.index(same_size[0]) or same_size[0] == last
    assert with_listings.index(last) < plain.index(last)


@pytest.mark.parametrize(
    "text", ["12 rue du Marché Ambert", "3 bis place du Marché, 63600 Ambert", "Route de Marsac Ambert"]
)
def test_a_street_address_offline_says_it_is_searched_at_the_commune(communes, text):
    found = find_places(text, communes, use_geocoder=False)
    assert [p.insee for p in found.places] == [AMBERT_INSEE]  # not Albertville & co.
    assert found.notice == COMMUNE_LEVEL and found.exact is None


@pytest.mark.parametrize("text", ["Cours", "Paris 15", "Ambert (63600)", "63600"])
def test_communes_with_street_words_or_numbers_are_not_addresses(communes, text):
    assert find_places(text, communes, use_geocoder=False).notice is None


def test_the_limit_is_kept(communes):
    assert len(find_places("Saint", communes, limit=3, use_geocoder=False).places) == 3


# ---------------------------------------------------------------- the geocoder's answer


def test_parse_geocoder_answer_gives_places_in_lat_lon():
    places = parse_geocoder_answer(ANSWER)
    features = json.loads(ANSWER)["features"]
    assert [p.label for p in places] == [f["properties"]["label"] for f in features]
    for place, feature in zip(places, features, strict=True):
        lon, lat = feature["geometry"]["coordinates"]
        assert (place.lat, place.lon) == (lat, lon)  # GeoJSON is [lon, lat]
        assert place.kind == "adresse" and place.insee == AMBERT_INSEE
    assert places[0] == Place("12 Rue de la République 63600 Ambert", 45.549612, 3.741705, "adresse", "63003")


def test_a_municipality_answer_is_a_commune():
    data = json.loads(ANSWER)
    data["features"][1]["properties"]["type"] = "municipality"
    assert [p.kind for p in parse_geocoder_answer(json.dumps(data))] == ["adresse", "commune"]


def test_one_odd_feature_does_not_hide_the_others():
    data = json.loads(ANSWER)
    good = data["features"][1]
    data["features"] = [
        {"type": "Feature", "properties": {"label": "sans géométrie"}},
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [3.7]},
            "properties": {"label": "x"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": ["a", "b"]},
            "properties": {"label": "y"},
        },
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [3.7, 45.5]}, "properties": {}},
        "not a feature",
        good,
    ]
    assert [p.label for p in parse_geocoder_answer(json.dumps(data))] == [good["properties"]["label"]]


@pytest.mark.parametrize(
    "payload", [b"{nope", b"", b"[]", b'{"type": "FeatureCollection"}', b"\xff\xfe", b"null"]
)
def test_broken_json_is_geocoder_unavailable(payload):
    with pytest.raises(GeocoderUnavailable):
        parse_geocoder_answer(payload)


def test_an_empty_answer_is_no_place():
    assert parse_geocoder_answer(b'{"type": "FeatureCollection", "features": []}') == []


# ---------------------------------------------------------------- calling the geocoder


def test_geocode_address_asks_the_address_index():
    fetch = Recorder()
    places = geocode_address(ADDRESS, fetch=fetch)
    assert [p.label for p in places] == [p.label for p in parse_geocoder_answer(ANSWER)]
    ((url, timeout),) = fetch.calls
    assert timeout == TIMEOUT_S
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == GEOPLATEFORME_URL
    assert parse_qs(parts.query) == {"q": [ADDRESS], "limit": ["5"], "index": ["address"]}


def test_geocode_address_sends_a_bounded_query():
    fetch = Recorder()
    geocode_address("12 rue & co ?x=1#y " * 50, limit=2, fetch=fetch)
    query = parse_qs(urlsplit(fetch.calls[0][0]).query)
    assert len(query["q"][0]) == 200 and query["limit"] == ["2"] and query["index"] == ["address"]
    assert "#" not in fetch.calls[0][0]  # the text cannot cut the URL short


def test_broken_json_from_the_geocoder_raises_unavailable():
    with pytest.raises(GeocoderUnavailable):
        geocode_address(ADDRESS, fetch=Recorder(b"<html>502 Bad Gateway</html>"))


def test_find_places_puts_the_addresses_before_the_communes(communes):
    fetch = Recorder()
    found = find_places(ADDRESS, communes, use_geocoder=True, fetch=fetch)
    assert len(fetch.calls) == 1 and found.notice is None
    addresses = [p.label for p in parse_geocoder_answer(ANSWER)]
    assert labels(found)[: len(addresses)] == addresses
    assert AMBERT_INSEE in [p.insee for p in found.places if p.kind == "commune"]


@pytest.mark.parametrize(
    "error",
    [
        OSError("network is unreachable"),
        urllib.error.URLError("Name or service not known"),
        TimeoutError("timed out"),
        ConnectionResetError(),
        http.client.IncompleteRead(b"{"),
    ],
)
def test_an_unreachable_geocoder_is_a_notice_and_the_communes_still_come(communes, error):
    found = find_places(ADDRESS, communes, use_geocoder=True, fetch=Recorder(error))
    assert found.notice is not None and found.notice.startswith("Recherche d'adresse indisponible")
    assert "seules les communes sont proposées" in found.notice
    assert found.places and found.places[0].insee == AMBERT_INSEE


def test_a_geocoder_answering_nonsense_is_a_notice_too(communes):
    found = find_places(ADDRESS, communes, use_geocoder=True, fetch=Recorder(b"{nope"))
    assert "illisible" in found.notice and found.places[0].insee == AMBERT_INSEE


def test_the_geocoder_is_only_asked_for_addresses(communes):
    fetch = Recorder()
    find_places("Ambert", communes, use_geocoder=True, fetch=fetch)
    find_places("63600", communes, use_geocoder=True, fetch=fetch)
    assert fetch.calls == []


def test_the_geocoder_is_off_unless_configured(communes, monkeypatch):
    fetch = Recorder()
    monkeypatch.delenv("COURT_CIRCUIT_GEOCODER", raising=False)
    assert find_places(ADDRESS, communes, fetch=fetch).notice == COMMUNE_LEVEL
    assert fetch.calls == []
    monkeypatch.setenv("COURT_CIRCUIT_GEOCODER", "geoplateforme")
    find_places(ADDRESS, communes, fetch=fetch)
    assert len(fetch.calls) == 1


def test_communes_with_listings_are_the_active_listings_communes(small_build):
    with connect(small_build.db) as con:
        listed = communes_with_listings(con)
        expected = {
            code
            for (code,) in con.execute(
                "SELECT commune_insee FROM listings WHERE status = 'active' AND commune_insee IS NOT NULL"
            ).fetchall()
        }
    assert AMBERT_INSEE in listed and listed == expected
