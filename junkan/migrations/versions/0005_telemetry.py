"""telemetry

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

import junkan.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "telemetry_batches",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_telemetry_batches_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telemetry_batches")),
    )
    op.create_table(
        "telemetry_daily",
        sa.Column("passport_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("readings", sa.Integer(), nullable=False),
        sa.Column("soce_last", sa.Float(), nullable=True),
        sa.Column("soce_min", sa.Float(), nullable=True),
        sa.Column("full_cycles_last", sa.Float(), nullable=True),
        sa.Column("energy_throughput_last", sa.Float(), nullable=True),
        sa.Column("cell_temp_min", sa.Float(), nullable=True),
        sa.Column("cell_temp_max", sa.Float(), nullable=True),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["passport_id"], ["passports.id"], name=op.f("fk_telemetry_daily_passport_id_passports")
        ),
        sa.PrimaryKeyConstraint("passport_id", "day", name=op.f("pk_telemetry_daily")),
    )
    op.create_table(
        "telemetry_readings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("passport_id", sa.String(length=36), nullable=False),
        sa.Column("measured_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("soce", sa.Float(), nullable=True),
        sa.Column("soc", sa.Float(), nullable=True),
        sa.Column("voltage", sa.Float(), nullable=True),
        sa.Column("current", sa.Float(), nullable=True),
        sa.Column("cell_temp_min", sa.Float(), nullable=True),
        sa.Column("cell_temp_max", sa.Float(), nullable=True),
        sa.Column("full_cycles", sa.Float(), nullable=True),
        sa.Column("energy_throughput", sa.Float(), nullable=True),
        sa.Column("events", sa.JSON(), nullable=True),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["telemetry_batches.id"],
            name=op.f("fk_telemetry_readings_batch_id_telemetry_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["passport_id"],
            ["passports.id"],
            name=op.f("fk_telemetry_readings_passport_id_passports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telemetry_readings")),
        sa.UniqueConstraint(
            "passport_id", "measured_at", name=op.f("uq_telemetry_readings_passport_id_measured_at")
        ),
    )


def downgrade() -> None:
    op.drop_table("telemetry_readings")
    op.drop_table("telemetry_daily")
    op.drop_table("telemetry_batches")
