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
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("spec_version", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.String(length=36), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["participants.id"],
            name=op.f("fk_footprint_requests_requester_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_footprint_requests")),
        sa.UniqueConstraint(
            "source", "event_id", name=op.f("uq_footprint_requests_source_event_id")
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

    op.drop_table("footprint_requests")
