"""Buyers' needs move into the workspace (they had their own SQLite file, data/needs.sqlite3).

The old file's needs are copied in by ``courtcircuit.workspace.needs_import`` when the app first
opens the needs, not here: a migration also runs on a PostgreSQL store, far from that file.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "needs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("store_kind", sa.String(40), nullable=False),
        sa.Column("place_label", sa.Text, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("product", sa.String(40), nullable=False),
        sa.Column("volume", sa.Text, nullable=False),
        sa.Column("frequency", sa.Text, nullable=False),
        sa.Column("constraints", sa.Text, nullable=False, server_default=""),
        sa.Column("contact_name", sa.Text, nullable=False),
        sa.Column("contact_email", sa.Text, nullable=True),
        sa.Column("contact_phone", sa.Text, nullable=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="pending", index=True),
        sa.Column("reviewed_at", WHEN, nullable=True),
        sa.Column("review_note", sa.Text, nullable=True),
        sa.Column("public_contact", sa.Text, nullable=True),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="ck_need_status"),
    )


def downgrade() -> None:
    op.drop_table("needs")
