"""The build's fast paths give what the plain code gives: batches, caches, the phone shortcut."""

from __future__ import annotations

import copy
import random

import phonenumbers
import pytest

from courtcircuit.communes import CommuneIndex
from courtcircuit.normalise import build_steps, detached, normalise, normalise_many
from courtcircuit.normalise.contacts import e164
from courtcircuit.record import Record, RejectRecord
from etl.golden import OneOrigin, golden, provenance_json


def _reference_e164(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_the_phone_shortcut_reads_french_numbers_as_phonenumbers_parse_does() -> None:
    draw = random.Random(12)
    texts = ["04 73 82 00 00", "+33 6 12 34 56 78", "0800 123 456", "06-12-34-56-7", "+330612345678"]
    for _ in range(5000):
        digits = "".join(draw.choice("0123456789") for _ in range(8))
        sep = draw.choice(["", " ", ".", "-"])
        start = draw.choice(["0", "+33", "+33 "]) + draw.choice("0123456789")
        texts.append(start + sep + sep.join(digits[i : i + 2] for i in range(0, 8, 2)))
    assert [e164(t) for t in texts] == [_reference_e164(t) for t in texts]


def _records() -> list[Record]:
    base = {"source": "test", "kind": "producteur", "name": "Ferme du Bois"}
    return [
        Record(ref="1", **base, lat=45.55, lon=3.74, phone="04 73 82 00 00", opening_hours="samedi 9h-12h"),
        Record(ref="2", **base | {"name": ""}, lat=45.55, lon=3.74),  # rejected: no name
        Record(ref="3", **base, postcode="63600", city="Ambert"),  # placed at the town hall
        Record(ref="4", **base, lat=47.0, lon=-8.0, postcode="63600", city="Ambert"),  # at sea
        Record(ref="5", **base | {"kind": "ferme épicerie"}),  # rejected: kind
        Record(ref="6", **base, lat=45.55, lon=3.74, phone="12", opening_hours="n'importe quand"),
    ]


def test_a_batch_comes_out_as_each_record_through_the_steps() -> None:
    steps = build_steps(CommuneIndex.load())
    alone = []
    for rec in _records():
        try:
            alone.append(normalise(rec, steps))
        except RejectRecord as err:
            alone.append(err)
    batch = normalise_many(_records(), steps)
    assert len(batch) == len(alone)
    for one, many in zip(alone, batch, strict=True):
        assert type(one) is type(many)
        if isinstance(one, Record):
            assert one == many  # values and notes, in the same order
        else:
            assert (one.reason, one.field) == (many.reason, many.field)  # type: ignore[union-attr]
            assert many.__traceback__ is None


def test_a_detached_exception_keeps_its_message_not_its_frames() -> None:
    try:
        try:
            raise ValueError("dessous")
        except ValueError as inner:
            raise RejectRecord("fiche écartée", "name") from inner
    except RejectRecord as err:
        kept = detached(err)
    assert str(kept) == "fiche écartée" and kept.field == "name"  # type: ignore[attr-defined]
    assert kept.__traceback__ is None and kept.__cause__ is None and kept.__context__ is None


def test_a_listing_of_one_record_has_the_provenance_a_dict_would_give() -> None:
    rec = Record(source="osm", ref="n1", kind="marche", name="Marché", city="Ambert", lat=45.5, lon=3.7)
    listing = golden([rec], "cc-1")
    assert isinstance(listing.provenance, OneOrigin)
    origin = {"source": "osm", "ref": "n1", "date": ""}
    expected = {name: origin for name in ("kind", "name", "city", "lat", "lon", "status")}
    assert dict(listing.provenance) == expected and listing.provenance == expected
    assert list(listing.provenance) == list(expected)
    assert listing.provenance["name"] == origin
    with pytest.raises(KeyError):
        listing.provenance["phone"]
    two = golden([rec, copy.copy(rec)], "cc-2")  # the dict of several members reads the same way
    assert provenance_json(listing) == provenance_json(two)
