"""help requests and helpers

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 20:10:00

Written by hand in the style of 0001 and 0002: DateTime(timezone=True) for the UtcDateTime
columns, nothing imported from the models it migrates, nothing SQLite-only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "helpers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("call_back_minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("helpers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_helpers_kiosk_id"), ["kiosk_id"], unique=False)
    op.create_table(
        "help_requests",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.String(length=40), nullable=True),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("masked_name", sa.String(length=60), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("helper_name", sa.String(length=60), nullable=False),
        sa.Column("call_back_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"]),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_requests_kiosk_id"), ["kiosk_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_help_requests_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_requests_created_at"))
        batch_op.drop_index(batch_op.f("ix_help_requests_kiosk_id"))
    op.drop_table("help_requests")
    with op.batch_alter_table("helpers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpers_kiosk_id"))
    op.drop_table("helpers")
