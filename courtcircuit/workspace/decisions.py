"""People's same-place decisions: "même lieu que…" / "pas le même lieu que…" between listings,
kept in the workspace store as one :class:`~courtcircuit.workspace.models.Decision` row per pair
of their source records (source, ref), as the resolver reads them. The next build honours them
(``etl.build`` adds :func:`pair_decisions` to ``data/decisions/pairs.csv``; the store wins).

A new decision on a pair replaces the earlier one on that pair: the latest word counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, delete, or_, select

from courtcircuit.messages import Message
from courtcircuit.workspace.models import Decision
from courtcircuit.workspace.store import Store

SourceKey = tuple[str, str]  # (source, source_ref), as listing_sources and the resolver name them


@dataclass(frozen=True)
class DecisionView:
    id: int
    at: datetime
    author: str
    a: SourceKey
    b: SourceKey
    same: bool
    note: str

    def involves(self, keys: Iterable[SourceKey]) -> bool:
        wanted = set(keys)
        return self.a in wanted or self.b in wanted


def _view(d: Decision) -> DecisionView:
    return DecisionView(d.id, d.at, d.author, (d.source_a, d.ref_a), (d.source_b, d.ref_b), d.same, d.note)


def _pair(a: SourceKey, b: SourceKey):  # type: ignore[no-untyped-def]
    """The SQL condition for this unordered pair."""
    return or_(
        and_(
            Decision.source_a == a[0],
            Decision.ref_a == a[1],
            Decision.source_b == b[0],
            Decision.ref_b == b[1],
        ),
        and_(
            Decision.source_a == b[0],
            Decision.ref_a == b[1],
            Decision.source_b == a[0],
            Decision.ref_b == a[1],
        ),
    )


def record(
    store: Store,
    these: Iterable[SourceKey],
    those: Iterable[SourceKey],
    same: bool,
    author: str,
    note: str = "",
) -> list[DecisionView]:
    """One decision per pair (one record of ``these``, one of ``those``), replacing any earlier
    decision on the same pair. Refused when a side has no source record, or when both sides
    share one (a listing is not decided against itself): ValueError with a French Message."""
    left, right = list(dict.fromkeys(these)), list(dict.fromkeys(those))
    if not left or not right:
        raise ValueError(
            Message("une des deux fiches n'a aucune source : il n'y a rien à rapprocher ou séparer")
        )
    if set(left) & set(right):
        raise ValueError(Message("les deux côtés partagent une même source : choisissez une autre fiche"))
    now = datetime.now(UTC)
    saved = []
    with store.session() as s:
        for a in left:
            for b in right:
                s.execute(delete(Decision).where(_pair(a, b)))
                row = Decision(
                    at=now, author=author[:254], source_a=a[0][:100], ref_a=a[1][:200], source_b=b[0][:100],
                    ref_b=b[1][:200], same=same, note=note.strip()[:2000],
                )  # fmt: skip
                s.add(row)
                s.flush()
                saved.append(_view(row))
    return saved


def decisions(store: Store, keys: Iterable[SourceKey] | None = None) -> list[DecisionView]:
    """The decisions touching any of ``keys`` (all when None), newest first."""
    with store.session() as s:
        rows = [
            _view(d) for d in s.scalars(select(Decision).order_by(Decision.at.desc(), Decision.id.desc()))
        ]
    if keys is None:
        return rows
    wanted = set(keys)
    return [d for d in rows if d.involves(wanted)]


def remove(store: Store, decision_id: int) -> bool:
    """Delete one decision; the next build decides that pair from the data again."""
    with store.session() as s:
        return bool(s.execute(delete(Decision).where(Decision.id == decision_id)).rowcount)


def pair_decisions(store: Store) -> dict[frozenset[SourceKey], bool]:
    """Every decision as the resolver takes them (``etl.resolve.load_decisions``' shape)."""
    found: dict[frozenset[SourceKey], bool] = {}
    with store.session() as s:
        for d in s.scalars(select(Decision).order_by(Decision.at, Decision.id)):
            found[frozenset({(d.source_a, d.ref_a), (d.source_b, d.ref_b)})] = d.same
    return found
