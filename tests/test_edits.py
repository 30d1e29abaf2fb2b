"""Staff edits end to end: checked by the ETL's own steps, applied to a real directory built from
the fixture sources, published within seconds, kept by every rebuild, and a source that changes
an edited field sent to the "à arbitrer" list. The store is real, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from courtcircuit.communes import CommuneIndex
from courtcircuit.db import connect
from courtcircuit.edits import (
    STAFF_ID_PREFIX,
    apply_overrides,
    arbitrations,
    new_listing_id,
    publish_edits,
    resolve_arbitration,
    validate_edit,
)
from courtcircuit.listing import get_listing
from courtcircuit.search import Filters, search
from courtcircuit.selling_places import SELLS_AT, linked_outlets
from courtcircuit.workspace import revisions
from courtcircuit.workspace.store import Store
from etl.build import build
from etl.sources import load_sources

EDITOR = "editrice@parc.example"


@pytest.fixture
def store(workspace_store: Store) -> Store:
    return workspace_store  # tests/conftest.py: on SQLite and on PostgreSQL


@pytest.fixture
def db(small_build, tmp_path: Path) -> Path:
    """A private copy of the directory built from the fixture sources."""
    path = tmp_path / "annuaire.duckdb"
    shutil.copyfile(small_build.db, path)
    return path


def listing_id(db: Path, source: str, ref: str) -> str:
    with connect(db) as con:
        (found,) = con.execute(
            "SELECT listing_id FROM listing_sources WHERE source = ? AND source_ref = ?", [source, ref]
        ).fetchone()
    return found


def current(db: Path, listing: str) -> dict[str, Any]:
    with connect(db) as con:
        detail = get_listing(con, listing)
    assert detail is not None
    return dict(detail.fields)


def save_edit(
    store: Store, db: Path, listing: str, check_values: dict[str, object], kind: str = "edit"
) -> None:
    """What the staff page does with a valid check: old values from the listing, new from the check."""
    before = current(db, listing) if kind != "create" else {}
    changes = {name: (revisions.to_json(before.get(name)), new) for name, new in check_values.items()}
    revisions.save(store, listing, revisions.head(store, listing), changes, EDITOR, kind=kind)


def build_with_edits(db: Path, sources: Path, communes: CommuneIndex, store: Store) -> None:
    """`python -m etl build` as a scheduler runs it: the sources, then the staff edits."""
    build(db, load_sources(sources), decisions=None, progress=False, communes=communes, workspace=store)


# ------------------------------------------------------------------ validation


def test_phone_and_french_hours_come_back_normalised_with_their_week(
    db: Path, communes: CommuneIndex
) -> None:
    listing = current(db, listing_id(db, "chambre", "P2"))
    check = validate_edit(
        listing, {"phone": "04 73 82 99 99", "opening_hours_text": "mardi et vendredi 17h-19h"}, communes
    )
    assert check.errors == {}
    assert check.values == {
        "phone": "+33473829999",
        "opening_hours": "Tu,Fr 17:00-19:00",
        "opening_hours_text": "mardi et vendredi 17h-19h",
    }
    assert check.week[1] == "mardi : 17:00–19:00" and check.week[4] == "vendredi : 17:00–19:00"
    assert check.week[0] == "lundi : fermé" and len(check.week) == 7


def test_each_bad_value_gets_a_french_message_beside_its_field(db: Path, communes: CommuneIndex) -> None:
    listing = current(db, listing_id(db, "chambre", "P2"))
    check = validate_edit(
        listing,
        {
            "phone": "12",
            "name": "<b>Ferme</b> Roux",
            "opening_hours_text": "quand il fait beau",
            "channels": "vente à la ferme, téléportation",
            "delivery_radius_km": "trente",
            "website": "javascript:alert(1)",
            "last_verified": "hier",
        },
        communes,
    )
    assert set(check.errors) == {
        "phone", "name", "opening_hours_text", "channels", "delivery_radius_km", "website", "last_verified",
    }  # fmt: skip
    assert check.errors["phone"] == "Numéro de téléphone invalide : « 12 »"
    assert "balisage HTML" in check.errors["name"]
    assert check.errors["opening_hours_text"].startswith("Horaires non compris")
    assert check.errors["channels"] == "Valeur inconnue pour « circuit de vente » : téléportation"
    assert check.errors["delivery_radius_km"] == "Nombre attendu : « trente »"
    assert check.errors["website"] == "Site web invalide : « javascript:alert(1) »"
    assert "AAAA-MM-JJ" in check.errors["last_verified"]


def test_a_problem_the_sources_left_on_an_untouched_field_does_not_block_an_edit(
    db: Path, communes: CommuneIndex
) -> None:
    listing = current(db, listing_id(db, "chambre", "P2")) | {"website": "pas un site"}
    check = validate_edit(listing, {"phone": "04 73 82 99 99"}, communes)
    assert check.errors == {} and check.values == {"phone": "+33473829999"}  # nor overridden


def test_a_moved_pin_finds_its_commune_and_an_address_elsewhere_is_flagged(
    db: Path, communes: CommuneIndex
) -> None:
    listing = current(db, listing_id(db, "chambre", "P2"))
    nearby = validate_edit(listing, {"lat": listing["lat"] + 0.001}, communes)
    assert nearby.errors == {} and nearby.values == {"lat": pytest.approx(listing["lat"] + 0.001)}
    far = validate_edit(listing, {"lat": 45.7168, "lon": 3.5148}, communes)  # Saint-Flour-l'Étang
    assert far.errors["lat"].startswith("L'adresse indique Ambert mais le point est à Saint-Flour")


def test_a_new_listing_needs_a_name_and_a_place(communes: CommuneIndex) -> None:
    check = validate_edit({}, {"kind": "producteur", "name": "Ferme des Essarts", "city": "Job"}, communes)
    assert check.errors == {}
    assert check.values["commune_insee"] == "63179" and check.values["geo_precision"] == "commune"
    assert check.values["status"] == "active" and "lat" in check.values
    missing = validate_edit({}, {"kind": "producteur", "city": "Nullepartville"}, communes)
    assert missing.errors["name"].startswith("Nom manquant")
    assert missing.errors["city"].startswith("Lieu introuvable")


# ------------------------------------------------------------------ applying to the directory


def test_apply_overrides_writes_each_column_with_its_type(db: Path) -> None:
    listing = listing_id(db, "chambre", "P1")
    overrides = {
        listing: {
            "channels": ["vente_ferme"], "last_verified": "2026-10-01", "delivers": False,
            "delivery_radius_km": 12.5, "lat": 45.56, "lon": 3.75, "opening_hours": "We 16:00-18:00",
            "phone": "+33473000000",
        },
        "cc-0000deadbeef": {"phone": "+33473000001"},  # dropped by the sources: waits, not inserted
    }  # fmt: skip
    provenance = {listing: {"phone": {"source": "équipe", "ref": "", "date": "2026-10-01"}}}
    with connect(db, read_only=False) as con:
        assert apply_overrides(con, overrides, provenance=provenance) == 1
        assert apply_overrides(con, overrides, provenance=provenance) == 1  # idempotent
        row = con.execute(
            "SELECT channels, last_verified, delivers, delivery_radius_km, ST_X(geom), ST_Y(geom), "
            "field_provenance, sources FROM listings WHERE id = ?",
            [listing],
        ).fetchone()
        slots = con.execute(
            "SELECT weekday, start_minute, end_minute FROM opening_slots WHERE listing_id = ?", [listing]
        ).fetchall()
        assert con.execute("SELECT count(*) FROM listings WHERE id = 'cc-0000deadbeef'").fetchone() == (0,)
        # The point written without the spatial extension is the build's ST_Point, byte for byte.
        assert con.execute("SELECT count(*) FROM listings WHERE geom <> ST_Point(lon, lat)").fetchone() == (
            0,
        )
    assert row[:6] == (["vente_ferme"], date(2026, 10, 1), False, 12.5, 3.75, 45.56)
    assert json.loads(row[6])["phone"] == {"source": "équipe", "ref": "", "date": "2026-10-01"}
    assert json.loads(row[6])["name"]["source"] == "chambre"  # untouched fields keep their source
    assert "équipe" in row[7]
    assert slots == [(2, 960, 1080)]


def test_an_edit_shows_in_search_and_on_the_listing_page_once_published(
    db: Path, store: Store, communes: CommuneIndex
) -> None:
    listing = listing_id(db, "chambre", "P2")
    check = validate_edit(
        current(db, listing), {"phone": "04 73 82 99 99", "name": "Ferme Roux et fils"}, communes
    )
    save_edit(store, db, listing, check.values)
    report = publish_edits(db, store)
    assert report.listings == 1 and report.seconds < 5
    with connect(db) as con:
        assert get_listing(con, listing)["phone"] == "+33473829999"
        found = search(con, None, Filters(text="Roux et fils")).listings
        assert list(found["id"]) == [listing]


def test_created_listings_appear_and_closed_ones_leave_the_public_search(
    db: Path, store: Store, communes: CommuneIndex
) -> None:
    new_id = new_listing_id(store)
    assert new_id == f"{STAFF_ID_PREFIX}1"
    created = validate_edit(
        {}, {"kind": "producteur", "name": "Ferme des Essarts", "city": "Job", "products": "miel"}, communes
    )
    save_edit(store, db, new_id, created.values, kind="create")
    assert new_listing_id(store) == f"{STAFF_ID_PREFIX}2"
    closed = listing_id(db, "chambre", "P3")
    check = validate_edit(current(db, closed), {"status": "closed"}, communes)
    save_edit(store, db, closed, check.values)
    publish_edits(db, store)
    publish_edits(db, store)  # idempotent: the created listing is not inserted twice
    with connect(db) as con:
        ids = set(search(con, None).listings["id"])
        assert new_id in ids and closed not in ids
        assert get_listing(con, closed)["status"] == "closed"  # kept, with its history
        page = get_listing(con, new_id)
        assert page["name"] == "Ferme des Essarts" and page["sources"] == ["équipe"]
        assert page["products"] == ["miel"]
        assert con.execute("SELECT count(*) FROM listings WHERE id = ?", [new_id]).fetchone() == (1,)


# ------------------------------------------------------------------ rebuilds and arbitration


def test_a_rebuild_keeps_the_edit_and_a_changed_source_goes_to_arbitration(
    fixture_sources: Path, tmp_path: Path, store: Store, communes: CommuneIndex
) -> None:
    db = tmp_path / "annuaire.duckdb"

    def rebuild() -> None:
        build_with_edits(db, fixture_sources, communes, store)

    rebuild()
    listing = listing_id(db, "chambre", "P2")
    check = validate_edit(current(db, listing), {"phone": "04 73 82 99 99"}, communes)
    save_edit(store, db, listing, check.values)
    created = validate_edit({}, {"kind": "marche", "name": "Marché du soir", "city": "Job"}, communes)
    save_edit(store, db, new_listing_id(store), created.values, kind="create")
    rebuild()  # the data checks run again on the directory with the staff values
    with connect(db) as con:
        assert get_listing(con, listing)["phone"] == "+33473829999"
        assert get_listing(con, f"{STAFF_ID_PREFIX}1")["name"] == "Marché du soir"
        assert arbitrations(con) == []

    csv = fixture_sources.parent / "chambre-small.csv"
    csv.write_text(
        csv.read_text(encoding="utf-8").replace("04 73 82 00 01", "04 73 82 55 55"), encoding="utf-8"
    )
    rebuild()
    with connect(db) as con:
        assert get_listing(con, listing)["phone"] == "+33473829999"  # the staff value stays
        (item,) = arbitrations(con)
    assert (item.listing_id, item.field, item.name) == (listing, "phone", "Ferme Roux")
    assert (item.staff_value, item.source_value, item.source) == ("+33473829999", "+33473825555", "chambre")

    resolve_arbitration(store, item, "staff", EDITOR)
    publish_edits(db, store)
    with connect(db) as con:
        assert arbitrations(con) == []
    rebuild()  # the source still says 55 55, which staff have now seen: no new arbitration
    with connect(db) as con:
        assert arbitrations(con) == [] and get_listing(con, listing)["phone"] == "+33473829999"

    csv.write_text(
        csv.read_text(encoding="utf-8").replace("04 73 82 55 55", "04 73 82 66 66"), encoding="utf-8"
    )
    rebuild()
    with connect(db) as con:
        (item,) = arbitrations(con)
    resolve_arbitration(store, item, "source", EDITOR)
    publish_edits(db, store)
    with connect(db) as con:
        assert arbitrations(con) == [] and get_listing(con, listing)["phone"] == "+33473826666"
    assert revisions.history(store, listing)[0].reason.startswith("à arbitrer")


# ------------------------------------------------------------------ where a producer sells


def outlets_of(db: Path, producer: str) -> dict[str, tuple[str | None, str]]:
    """outlet name → (days, source) of the producer's links in the directory."""
    with connect(db) as con:
        rows = con.execute(
            "SELECT o.name, k.days, k.source FROM listing_links k JOIN listings o ON o.id = k.outlet_id "
            "WHERE k.producer_id = ?",
            [producer],
        ).fetchall()
    return {name: (days, source) for name, days, source in rows}


