"""GoGoCarto and Agence BIO adapters over answers written from the documented formats
(tests/fixtures/connectors), malformed ones included: each bad element is one rejected row with
a French reason, a bad file one French message, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courtcircuit.communes import CommuneIndex
from courtcircuit.normalise import build_steps
from etl.build import build, read_source
from etl.record import Rejection
from etl.sources import SourceConfig, load_sources

CONNECTORS = Path(__file__).parent / "fixtures" / "connectors"


def source(fmt: str, name: str) -> SourceConfig:
    return SourceConfig(name="t", format=fmt, path=CONNECTORS / name)


def read(fmt: str, name: str, communes: CommuneIndex) -> tuple[dict, dict[str, str], str | None, int]:
    """(records by ref, rejection reason by ref, failure, rows read) through the build's reader."""
    rejected: list[Rejection] = []
    reading = read_source(source(fmt, name), build_steps(communes), rejected, progress=False)
    reasons = {r.record_ref: r.reason for r in rejected if r.scope == "record"}
    return {r.ref: r for r in reading.records}, reasons, reading.failure, reading.read


def test_gogocarto_current_field_names(communes: CommuneIndex) -> None:
    records, _, failure, _ = read("gogocarto", "gogocarto-elements.json", communes)
    assert failure is None
    farm = records["Ab3x"]
    assert (farm.name, farm.kind, farm.channels, farm.products, farm.labels) == (
        "Ferme du Col", "producteur", ["vente_ferme"], ["fromages"], ["ab"],
    )  # fmt: skip
    assert (farm.lat, farm.lon, farm.geo_precision, farm.commune_insee) == (45.4808, 3.7274, "exact", "63211")
    assert farm.opening_hours == "Mo 09:00-12:00; Sa 09:00-12:00,14:00-18:00"
    assert farm.opening_hours_text == "Fermé en janvier"
    assert (farm.street, farm.postcode, farm.website) == ("Le Col", "63940", "https://ferme-du-col.example")


def test_gogocarto_older_field_names(communes: CommuneIndex) -> None:
    records, _, _, _ = read("gogocarto", "gogocarto-elements.json", communes)
    market = records["4521"]  # lat/lng as texts (one with a decimal comma), openhours, categories
    assert (market.kind, market.channels, market.products) == ("marche", ["marche"], ["legumes", "miel"])
    assert (market.lat, market.lon, market.opening_hours) == (45.4139, 3.725, "Tu 08:00-12:30")
    old, _, _, _ = read("gogocarto", "gogocarto-older.json", communes)
    sucs = old["old1"]  # a bare list, the address as one text, "17h00" hours
    assert (sucs.street, sucs.opening_hours, sucs.products) == (
        "Les Sucs, 63880 Olliergues", "We 17:00-19:00; Sa 08:00-12:30", ["fromages"],
    )  # fmt: skip


def test_gogocarto_malformed_elements_are_rejected_rows_with_french_reasons(communes: CommuneIndex) -> None:
    records, reasons, _, read_count = read("gogocarto", "gogocarto-elements.json", communes)
    assert read_count == len(records) + len(reasons) == 10
    assert "balisage HTML" in reasons["html1"]
    assert "lieu introuvable" in reasons["sea1"]  # a point in the sea, and no address to fall back on
    assert "latitude non numérique" in reasons["badtype"]
    assert "supprimée sur la carte GoGoCarto" in reasons["deleted1"]
    assert "pas un objet" in reasons["élément n° 8"]
    assert "nom manquant" in reasons["noname"]
    amap = records["noposition"]  # no position: placed at its commune's town hall
    assert (amap.kind, amap.geo_precision, amap.commune_insee) == ("amap", "commune", "63003")
    ids = records["ids1"]
    assert [i.field for i in ids.issues] == ["categories", "categories"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("gogocarto-truncated.json", "n'est pas un JSON GoGoCarto valide"),
        ("gogocarto-error.html", "est une page HTML"),
        ("gogocarto-no-list.json", "ni liste d'éléments ni clé « data »"),
        ("absent.json", "fichier introuvable"),
    ],
)
def test_gogocarto_unreadable_file_fails_the_source_in_french(
    name: str, message: str, communes: CommuneIndex
) -> None:
    _, _, failure, _ = read("gogocarto", name, communes)
    assert failure is not None and message in failure


