"""Buyers' needs in the workspace store: submitted by the public, reviewed by staff.

They used to have their own SQLite file (``data/needs.sqlite3``); they now live with the staff's
edits in ``COURT_CIRCUIT_WORKSPACE`` (a SQLite file by default, or PostgreSQL), outside the built
directory, so they survive every rebuild. An old needs file is copied in once
(:mod:`courtcircuit.workspace.needs_import`).

Every method raises :class:`~courtcircuit.needs.NeedsUnavailable` (French, nothing half written)
when the store cannot be used: read-only, busy with another writer, or unreachable. The page says
so and keeps what was typed.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from courtcircuit.messages import Message
from courtcircuit.needs import (
    ALL_CLIENTS_PER_HOUR,
    MAX_TEXT,
    PER_CLIENT_PER_HOUR,
    REJECTED_KEPT_DAYS,
    THROTTLE_SCOPE,
    DuplicateNeed,
    Need,
    NeedDraft,
    NeedsUnavailable,
    TooManyNeeds,
    same_text,
    validate,
)
from courtcircuit.throttle import Throttle, duration_fr
from courtcircuit.vocab import NEED_STATUS
from courtcircuit.workspace.models import Need as NeedRow
from courtcircuit.workspace.needs_import import import_legacy_needs, legacy_needs_path
from courtcircuit.workspace.store import Store, StoreUnavailable, default_url, only_writer

log = logging.getLogger(__name__)
_DECISIONS = ("accepted", "rejected")
_COLUMNS = tuple(f.name for f in fields(Need))


def _iso(when: datetime | None) -> str | None:
    """A stored time as the ISO text needs always had (UTC, to the second). SQLite hands times
    back without their zone; they were written in UTC."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _view(row: NeedRow) -> Need:
    values = {name: getattr(row, name) for name in _COLUMNS}
    values["created_at"], values["reviewed_at"] = _iso(row.created_at), _iso(row.reviewed_at)
    return Need(**values)