def named(db: Path, name: str) -> str:
    with connect(db) as con:
        (found,) = con.execute("SELECT id FROM listings WHERE name = ?", [name]).fetchone()
    return found


def test_where_a_producer_sells_is_checked_against_the_directory(db: Path, communes: CommuneIndex) -> None:
    roux = listing_id(db, "chambre", "P2")
    ambert, arlanc, sapins = (
        named(db, "Marché d'Ambert"),
        named(db, "Marché d'Arlanc"),
        named(db, "Ferme des Sapins"),
    )
    with connect(db) as con:
        before = current(db, roux) | {SELLS_AT: linked_outlets(con, roux)}
        assert before[SELLS_AT] == [ambert]
        ok = validate_edit(before, {SELLS_AT: [arlanc, ambert, arlanc]}, communes, con)
        assert ok.errors == {} and ok.values == {SELLS_AT: sorted([ambert, arlanc])}
        unchanged = validate_edit(before, {SELLS_AT: [ambert]}, communes, con)
        assert unchanged.errors == {} and unchanged.values == {}
        assert (
            "introuvable"
            in validate_edit(before, {SELLS_AT: ["cc-000000000000"]}, communes, con).errors[SELLS_AT]
        )
        assert (
            "pas un lieu de vente"
            in validate_edit(before, {SELLS_AT: [sapins]}, communes, con).errors[SELLS_AT]
        )
        assert "propre" in validate_edit(before, {SELLS_AT: [roux]}, communes, con).errors[SELLS_AT]
        market = current(db, ambert)
        assert (
            "Seul un producteur"
            in validate_edit(market, {SELLS_AT: [arlanc]}, communes, con).errors[SELLS_AT]
        )
        # Changing the kind away from producer in the same edit is refused too.
        both = validate_edit(before, {"kind": "point_de_vente", SELLS_AT: [arlanc]}, communes, con)
        assert SELLS_AT in both.errors
    assert SELLS_AT in validate_edit(before, {SELLS_AT: [arlanc]}, communes).errors  # no directory: no guess


