"""The staff workspace's tables: accounts and their sign-in log, listing revisions, public
suggestions, people's same-place decisions, and buyers' needs. Everything staff and the public
write lives here, outside the built directory, so it survives every rebuild (SQLite by default,
PostgreSQL for several app servers). The tables are created and changed by the Alembic migrations in ``migrations/``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    """A person of the territory's team. ``territory`` lists INSEE codes: a département ("63",
    "2A", "974") or a commune ("63003"); empty for admins and moderators, who see everything."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    territory: Mapped[list[str]] = mapped_column(JSON, default=list)
    territory_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class AccountEvent(Base):
    """Sign-ins, failures, locks, password changes: the admins' log."""

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    event: Mapped[str] = mapped_column(String(40))
    client: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class Revision(Base):
    """One saved change of one listing: who, when, which fields (old and new value), why.

    ``number`` counts the listing's revisions from 1; (listing_id, number) is unique, so two
    people saving on the same base revision cannot both succeed (optimistic locking)."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("listing_id", "number", name="uq_revision_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # edit, create, close, verify, revert, suggestion
    changes: Mapped[dict] = mapped_column(JSON)  # field -> [old, new]
    reason: Mapped[str] = mapped_column(Text, default="")
    reverts: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"), nullable=True)


class Suggestion(Base):
    """A change proposed by the public, waiting for a moderator. The e-mail is never published."""

    __tablename__ = "suggestions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    listing_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # None: a new place
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(String(254), default="")
    client: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    handled_by: Mapped[str] = mapped_column(String(254), default="")
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Decision(Base):
    """ "Même lieu" / "pas le même lieu" between two listings' source records, read by the
    resolver at the next build."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str] = mapped_column(String(254))
    source_a: Mapped[str] = mapped_column(String(100))
    ref_a: Mapped[str] = mapped_column(String(200))
    source_b: Mapped[str] = mapped_column(String(100))
    ref_b: Mapped[str] = mapped_column(String(200))
    same: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")


class Need(Base):
    """A buyer's need (a shop looking for local products), public only once staff accepted it.

    ``contact_*`` are for staff only; ``public_contact`` is what the buyer chose to publish. Free
    text is ``Text``: the form's limits live in ``courtcircuit.needs.LIMITS``, and needs imported
    from the old needs file were stored before some of those limits existed."""

    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="ck_need_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    store_kind: Mapped[str] = mapped_column(String(40))
    place_label: Mapped[str] = mapped_column(Text)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    product: Mapped[str] = mapped_column(String(40))
    volume: Mapped[str] = mapped_column(Text)
    frequency: Mapped[str] = mapped_column(Text)
    constraints: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(Text)
    contact_email: Mapped[str | None] = mapped_column(Text, nullable=True)
    contact_phone: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    public_contact: Mapped[str | None] = mapped_column(Text, nullable=True)
