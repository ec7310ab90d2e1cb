"""applications (一窗受理), their materials and timelines; departments and routing rules

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 00:40:00

Written by hand in the style of 0001 to 0004: DateTime(timezone=True) for the UtcDateTime
columns, nothing imported from the models it migrates, nothing SQLite-only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.add_column(sa.Column("spec", sa.JSON(), nullable=True))
    op.create_table(
        "departments",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=60), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("pickup_place_zh", sa.String(length=120), nullable=False),
        sa.Column("pickup_place_en", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "routing_rules",
        sa.Column("service_id", sa.String(length=40), nullable=False),
        sa.Column("department_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.PrimaryKeyConstraint("service_id"),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("application_no", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("service_id", sa.String(length=40), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("case_id", sa.String(length=32), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("after", sa.String(length=400), nullable=False),
        sa.Column("department_id", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("delivery", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=120), nullable=True),
        sa.Column("missing", sa.String(length=400), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("promised_date", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"]),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_no"),
        sa.UniqueConstraint("resident_id", "idempotency_key", name="uq_application_idempotency"),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_applications_queue", ["department_id", "status", "promised_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_applications_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_applications_resident_id"), ["resident_id"], unique=False
        )
    op.create_table(
        "application_materials",
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.PrimaryKeyConstraint("application_id", "key"),
    )
    op.create_table(
        "application_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("missing", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_events_application_id"), ["application_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_events_application_id"))
    op.drop_table("application_events")
    op.drop_table("application_materials")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_resident_id"))
        batch_op.drop_index(batch_op.f("ix_applications_case_id"))
        batch_op.drop_index("ix_applications_queue")
    op.drop_table("applications")
    op.drop_table("routing_rules")
    op.drop_table("departments")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_column("spec")