def test_staff_selling_places_replace_the_sources_and_keep_their_days(
    db: Path, store: Store, communes: CommuneIndex
) -> None:
    roux = listing_id(db, "chambre", "P2")
    ambert, arlanc = named(db, "Marché d'Ambert"), named(db, "Marché d'Arlanc")
    revisions.save(store, roux, 0, {SELLS_AT: ([ambert], sorted([ambert, arlanc]))}, EDITOR)
    publish_edits(db, store)
    assert outlets_of(db, roux) == {
        "Marché d'Ambert": ("jeudi matin", "marches"),
        "Marché d'Arlanc": (None, "équipe"),
    }
    with connect(db) as con:
        assert [o.name for o in get_listing(con, roux).sells_at] == ["Marché d'Ambert", "Marché d'Arlanc"]
        assert "Ferme Roux" in [s.name for s in get_listing(con, arlanc).sellers]
    revisions.save(store, roux, 1, {SELLS_AT: (sorted([ambert, arlanc]), [arlanc])}, EDITOR)
    publish_edits(db, store)
    publish_edits(db, store)  # idempotent
    assert outlets_of(db, roux) == {"Marché d'Arlanc": (None, "équipe")}
    revisions.revert(store, revisions.history(store, roux)[0].id, EDITOR, {SELLS_AT: [arlanc]})
    publish_edits(db, store)
    assert set(outlets_of(db, roux)) == {"Marché d'Ambert", "Marché d'Arlanc"}


