"""The live connectors against a real HTTP server on 127.0.0.1 (tests/connectors_server.py)
serving the recorded answers: retries after a 503, a timeout, a service down, and each
service's answer saved next to the sources file only when its format's reader accepts it."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest

from courtcircuit.communes import CommuneIndex
from courtcircuit.normalise import build_steps
from etl.build import read_source
from etl.connectors.geocoding import geocode_source, results_path
from etl.connectors.http import HttpSettings, ServiceUnavailable, fetch
from etl.connectors.live import fetch_source, gogocarto_url
from etl.connectors.sirene import check_source
from etl.record import Rejection
from etl.sources import SourceConfig
from tests.connectors_server import DOWN, RECORDED, Recorded, recorded_server

FAST = HttpSettings(timeout=2.0, retries=2, backoff=0.01)


def test_a_503_is_retried_with_back_off_until_the_answer_comes() -> None:
    with recorded_server() as server:
        body = fetch(f"{server.url}/flaky/2/gogocarto-older.json", service="Le service", settings=FAST)
    assert body == (RECORDED / "gogocarto-older.json").read_bytes()
    assert server.counts["/flaky/2/gogocarto-older.json"] == 3


def test_a_service_down_gives_a_french_message_after_the_retries() -> None:
    with recorded_server() as server, pytest.raises(ServiceUnavailable) as caught:
        fetch(f"{server.url}/down", service="La carte GoGoCarto", settings=FAST)
    assert server.counts["/down"] == 3
    message = str(caught.value)
    assert "La carte GoGoCarto est injoignable ou en panne (HTTP 503" in message
    assert "données précédentes de cette source sont gardées" in message


def test_a_service_that_hangs_is_given_up_after_the_timeout() -> None:
    settings = HttpSettings(timeout=0.3, retries=1, backoff=0.0)
    with recorded_server() as server:
        started = time.monotonic()
        with pytest.raises(ServiceUnavailable, match=r"aucune réponse en 0\.3 s, 2 essai"):
            fetch(f"{server.url}/hang", service="Le serveur Overpass", settings=settings)
        assert time.monotonic() - started < 3
    assert server.counts["/hang"] == 2


def test_a_refused_request_is_not_retried() -> None:
    with (
        recorded_server() as server,
        pytest.raises(ServiceUnavailable, match=r"a refusé la requête \(HTTP 404"),
    ):
        fetch(f"{server.url}/nulle-part", service="L'API", settings=FAST)
    assert server.counts["/nulle-part"] == 1


def test_nobody_listening_is_a_french_message() -> None:
    with recorded_server() as server:
        url = server.url
    with pytest.raises(ServiceUnavailable, match="connexion impossible"):
        fetch(f"{url}/files/x.json", service="L'API", settings=HttpSettings(timeout=1, retries=0))


def live(tmp_path: Path, fmt: str, **keys: object) -> SourceConfig:
    return SourceConfig(name="live", format=fmt, path=tmp_path / f"{fmt}.json", **keys)  # type: ignore[arg-type]


def test_gogocarto_from_an_instance_url_with_bounds(tmp_path: Path) -> None:
    routes = {"/carte/api/elements.json": "gogocarto-elements.json"}
    with recorded_server(routes) as server:
        source = live(tmp_path, "gogocarto", url=f"{server.url}/carte/", bounds=(3.3, 45.2, 4.0, 45.9))
        fetch_source(source, FAST)
    assert source.path.read_bytes() == (RECORDED / "gogocarto-elements.json").read_bytes()
    (_, asked, _) = server.requests[0]
    assert parse_qs(urlsplit(asked).query) == {"bounds": ["3.3,45.2,4,45.9"]}
    assert gogocarto_url(live(tmp_path, "gogocarto", url="https://x.example/api/elements.json?limit=5")) == (
        "https://x.example/api/elements.json?limit=5"
    )


@pytest.mark.parametrize(
    ("answer", "why"),
    [("gogocarto-error.html", "page HTML"), ("gogocarto-truncated.json", "pas un JSON GoGoCarto valide")],
)
def test_an_unusable_answer_keeps_the_previous_file(tmp_path: Path, answer: str, why: str) -> None:
    source = live(tmp_path, "gogocarto", url="http://127.0.0.1/")
    shutil.copy(RECORDED / "gogocarto-older.json", source.path)
    with recorded_server({"/api/elements.json": answer}) as server:
        source = live(tmp_path, "gogocarto", url=server.url)
        with pytest.raises(ServiceUnavailable, match=why) as caught:
            fetch_source(source, FAST)
    assert "réponse est inutilisable (la réponse " in str(caught.value)  # no temporary file's name
    assert source.path.read_bytes() == (RECORDED / "gogocarto-older.json").read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["gogocarto.json"]  # no temporary left behind


def test_agencebio_operators_of_the_territory(tmp_path: Path) -> None:
    with recorded_server({"/api/gouv/operateurs/": "agencebio-operateurs.json"}) as server:
        source = live(tmp_path, "agencebio", url=f"{server.url}/api/gouv/operateurs/", territory="63, 42003")
        fetch_source(source, FAST)
    (_, asked, _) = server.requests[0]
    assert parse_qs(urlsplit(asked).query) == {"nb": ["1000"], "departements": ["63,42"], "debut": ["0"]}
    saved = json.loads(source.path.read_bytes())
    assert len(saved["items"]) == saved["nbTotal"] == 10


def test_osm_territory_query_is_posted_and_its_answer_read(tmp_path: Path, communes: CommuneIndex) -> None:
    with recorded_server({"/api/interpreter": "overpass-territoire.json"}) as server:
        source = live(tmp_path, "osm-overpass", url=f"{server.url}/api/interpreter", territory="63003")
        fetch_source(source, FAST, communes)
    (method, _, body) = server.requests[0]
    query = unquote_plus(body.decode()).removeprefix("data=")
    assert method == "POST" and '["ref:INSEE"~"^(63003)$"]' in query and "out center tags;" in query
    for wanted in ('["shop"="farm"]', '["amenity"="marketplace"]', '["craft"="beekeeper"]',
                   '["shop"="greengrocer"]', '["shop"="cheese"]', '["amenity"="vending_machine"]'):  # fmt: skip
        assert wanted in query
    rejected: list[Rejection] = []
    reading = read_source(source, build_steps(communes), rejected, progress=False)
    kinds = {r.ref: (r.kind, r.products) for r in reading.records}
    assert kinds["node/9003"] == ("distributeur", ["lait", "oeufs"])  # vending=milk;eggs
    assert kinds["node/9004"] == ("producteur", ["miel"])
    assert kinds["node/9006"][0] == "point_de_vente"
    assert [r.record_ref for r in rejected if r.scope == "record"] == ["node/9007"]  # cigarettes


def test_an_overpass_answer_cut_by_its_time_limit_is_not_saved(tmp_path: Path) -> None:
    with recorded_server({"/api/interpreter": "overpass-timeout.json"}) as server:
        source = live(tmp_path, "osm-overpass", url=f"{server.url}/api/interpreter", territory="63")
        with pytest.raises(ServiceUnavailable, match="interrompu avant la fin"):
            fetch_source(source, FAST)
    assert not source.path.exists()


def _search(params: dict[str, list[str]]) -> str:
    return (
        "geocodage-search-republique.json" if "République" in params["q"][0] else "geocodage-search-vide.json"
    )


def geocoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, routes: dict) -> tuple[SourceConfig, Recorded]:
    shutil.copy(RECORDED / "gogocarto-adresses.json", tmp_path / "carte.json")
    source = SourceConfig(name="carte", format="gogocarto", path=tmp_path / "carte.json", geocode=True)
    with recorded_server(routes) as server:
        monkeypatch.setenv("COURT_CIRCUIT_GEOCODER_URL", f"{server.url}/geocodage")
        assert geocode_source(source, FAST) == 4  # g5 has a position already
    return source, server


def test_addresses_are_geocoded_in_one_batch_and_the_score_decides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, communes: CommuneIndex
) -> None:
    source, server = geocoded(tmp_path, monkeypatch, {"/geocodage/search/csv": "geocodage-lot.csv"})
    (method, _, body) = server.requests[0]
    assert method == "POST" and b'name="columns"\r\n\r\nadresse' in body and b"12 Rue de la R" in body
    assert results_path(source).exists()
    rejected: list[Rejection] = []
    records = {r.ref: r for r in read_source(source, build_steps(communes), rejected, progress=False).records}
    assert (records["g1"].lat, records["g1"].geo_precision) == (45.549612, "exact")  # a house number
    assert (records["g2"].lat, records["g2"].geo_precision) == (45.5555, "street")
    assert records["g3"].geo_precision == "commune"  # score 0,32 under 0,5
    assert records["g4"].geo_precision == "commune"  # not found
    notes = {r.record_ref: r.reason for r in rejected if r.field == "coordinates"}
    assert "score 0,96" in notes["g1"]
    assert notes["g3"] == "géocodage incertain (score 0,32 < 0,50) : position à la commune"
    assert "adresse non trouvée" in notes["g4"]
    assert records["g5"].lat == 45.6 and "g5" not in notes


def test_the_batch_endpoint_down_falls_back_to_one_search_per_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, communes: CommuneIndex
) -> None:
    source, server = geocoded(
        tmp_path, monkeypatch, {"/geocodage/search/csv": DOWN, "/geocodage/search": _search}
    )
    asked = [urlsplit(path).path for _, path, _ in server.requests]
    assert asked == ["/geocodage/search/csv"] * 3 + ["/geocodage/search"] * 4
    records = {r.ref: r for r in read_source(source, build_steps(communes), [], progress=False).records}
    assert (records["g1"].lat, records["g1"].geo_precision) == (45.549612, "exact")
    assert records["g2"].geo_precision == "commune"


def test_a_closed_establishment_is_flagged_for_staff_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, communes: CommuneIndex
) -> None:
    shutil.copy(RECORDED / "agencebio-operateurs.json", tmp_path / "bio.json")
    source = SourceConfig(name="bio", format="agencebio", path=tmp_path / "bio.json", check_siret=True)
    sirets = {"12345678900015", "98765432100015"}
    routes = {
        "/search": lambda q: (
            f"entreprises-{q['q'][0]}.json" if q["q"][0] in sirets else "entreprises-vide.json"
        )
    }
    with recorded_server(routes) as server:
        monkeypatch.setenv("COURT_CIRCUIT_ENTREPRISES_URL", f"{server.url}/search")
        assert check_source(source, FAST, pause=0) == 2
    rejected: list[Rejection] = []
    records = {r.ref: r for r in read_source(source, build_steps(communes), rejected, progress=False).records}
    assert "120345/2" in records and records["120345/2"].status == "active"  # never closed automatically
    flags = {r.record_ref: r.reason for r in rejected if r.field == "status"}
    assert list(flags) == ["120345/2"]
    assert flags["120345/2"].startswith(
        "établissement fermé selon l'annuaire des entreprises (« GAEC DU COL »"
    )


def test_agencebio_pages_are_fetched_until_the_total_and_saved_as_one_answer(tmp_path: Path) -> None:
    pages = {"0": "agencebio-page-1.json", "3": "agencebio-page-2.json"}
    with recorded_server({"/operateurs": lambda q: pages.get(q["debut"][0])}) as server:
        source = live(tmp_path, "agencebio", url=f"{server.url}/operateurs", territory="63")
        fetch_source(source, FAST, page_size=3)
    assert [parse_qs(urlsplit(p).query)["debut"] for _, p, _ in server.requests] == [["0"], ["3"]]
    saved = json.loads(source.path.read_bytes())
    assert [i["numeroBio"] for i in saved["items"]] == ["130000", "130001", "130002", "130003", "130004"]


@pytest.mark.parametrize(
    ("flag", "suffix"), [("check_siret", ".entreprises.json"), ("geocode", ".geocodage.csv")]
)
def test_a_damaged_saved_answer_fails_its_source_in_french(
    tmp_path: Path, communes: CommuneIndex, flag: str, suffix: str
) -> None:
    shutil.copy(RECORDED / "agencebio-operateurs.json", tmp_path / "bio.json")
    (tmp_path / f"bio.json{suffix}").write_bytes(b"\xff\xfe{ pas lisible")
    source = SourceConfig(name="bio", format="agencebio", path=tmp_path / "bio.json", **{flag: True})
    reading = read_source(source, build_steps(communes), [], progress=False)
    assert reading.failure == f"bio.json{suffix} illisible : relancer « python -m etl refresh bio »"
