"""carbon footprints

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

import junkan.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emission_factors",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("kgco2e", sa.Float(), nullable=False),
        sa.Column("biogenic_share", sa.Float(), nullable=True),
        sa.Column("region", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("licence", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["participants.id"],
            name=op.f("fk_emission_factors_owner_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emission_factors")),
        sa.UniqueConstraint(
            "owner_id",
            "name",
            "region",
            "year",
            "version",
            name=op.f("uq_emission_factors_owner_id_name_region_year_version"),
        ),
    )
    op.create_table(
        "footprint_products",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("part_number", sa.String(length=120), nullable=False),
        sa.Column("plant", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("declared_unit", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["participants.id"],
            name=op.f("fk_footprint_products_owner_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_footprint_products")),
        sa.UniqueConstraint(
            "owner_id",
            "part_number",
            "plant",
            name=op.f("uq_footprint_products_owner_id_part_number_plant"),
        ),
    )
    with op.batch_alter_table("footprint_products", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_footprint_products_owner_id"), ["owner_id"], unique=False
        )

    op.create_table(
        "footprint_activities",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("factor_id", sa.String(length=36), nullable=True),
        sa.Column("primary", sa.Boolean(), nullable=False),
        sa.Column("quality", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["factor_id"],
            ["emission_factors.id"],
            name=op.f("fk_footprint_activities_factor_id_emission_factors"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["footprint_products.id"],
            name=op.f("fk_footprint_activities_product_id_footprint_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_footprint_activities")),
    )
    with op.batch_alter_table("footprint_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_footprint_activities_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "footprints",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=True),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("declared_unit", sa.String(length=40), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("biogenic", sa.Float(), nullable=False),
        sa.Column("primary_data_share", sa.Float(), nullable=False),
        sa.Column("quality", sa.JSON(), nullable=False),
        sa.Column("preceding_id", sa.String(length=36), nullable=True),
        sa.Column("provenance", sa.JSON(), nullable=True),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["participants.id"], name=op.f("fk_footprints_owner_id_participants")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["footprint_products.id"],
            name=op.f("fk_footprints_product_id_footprint_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_footprints")),
        sa.UniqueConstraint("product_id", "version", name=op.f("uq_footprints_product_id_version")),
    )
    with op.batch_alter_table("footprints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_footprints_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "footprint_components",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("component_product_id", sa.String(length=36), nullable=True),
        sa.Column("supplier_footprint_id", sa.String(length=36), nullable=True),
        sa.Column("factor_id", sa.String(length=36), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_product_id"],
            ["footprint_products.id"],
            name=op.f("fk_footprint_components_component_product_id_footprint_products"),
        ),
        sa.ForeignKeyConstraint(
            ["factor_id"],
            ["emission_factors.id"],
            name=op.f("fk_footprint_components_factor_id_emission_factors"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["footprint_products.id"],
            name=op.f("fk_footprint_components_product_id_footprint_products"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_footprint_id"],
            ["footprints.id"],
            name=op.f("fk_footprint_components_supplier_footprint_id_footprints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_footprint_components")),
    )
    with op.batch_alter_table("footprint_components", schema=None) as batch_op:
        batch_op.create_index(
            "ix_footprint_components_child", ["component_product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_footprint_components_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "footprint_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("footprint_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=False),
        sa.Column("via", sa.JSON(), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["footprint_id"],
            ["footprints.id"],
            name=op.f("fk_footprint_contributions_footprint_id_footprints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_footprint_contributions")),
    )
    with op.batch_alter_table("footprint_contributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_footprint_contributions_footprint_id"), ["footprint_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("footprint_contributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_footprint_contributions_footprint_id"))

    op.drop_table("footprint_contributions")
    with op.batch_alter_table("footprint_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_footprint_components_product_id"))
        batch_op.drop_index("ix_footprint_components_child")

    op.drop_table("footprint_components")
    with op.batch_alter_table("footprints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_footprints_owner_id"))

    op.drop_table("footprints")
    with op.batch_alter_table("footprint_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_footprint_activities_product_id"))

    op.drop_table("footprint_activities")
    with op.batch_alter_table("footprint_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_footprint_products_owner_id"))

    op.drop_table("footprint_products")
    op.drop_table("emission_factors")