def test_a_rebuild_keeps_staff_selling_places_and_a_source_change_goes_to_arbitration(
    fixture_sources: Path, tmp_path: Path, store: Store, communes: CommuneIndex
) -> None:
    db = tmp_path / "annuaire.duckdb"

    def rebuild() -> None:
        build_with_edits(db, fixture_sources, communes, store)

    rebuild()
    roux = listing_id(db, "chambre", "P2")
    ambert, arlanc = named(db, "Marché d'Ambert"), named(db, "Marché d'Arlanc")
    revisions.save(store, roux, 0, {SELLS_AT: ([ambert], sorted([ambert, arlanc]))}, EDITOR)
    rebuild()
    with connect(db) as con:
        assert arbitrations(con) == []
    assert set(outlets_of(db, roux)) == {"Marché d'Ambert", "Marché d'Arlanc"}

    markets = fixture_sources.parent / "markets-small.csv"
    markets.write_text(markets.read_text(encoding="utf-8").replace(";Ferme Roux\n", ";\n"), encoding="utf-8")
    rebuild()  # the market no longer names the farm: staff's list stays, and staff are asked
    assert set(outlets_of(db, roux)) == {"Marché d'Ambert", "Marché d'Arlanc"}
    with connect(db) as con:
        (item,) = arbitrations(con)
    assert (item.listing_id, item.field) == (roux, SELLS_AT)
    assert (item.staff_value, item.source_value) == (sorted([ambert, arlanc]), [])
    resolve_arbitration(store, item, "source", EDITOR)
    publish_edits(db, store)
    assert outlets_of(db, roux) == {}
