"""Buyers' needs against floods and oversize input: field limits, duplicates, hourly limits,
and the public contact kept apart from the private one."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from courtcircuit.needs import (
    ALL_CLIENTS_PER_HOUR,
    LIMITS,
    PER_CLIENT_PER_HOUR,
    DuplicateNeed,
    InvalidNeed,
    TooManyNeeds,
    validate,
)
from courtcircuit.throttle import Backoff, Throttle
from courtcircuit.workspace.models import Need
from courtcircuit.workspace.needs import NeedStore
from courtcircuit.workspace.store import Store
from tests.test_needs import DRAFT


class Clock:
    def __init__(self) -> None:
        self.now = 2_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def needs(workspace_store: Store) -> NeedStore:
    """Needs in a fresh workspace store, on SQLite and on PostgreSQL."""
    return NeedStore(workspace_store)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(tmp_path, clock) -> Throttle:
    return Throttle(tmp_path / "throttle.sqlite3", clock=clock)


def numbered(i: int):
    return replace(DRAFT, volume=f"{i + 1} douzaines")


@pytest.mark.parametrize("field", sorted(LIMITS))
def test_every_field_has_a_size_limit_checked_by_the_store(needs, field):
    value = "1" * (LIMITS[field] + 1) if field == "contact_phone" else "x" * (LIMITS[field] + 1)
    with pytest.raises(InvalidNeed) as err:
        needs.submit(replace(DRAFT, **{field: value}))
    assert any(p.endswith(f"{LIMITS[field]} caractères au plus") for p in err.value.problems)
    assert needs.list() == []
    validate(replace(DRAFT, **{field: getattr(DRAFT, field) or "x"}))  # at the limit or under: fine


def test_the_same_need_sent_again_is_refused_until_it_is_rejected(needs):
    first = needs.submit(DRAFT)
    again = replace(DRAFT, volume="  200   DOUZAINES ", constraints="Livraison avant 9 h")
    with pytest.raises(DuplicateNeed) as err:
        needs.submit(again)
    assert "déjà enregistré" in err.value.problems[0]
    needs.review(first, "accepted")
    with pytest.raises(DuplicateNeed):
        needs.submit(DRAFT)
    assert needs.submit(replace(DRAFT, product="miel"))  # another product: another need
    assert needs.submit(replace(DRAFT, lat=45.6))  # another store: another need
    needs.review(first, "rejected")
    assert needs.submit(DRAFT)  # a refused need may be sent again


def test_a_client_may_send_a_few_needs_per_hour(needs, throttle, clock):
    for i in range(PER_CLIENT_PER_HOUR):
        needs.submit(numbered(i), throttle=throttle, client="ip:1")
        clock.now += 60
    with pytest.raises(TooManyNeeds) as err:
        needs.submit(numbered(99), throttle=throttle, client="ip:1")
    assert "réessayez dans 55 min" in err.value.problems[0]
    assert needs.submit(numbered(99), throttle=throttle, client="ip:2")  # someone else
    clock.now += 3600
    assert needs.submit(numbered(100), throttle=throttle, client="ip:1")
    assert len(needs.list()) == PER_CLIENT_PER_HOUR + 2


def test_refused_and_duplicate_needs_do_not_use_up_the_hour(needs, throttle):
    needs.submit(DRAFT, throttle=throttle, client="ip:1")
    for _ in range(10):
        with pytest.raises(DuplicateNeed):
            needs.submit(DRAFT, throttle=throttle, client="ip:1")
        with pytest.raises(InvalidNeed):
            needs.submit(replace(DRAFT, volume=""), throttle=throttle, client="ip:1")
    assert needs.submit(numbered(1), throttle=throttle, client="ip:1")


def test_many_clients_together_are_capped(needs, throttle):
    stored = 0
    for i in range(ALL_CLIENTS_PER_HOUR + 20):
        try:
            needs.submit(numbered(i), throttle=throttle, client=f"ip:{i}")
            stored += 1
        except TooManyNeeds:
            pass
    assert stored == ALL_CLIENTS_PER_HOUR


def test_501_identical_needs_from_three_tabs_store_one(needs, throttle):
    for i in range(501):
        with contextlib.suppress(InvalidNeed):
            needs.submit(DRAFT, throttle=throttle, client=f"session:{i % 3}")
    assert len(needs.list()) == 1


def test_the_public_contact_is_kept_apart_and_cleaned(needs):
    number = needs.submit(replace(DRAFT, public_contact="  achats@magasin.example.fr\n standard "))
    (need,) = needs.list()
    assert need.id == number and need.public_contact == "achats@magasin.example.fr standard"
    assert need.contact_name == "Claire Martin"  # private, for staff
    assert (
        needs.submit(replace(DRAFT, product="miel", public_contact=""))
        and needs.list()[0].public_contact is None
    )


def test_staff_decide_many_needs_at_once(needs):
    ids = [needs.submit(numbered(i)) for i in range(500)]
    assert needs.review_many(ids[:300], "accepted") == 300
    assert needs.review_many(ids[250:], "rejected") == 200  # the 50 already published stay published
    assert len(needs.public()) == 300 and len(needs.list("rejected")) == 200
    assert needs.list("pending") == []
    with pytest.raises(ValueError):
        needs.review_many(ids, "pending")


def test_refused_needs_are_erased_after_a_year_and_any_need_on_request(needs, workspace_store):
    old, recent, kept = (needs.submit(numbered(i)) for i in range(3))
    needs.review_many([old, recent], "rejected")
    with workspace_store.session() as session:  # refused long ago
        session.execute(
            update(Need).where(Need.id == old).values(reviewed_at=datetime(2020, 1, 1, tzinfo=UTC))
        )
    assert needs.purge_rejected() == 1
    assert sorted(n.id for n in needs.list()) == [recent, kept]
    assert needs.delete_many([kept]) == 1
    assert [n.id for n in needs.list()] == [recent]


def test_stale_counters_are_deleted(throttle, clock):
    rule = Backoff(free=3, base_s=2, max_delay_s=60, lock_after=10, lock_s=900)
    throttle.attempt("t", {"ip:old": rule})
    clock.now += 3601
    throttle.attempt("t", {"ip:new": rule})
    with sqlite3.connect(throttle.path) as con:
        assert [k for (k,) in con.execute("SELECT key FROM failures")] == ["ip:new"]
