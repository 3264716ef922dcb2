"""footprint exchange

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

import junkan.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "footprint_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("spec_version", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=True),
        sa.Column("counterpart", sa.String(length=500), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=True),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", junkan.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["participants.id"],
            name=op.f("fk_footprint_requests_owner_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_footprint_requests_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_footprint_requests")),
        sa.UniqueConstraint(
            "direction",
            "counterpart",
            "event_id",
            name=op.f("uq_footprint_requests_direction_counterpart_event_id"),
        ),
    )
    with op.batch_alter_table("footprint_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_footprint_requests_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_footprint_requests_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "pact_outbox",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", junkan.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_pact_outbox_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_outbox")),
    )
    with op.batch_alter_table("pact_outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pact_outbox_due", ["delivered_at", "next_attempt_at"], unique=False
        )

    op.create_table(
        "pact_partners",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("secret_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_pact_partners_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_partners")),
        sa.UniqueConstraint(
            "participant_id", "base_url", name=op.f("uq_pact_partners_participant_id_base_url")
        ),
    )
    with op.batch_alter_table("footprint_products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=True))

    with op.batch_alter_table("footprints", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reference_period_start", junkan.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("reference_period_end", junkan.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("footprints", schema=None) as batch_op:
        batch_op.drop_column("reference_period_end")
        batch_op.drop_column("reference_period_start")

    with op.batch_alter_table("footprint_products", schema=None) as batch_op:
        batch_op.drop_column("details")

    op.drop_table("pact_partners")
    with op.batch_alter_table("pact_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_pact_outbox_due")

    op.drop_table("pact_outbox")
    with op.batch_alter_table("footprint_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_footprint_requests_participant_id"))
        batch_op.drop_index(batch_op.f("ix_footprint_requests_owner_id"))

    op.drop_table("footprint_requests")
