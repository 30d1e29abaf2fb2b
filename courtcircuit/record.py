"""The one record type every source adapter produces and every normalisation step refines.

It lives in the domain package because staff edits go through the same steps as the ETL
(courtcircuit.edits); what only the build needs (rejections, file errors) is in etl/record.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from courtcircuit.schema import RECORD_FIELDS


class RejectRecord(Exception):
    """Raised by an adapter or a step: the whole record cannot become a listing.

    The message is read by the people who keep the source, in French.
    """

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


@dataclass
class FieldIssue:
    """A value dropped or corrected on one field; the record itself survives."""

    field: str
    value: str
    reason: str


@dataclass
class OutletRef:
    """A place a producer sells through (or a producer selling at an outlet), by name.

    Resolved to a listing id after de-duplication; `kind` narrows the match.
    """

    name: str
    kind: str | None = None
    days: str | None = None


@dataclass(slots=True)
class ListingFields:
    """What a listing says about a place: the published fields, typed, in the listing table's
    order (courtcircuit.schema.RECORD_FIELDS; a test keeps the two in step). A source's record
    carries them, and so does the golden listing merged from several records.

    Slotted, like Record: their instance dicts were 1.6 KB each, 3 GB for a 10^6-row build."""

    kind: str | None = None
    name: str | None = None
    description: str | None = None

    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    commune_insee: str | None = None

    lat: float | None = None
    lon: float | None = None
    geo_precision: str | None = None

    phone: str | None = None
    email: str | None = None
    website: str | None = None

    opening_hours: str | None = None
    opening_hours_text: str | None = None

    channels: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    ab_status: str | None = None
    products: list[str] = field(default_factory=list)

    delivers: bool | None = None
    delivery_radius_km: float | None = None
    volumes: str | None = None
    delivery_frequency: str | None = None
    gtin_available: bool | None = None
    sanitary_approval: str | None = None
    siret: str | None = None

    last_verified: date | None = None
    status: str = "active"


@dataclass(kw_only=True, slots=True)
class Record(ListingFields):
    """One row of one source, on its way through the normalisation steps."""

    source: str
    ref: str
    source_date: date | None = None
    is_demo: bool = False
    precedence: int = 100

    # Lambert-93 (EPSG:2154) coordinates as given by a source, converted by a step.
    x_l93: float | None = None
    y_l93: float | None = None

    outlets: list[OutletRef] = field(default_factory=list)
    issues: list[FieldIssue] = field(default_factory=list)

    def note(self, field_name: str, value: object, reason: str) -> None:
        self.issues.append(FieldIssue(field_name, "" if value is None else str(value), reason))

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.ref)


# Fields copied into the golden listing, in the order the listing table shows them.
LISTING_FIELDS: tuple[str, ...] = RECORD_FIELDS
