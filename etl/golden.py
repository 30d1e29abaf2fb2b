"""The golden listing: one place merged from the records of every source that describes it,
field by field from the member of best precedence that has a value (coordinates: the most
precise position first; the verification date: the latest), with each field's provenance.
Cut from `etl.resolve`, which decides which records make one place."""

from __future__ import annotations

import json
import operator
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from courtcircuit.record import LISTING_FIELDS, ListingFields, Record
from etl.name_keys import NameKeys

PRECISION_RANK = {"exact": 0, "street": 1, "commune": 2, None: 3}
LIST_FIELDS = ("channels", "labels", "products")


@dataclass
class GoldenListing:
    """One place, merged from the records of every source that describes it."""

    id: str
    members: list[Record]
    fields: ListingFields
    provenance: Mapping[str, dict[str, str]] = field(default_factory=dict)  # field -> source, ref, date
    # The members' names folded by resolve, in members' order, so that linking does not fold
    # them again; empty when built otherwise.
    name_keys: tuple[NameKeys, ...] = field(default=(), repr=False, compare=False)

    @property
    def position(self) -> tuple[float, float]:
        """(lat, lon): every published listing has one (records without are rejected)."""
        if self.fields.lat is None or self.fields.lon is None:
            raise ValueError(f"fiche {self.id} sans position")
        return self.fields.lat, self.fields.lon


def member_order(rec: Record) -> tuple[int, str, str]:
    return (rec.precedence, rec.source, rec.ref)


def _origin(rec: Record) -> dict[str, str]:
    """Where a field's value comes from, as the listing table's provenance JSON says it."""
    return {
        "source": rec.source,
        "ref": rec.ref,
        "date": rec.source_date.isoformat() if rec.source_date else "",
    }


def golden(members: list[Record], listing_id: str) -> GoldenListing:
    """The listing the members make: list fields united, every other field from the member
    that ranks first for it (precedence; the most precise position; the latest verification)."""
    if len(members) == 1:  # most places have one source: no ranking, no merging
        return _golden_of_one(members[0], listing_id)
    members = sorted(members, key=member_order)
    values: dict[str, Any] = {}  # typed by ListingFields below
    provenance: dict[str, dict[str, str]] = {}
    # One provenance dict per member, shared by the fields it gives: at 10^6 listings a dict per
    # field was gigabytes (the published JSON is the same).
    origins = {id(rec): _origin(rec) for rec in members}
    by_position, by_verification = members, members
    if len(members) > 1:
        by_position = sorted(
            members, key=lambda r: (PRECISION_RANK.get(r.geo_precision, 3), *member_order(r))
        )
        by_verification = sorted(members, key=lambda r: r.last_verified or date.min, reverse=True)
    for name in LISTING_FIELDS:
        if name in LIST_FIELDS:
            values[name] = list(dict.fromkeys(code for rec in members for code in getattr(rec, name)))
            continue
        ranked = members
        if name in ("lat", "lon", "geo_precision", "commune_insee"):
            ranked = by_position
        elif name == "last_verified":
            ranked = by_verification
        for rec in ranked:
            value = getattr(rec, name)
            if value not in (None, ""):
                values[name] = value
                provenance[name] = origins[id(rec)]
                break
        else:
            values[name] = None
    return GoldenListing(listing_id, members, ListingFields(**values), provenance)


_VALUES_OF = operator.attrgetter(*LISTING_FIELDS)
_IS_LIST = tuple(name in LIST_FIELDS for name in LISTING_FIELDS)


class OneOrigin(Mapping[str, dict[str, str]]):
    """The provenance of a listing made from one record: each field it gives → that record.

    Reads like the dict `golden` builds for several members (same keys in the same order, equal
    origins), in a fraction of its memory: the tuple of field names is shared by every listing
    with the same fields filled, and the origin is made when asked for (a dict per listing, and
    one per record, were most of a gigabyte at 10^6)."""

    __slots__ = ("names", "record")

    def __init__(self, names: tuple[str, ...], record: Record) -> None:
        self.names, self.record = names, record

    @property
    def origin(self) -> dict[str, str]:
        return _origin(self.record)

    def __getitem__(self, name: str) -> dict[str, str]:
        if name in self.names:
            return self.origin
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return repr(dict(self))


_SHARED_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}


def _golden_of_one(rec: Record, listing_id: str) -> GoldenListing:
    """`golden([rec])`, without the sorting: same values, same provenance in the same order."""
    values: dict[str, Any] = {}
    given: list[str] = []
    for name, value, is_list in zip(LISTING_FIELDS, _VALUES_OF(rec), _IS_LIST, strict=True):
        if is_list:
            values[name] = list(dict.fromkeys(value))
        elif value is not None and value != "":
            values[name] = value
            given.append(name)
        else:
            values[name] = None
    names = tuple(given)
    if len(_SHARED_NAMES) > 4096:  # never in practice: a few hundred patterns of filled fields
        _SHARED_NAMES.clear()
    names = _SHARED_NAMES.setdefault(names, names)
    return GoldenListing(listing_id, [rec], ListingFields(**values), OneOrigin(names, rec))


def provenance_json(listing: GoldenListing) -> str:
    """`json.dumps(listing.provenance, ensure_ascii=False)`, each member's part encoded once: the
    fields a member gives share one dict (see `golden`), and field names are plain identifiers."""
    if isinstance(listing.provenance, OneOrigin):
        part = json.dumps(listing.provenance.origin, ensure_ascii=False)
        return "{" + ", ".join(f'"{name}": {part}' for name in listing.provenance.names) + "}"
    parts: dict[int, str] = {}
    items = []
    for name, origin in listing.provenance.items():
        part = parts.get(id(origin))
        if part is None:
            part = parts[id(origin)] = json.dumps(origin, ensure_ascii=False)
        items.append(f'"{name}": {part}')
    return "{" + ", ".join(items) + "}"
