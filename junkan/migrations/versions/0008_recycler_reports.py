"""recycler reports

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

import junkan.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recycler_reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recycler_id", sa.String(length=36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("chemistry", sa.String(length=20), nullable=False),
        sa.Column("plant", sa.String(length=300), nullable=True),
        sa.Column("input_kg", sa.Float(), nullable=False),
        sa.Column("output_kg", sa.Float(), nullable=False),
        sa.Column("metals", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recycler_id"],
            ["participants.id"],
            name=op.f("fk_recycler_reports_recycler_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recycler_reports")),
        sa.UniqueConstraint(
            "recycler_id",
            "year",
            "chemistry",
            name=op.f("uq_recycler_reports_recycler_id_year_chemistry"),
        ),
    )
    with op.batch_alter_table("recycler_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recycler_reports_recycler_id"), ["recycler_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("recycler_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recycler_reports_recycler_id"))

    op.drop_table("recycler_reports")
