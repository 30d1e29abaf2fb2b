"""Listing revisions: every staff change is a revision (who, when, which fields with their old
and new value, why), never an overwrite. The latest value of each edited field overrides what
the sources say, at every build and in the published directory right after saving.

Two people on the same listing: a save names the revision it started from (``base``). If
someone saved in between, the save is refused with :class:`EditConflict`, which carries the
other person's revisions, so the page can show them and let the second person keep theirs,
take the other's, or merge field by field. Never last-writer-wins: (listing_id, number) is
unique in the store, so even two app servers racing cannot both write revision n+1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from courtcircuit.schema import RECORD_FIELDS
from courtcircuit.selling_places import SELLS_AT
from courtcircuit.workspace.models import Revision
from courtcircuit.workspace.store import Store

KINDS = {
    "edit": "Modification",
    "create": "Création",
    "close": "Fermeture",
    "verify": "Vérification",
    "revert": "Annulation",
    "suggestion": "Suggestion acceptée",
    "moved": "Reprise par une autre fiche",  # no change: the values went to another listing
}
PUBLIC_SUGGESTION = "suggestion publique"  # the author of an accepted suggestion
EDITABLE = (*RECORD_FIELDS, SELLS_AT)  # where a producer sells: a list of outlet ids


class EditConflict(RuntimeError):
    """Someone saved this listing after the revision this edit started from."""

    def __init__(self, listing_id: str, base: int, others: list[RevisionView]) -> None:
        who = ", ".join(sorted({r.author for r in others})) or "quelqu'un"
        super().__init__(f"{who} a modifié cette fiche pendant que vous la modifiiez")
        self.listing_id = listing_id
        self.base = base
        self.others = others

    def their_values(self) -> dict[str, Any]:
        """The other people's latest value of each field they changed."""
        values: dict[str, Any] = {}
        for revision in sorted(self.others, key=lambda r: r.number):
            values |= {name: new for name, (_, new) in revision.changes.items()}
        return values


@dataclass(frozen=True)
class RevisionView:
    id: int
    listing_id: str
    number: int
    author: str
    at: datetime
    kind: str
    changes: dict[str, tuple[Any, Any]]  # field -> (old, new)
    reason: str
    reverts: int | None


def _view(r: Revision) -> RevisionView:
    changes = {name: (pair[0], pair[1]) for name, pair in r.changes.items()}
    return RevisionView(r.id, r.listing_id, r.number, r.author, r.at, r.kind, changes, r.reason, r.reverts)


def to_json(value: Any) -> Any:
    """A field value as the store keeps it: dates as ISO text, tuples as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "item"):  # numpy scalars from DuckDB frames
        return value.item()
    return value


def head(store: Store, listing_id: str) -> int:
    """The listing's latest revision number (0: never edited)."""
    with store.session() as s:
        return int(s.scalar(select(func.max(Revision.number)).where(Revision.listing_id == listing_id)) or 0)


def save(
    store: Store,
    listing_id: str,
    base: int,
    changes: dict[str, tuple[Any, Any]],
    author: str,
    *,
    kind: str = "edit",
    reason: str = "",
    reverts: int | None = None,
) -> RevisionView:
    """Write revision ``base + 1`` of the listing, or raise :class:`EditConflict`."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"champs inconnus : {sorted(unknown)}")
    if kind not in KINDS:
        raise ValueError(f"type de révision inconnu : {kind}")
    stored = {name: [to_json(old), to_json(new)] for name, (old, new) in changes.items()}
    try:
        with store.session() as s:
            current = int(
                s.scalar(select(func.max(Revision.number)).where(Revision.listing_id == listing_id)) or 0
            )
            if current != base:
                newer = s.scalars(
                    select(Revision).where(Revision.listing_id == listing_id, Revision.number > base)
                )
                raise EditConflict(listing_id, base, [_view(r) for r in newer])
            revision = Revision(
                listing_id=listing_id, number=base + 1, author=author[:254], at=datetime.now(UTC), kind=kind,
                changes=stored, reason=reason[:2000], reverts=reverts,
            )  # fmt: skip
            s.add(revision)
            s.flush()
            return _view(revision)
    except IntegrityError as exc:  # another server wrote base + 1 between our read and our write
        raise EditConflict(listing_id, base, history(store, listing_id, after=base)) from exc


def history(store: Store, listing_id: str, after: int = 0) -> list[RevisionView]:
    """The listing's revisions after number ``after``, newest first."""
    with store.session() as s:
        rows = s.scalars(
            select(Revision)
            .where(Revision.listing_id == listing_id, Revision.number > after)
            .order_by(Revision.number.desc())
        )
        return [_view(r) for r in rows]


def revision(store: Store, revision_id: int) -> RevisionView | None:
    with store.session() as s:
        found = s.get(Revision, revision_id)
        return _view(found) if found is not None else None


def revert(
    store: Store, revision_id: int, author: str, current: dict[str, Any], reason: str = ""
) -> RevisionView:
    """A new revision putting back the values ``revision_id`` replaced; ``current`` holds the
    listing's values now (the new revision's old values)."""
    target = revision(store, revision_id)
    if target is None:
        raise ValueError(f"révision {revision_id} introuvable")
    changes = {name: (current.get(name), old) for name, (old, _) in target.changes.items()}
    why = reason or f"annule la révision n° {target.number} de {target.author}"
    return save(
        store, target.listing_id, head(store, target.listing_id), changes, author,
        kind="revert", reason=why, reverts=target.id,
    )  # fmt: skip


def overrides(store: Store, listing_ids: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """listing id → field → the value staff last saved: what overrides the sources."""
    query = select(Revision.listing_id, Revision.changes).order_by(Revision.listing_id, Revision.number)
    if listing_ids is not None:
        query = query.where(Revision.listing_id.in_(listing_ids))
    result: dict[str, dict[str, Any]] = {}
    with store.session() as s:
        for listing_id, changes in s.execute(query):
            result.setdefault(listing_id, {}).update({name: pair[1] for name, pair in changes.items()})
    return result


def edited_since(store: Store, since: datetime) -> list[str]:
    """Listings with a revision after ``since``."""
    with store.session() as s:
        return list(s.scalars(select(Revision.listing_id).where(Revision.at > since).distinct()))