def test_agencebio_selling_places_become_listings_with_the_ab_label(communes: CommuneIndex) -> None:
    records, _, failure, _ = read("agencebio", "agencebio-operateurs.json", communes)
    assert failure is None
    col = records["120345/2"]  # the « Lieux de vente » address, not the head office
    assert (col.name, col.kind, col.commune_insee, col.lat) == (
        "Ferme du Col",
        "producteur",
        "63211",
        45.4808,
    )
    assert (col.labels, col.ab_status, col.products) == (["ab"], "certifie", ["fromages", "lait"])
    assert (col.siret, col.website) == ("12345678900015", "https://ferme-du-col.example")
    martin = records["120346/1"]  # no coordinates: its commune; only productions in conversion
    assert (martin.ab_status, martin.geo_precision, martin.website) == (
        "conversion_c2", "commune", "https://legumes-martin.example",
    )  # fmt: skip
    shop = records["120354/1"]
    assert (shop.kind, shop.channels) == ("point_de_vente", ["intermediaire"])


def test_agencebio_suspended_or_stopped_certificate_loses_the_label(communes: CommuneIndex) -> None:
    records, _, _, _ = read("agencebio", "agencebio-operateurs.json", communes)
    for ref, word in (("120347/1", "suspendu"), ("120348/1", "arrêté")):
        rec = records[ref]
        assert (rec.labels, rec.ab_status) == ([], None)
        assert any(f"certificat bio {word}" in i.reason for i in rec.issues)


def test_agencebio_malformed_operators_are_rejected_rows(communes: CommuneIndex) -> None:
    records, reasons, _, read_count = read("agencebio", "agencebio-operateurs.json", communes)
    assert read_count == len(records) + len(reasons) == 10
    assert "aucune adresse « Lieux de vente »" in reasons["120349"]
    assert "aucune adresse « Lieux de vente »" in reasons["120350"]  # addresses not a list
    assert "latitude non numérique" in reasons["120351/1"]
    assert "pas un objet" in reasons["opérateur n° 8"]
    assert "balisage HTML" in reasons["120353/1"]


def test_a_build_accounts_for_every_row_and_records_licence_and_attribution(
    tmp_path: Path, communes: CommuneIndex
) -> None:
    for name in ("gogocarto-elements.json", "agencebio-operateurs.json"):
        shutil.copy(CONNECTORS / name, tmp_path / name)
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nname = "carte"\nformat = "gogocarto"\npath = "gogocarto-elements.json"\n'
        'attribution = "Carte Près de chez nous"\n\n'
        '[[source]]\nname = "bio"\nformat = "agencebio"\npath = "agencebio-operateurs.json"\n',
        encoding="utf-8",
    )
    report = build(
        tmp_path / "d.duckdb", load_sources(tmp_path / "sources.toml"), decisions=None, progress=False,
        communes=communes,
    )  # fmt: skip
    for counts in report.stats.values():
        assert counts["read"] == counts["loaded"] + counts["merged"] + counts["rejected"]
    assert report.stats["carte"]["read"] == 10 and report.stats["bio"]["read"] == 10
    sources = {s.name: s for s in load_sources(tmp_path / "sources.toml")}
    assert (sources["carte"].attribution, sources["bio"].licence) == (
        "Carte Près de chez nous", "Licence Ouverte Etalab 2.0",
    )  # fmt: skip


def test_gogocarto_licence_declared_by_the_map_is_reported_once(communes: CommuneIndex) -> None:
    rejected: list[Rejection] = []
    read_source(
        source("gogocarto", "gogocarto-elements.json"), build_steps(communes), rejected, progress=False
    )
    notes = [r for r in rejected if r.scope == "source"]
    assert [(n.value, n.reason[:33]) for n in notes] == [
        ("https://opendatacommons.org/licenses/odbl/summary/", "licence déclarée par la carte GoG")
    ]
