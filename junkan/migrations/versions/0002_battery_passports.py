"""battery passports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from junkan.db import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "passports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("battery_id", sa.String(length=255), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("battery_model", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("predecessor_id", sa.String(length=36), nullable=True),
        sa.Column("superseded_by", sa.String(length=36), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["participants.id"], name=op.f("fk_passports_operator_id_participants")
        ),
        sa.ForeignKeyConstraint(
            ["predecessor_id"], ["passports.id"], name=op.f("fk_passports_predecessor_id_passports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passports")),
    )
    with op.batch_alter_table("passports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passports_battery_id"), ["battery_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_passports_operator_id"), ["operator_id"], unique=False)
        batch_op.create_index(
            "ix_passports_operator_model", ["operator_id", "battery_model"], unique=False
        )
        batch_op.create_index(
            "uq_passports_live_battery",
            ["battery_id"],
            unique=True,
            sqlite_where=sa.text("superseded_by IS NULL"),
            postgresql_where=sa.text("superseded_by IS NULL"),
        )

    op.create_table(
        "passport_dynamic_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("passport_id", sa.String(length=36), nullable=False),
        sa.Column("attribute", sa.String(length=80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("measured_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["passport_id"],
            ["passports.id"],
            name=op.f("fk_passport_dynamic_values_passport_id_passports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passport_dynamic_values")),
    )
    with op.batch_alter_table("passport_dynamic_values", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dynamic_latest", ["passport_id", "attribute", "measured_at"], unique=False
        )

    op.create_table(
        "passport_versions",
        sa.Column("passport_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("change", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["passport_id"],
            ["passports.id"],
            name=op.f("fk_passport_versions_passport_id_passports"),
        ),
        sa.PrimaryKeyConstraint("passport_id", "version", name=op.f("pk_passport_versions")),
    )


def downgrade() -> None:
    op.drop_table("passport_versions")
    with op.batch_alter_table("passport_dynamic_values", schema=None) as batch_op:
        batch_op.drop_index("ix_dynamic_latest")

    op.drop_table("passport_dynamic_values")
    with op.batch_alter_table("passports", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_passports_live_battery",
            sqlite_where=sa.text("superseded_by IS NULL"),
            postgresql_where=sa.text("superseded_by IS NULL"),
        )
        batch_op.drop_index("ix_passports_operator_model")
        batch_op.drop_index(batch_op.f("ix_passports_operator_id"))
        batch_op.drop_index(batch_op.f("ix_passports_battery_id"))

    op.drop_table("passports")
