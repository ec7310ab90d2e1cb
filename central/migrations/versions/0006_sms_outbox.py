"""the SMS table becomes an outbox (sent, attempts, next try), and notification templates

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 00:50:00

Written by hand in the style of 0001 to 0005: DateTime(timezone=True) for the UtcDateTime
columns, nothing imported from the models it migrates, nothing SQLite-only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=20), server_default="code", nullable=False)
        )
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.String(length=200), nullable=True))
    op.create_table(
        "notification_templates",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("notification_templates")
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.drop_column("last_error")
        batch_op.drop_column("next_try_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("purpose")