class NeedStore:
    """The needs, in a workspace :class:`Store` or at a workspace URL (default: the environment's).

    The store is opened on first use, not here: a store that cannot be opened now (read-only
    before its tables exist, locked, unreachable) must not break the page that shows it. Each
    call says so, and the first one that can opens it. With ``legacy``, an old needs file, its
    needs are copied in at that first opening if the workspace has none yet."""

    def __init__(self, store: Store | str | None = None, *, legacy: Path | None = None) -> None:
        self._store = store if isinstance(store, Store) else None
        self.url = store.url if isinstance(store, Store) else (store or default_url())
        self.legacy = legacy

    def _workspace(self) -> Store:
        if self._store is None:
            try:
                store = Store(self.url)
            except StoreUnavailable as exc:
                raise NeedsUnavailable.from_error(exc) from exc
            if self.legacy is not None:
                try:
                    copied = import_legacy_needs(store, self.legacy)
                except SQLAlchemyError as exc:  # the workspace refused: retried at the next call
                    raise NeedsUnavailable.from_error(exc) from exc
                if copied:
                    log.warning("%d besoin(s) repris de l'ancien fichier %s", copied, self.legacy)
            self._store = store
        return self._store

    @contextmanager
    def _session(self, *, exclusive: bool = False) -> Iterator[Session]:
        """One transaction on the needs, committed or rolled back (nothing half written); every
        storage error becomes NeedsUnavailable. ``exclusive``: the only writer until it ends."""
        store = self._workspace()
        try:
            with store.session() as session:
                if exclusive:
                    only_writer(session, NeedRow.__tablename__)
                yield session
        except (SQLAlchemyError, sqlite3.Error) as exc:  # sqlite3: the throttle's own file
            raise NeedsUnavailable.from_error(exc) from exc

    def submit(self, draft: NeedDraft, *, throttle: Throttle | None = None, client: str = "") -> int:
        """Store a validated need as pending; its id.

        The same need already waiting or published is refused (:class:`DuplicateNeed`). With
        a ``throttle`` (the form's path) the hourly limits per ``client`` and for everyone
        apply too (:class:`TooManyNeeds`); they are counted only for needs that pass every
        other check.
        """
        clean = validate(draft)
        with self._session(exclusive=True) as session:  # the duplicate check and the insert: one step
            if self._duplicate(session, clean):
                raise DuplicateNeed(
                    [
                        Message(
                            "ce besoin est déjà enregistré (en attente de validation ou publié) : "
                            "inutile de le renvoyer"
                        )
                    ]
                )
            if throttle is not None:
                limits = {f"client:{client}": PER_CLIENT_PER_HOUR, "all": ALL_CLIENTS_PER_HOUR}
                verdict = throttle.hit(THROTTLE_SCOPE, limits, window_s=3600)
                if not verdict.allowed:
                    raise TooManyNeeds(
                        [
                            Message(
                                "trop de besoins envoyés en une heure : réessayez dans {wait}",
                                wait=duration_fr(verdict.wait_s),
                            )
                        ]
                    )
            row = NeedRow(
                created_at=datetime.now(UTC).replace(microsecond=0), store_kind=clean.store_kind,
                place_label=clean.place_label, lat=clean.lat, lon=clean.lon, product=clean.product,
                volume=clean.volume, frequency=clean.frequency, constraints=clean.constraints,
                contact_name=clean.contact_name, contact_email=clean.contact_email or None,
                contact_phone=clean.contact_phone or None, public_contact=clean.public_contact or None,
                status="pending",
            )  # fmt: skip
            session.add(row)
            session.flush()
            return int(row.id)

    @staticmethod
    def _duplicate(session: Session, clean: NeedDraft) -> bool:
        """Is the same need (same store and product, same texts up to case and spaces) still
        waiting or published? A rejected one may be sent again, corrected or not."""
        rows = session.execute(
            select(NeedRow.volume, NeedRow.frequency, NeedRow.constraints).where(
                NeedRow.status != "rejected",
                NeedRow.product == clean.product,
                NeedRow.store_kind == clean.store_kind,
                func.abs(NeedRow.lat - clean.lat) < 1e-4,
                func.abs(NeedRow.lon - clean.lon) < 1e-4,
            )
        ).all()
        wanted = same_text(clean.volume, clean.frequency, clean.constraints)
        return any(same_text(*row) == wanted for row in rows)

    def list(self, status: str | None = None) -> list[Need]:
        """Needs, newest first; only those of ``status`` if given."""
        if status is not None and status not in NEED_STATUS:
            raise ValueError(f"statut inconnu : {status!r}")
        query = select(NeedRow).order_by(NeedRow.created_at.desc(), NeedRow.id.desc())
        if status is not None:
            query = query.where(NeedRow.status == status)
        with self._session() as session:
            return [_view(row) for row in session.scalars(query)]

    def public(self) -> list[Need]:
        """Accepted needs: the only ones shown to the public."""
        return self.list("accepted")

    def review(self, need_id: int, status: str, note: str = "") -> None:
        """Accept or reject a need (staff only: the caller checks who is asking)."""
        if status not in _DECISIONS:
            raise ValueError("une décision est « accepted » ou « rejected »")
        with self._session() as session:
            done = session.execute(
                update(NeedRow)
                .where(NeedRow.id == int(need_id))
                .values(
                    status=status, reviewed_at=datetime.now(UTC), review_note=note.strip()[:MAX_TEXT] or None
                )
            )
            if done.rowcount == 0:
                raise KeyError(f"besoin n° {need_id} introuvable")

    def review_many(self, need_ids: list[int], status: str) -> int:
        """Accept or reject several pending needs in one transaction (staff's bulk action);
        how many changed. Needs already decided, or gone, are left as they are."""
        if status not in _DECISIONS:
            raise ValueError("une décision est « accepted » ou « rejected »")
        ids = [int(i) for i in need_ids]
        if not ids:
            return 0
        with self._session() as session:
            done = session.execute(
                update(NeedRow)
                .where(NeedRow.id.in_(ids), NeedRow.status == "pending")
                .values(status=status, reviewed_at=datetime.now(UTC))
            )
            return int(done.rowcount)

    def delete_many(self, need_ids: list[int]) -> int:
        """Erase needs for good (a buyer asked for removal); how many were erased."""
        ids = [int(i) for i in need_ids]
        if not ids:
            return 0
        with self._session() as session:
            return int(session.execute(delete(NeedRow).where(NeedRow.id.in_(ids))).rowcount)

    def purge_rejected(self, days: int = REJECTED_KEPT_DAYS) -> int:
        """Erase needs refused more than ``days`` ago (the privacy page promises it)."""
        limit = datetime.now(UTC) - timedelta(days=days)
        with self._session() as session:
            done = session.execute(
                delete(NeedRow).where(NeedRow.status == "rejected", NeedRow.reviewed_at < limit)
            )
            return int(done.rowcount)


def needs_from_environment() -> NeedStore:
    """The app's needs: in ``COURT_CIRCUIT_WORKSPACE``, with the old needs file copied in once."""
    return NeedStore(default_url(), legacy=legacy_needs_path())
