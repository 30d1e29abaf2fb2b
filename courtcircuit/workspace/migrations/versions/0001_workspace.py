"""The first workspace tables: accounts, their log, revisions, suggestions, decisions.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("territory", sa.JSON, nullable=False),
        sa.Column("territory_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "account_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", WHEN, nullable=False, index=True),
        sa.Column("email", sa.String(254), nullable=False, index=True),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("client", sa.String(100), nullable=False, server_default=""),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("listing_id", sa.String(64), nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("author", sa.String(254), nullable=False),
        sa.Column("at", WHEN, nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("reverts", sa.Integer, sa.ForeignKey("revisions.id"), nullable=True),
        sa.UniqueConstraint("listing_id", "number", name="uq_revision_number"),
    )
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", WHEN, nullable=False, index=True),
        sa.Column("listing_id", sa.String(64), nullable=True),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("email", sa.String(254), nullable=False, server_default=""),
        sa.Column("client", sa.String(100), nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False, server_default="pending", index=True),
        sa.Column("handled_by", sa.String(254), nullable=False, server_default=""),
        sa.Column("handled_at", WHEN, nullable=True),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("author", sa.String(254), nullable=False),
        sa.Column("source_a", sa.String(100), nullable=False),
        sa.Column("ref_a", sa.String(200), nullable=False),
        sa.Column("source_b", sa.String(100), nullable=False),
        sa.Column("ref_b", sa.String(200), nullable=False),
        sa.Column("same", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    for table in ("decisions", "suggestions", "revisions", "account_events", "accounts"):
        op.drop_table(table)
