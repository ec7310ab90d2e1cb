"""alerts for one kiosk that suspend services, and support requests with their uploads

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 00:10:00

Written by hand in the style of 0001 to 0003: DateTime(timezone=True) for the UtcDateTime
columns, nothing imported from the models it migrates, nothing SQLite-only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kiosk_id", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("disables", sa.String(length=400), server_default="", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_notices_kiosk_id"), ["kiosk_id"], unique=False)
    op.create_table(
        "support_requests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_type", sa.String(length=40), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_requests_kiosk_id"), ["kiosk_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_requests_kiosk_id"))
    op.drop_table("support_requests")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notices_kiosk_id"))
        batch_op.drop_column("disables")
        batch_op.drop_column("kiosk_id")
