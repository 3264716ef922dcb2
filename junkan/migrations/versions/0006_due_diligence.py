"""due diligence

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

import junkan.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dd_assessments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("battery_model", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["participants.id"], name=op.f("fk_dd_assessments_owner_id_participants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dd_assessments")),
    )
    with op.batch_alter_table("dd_assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dd_assessments_model", ["owner_id", "battery_model"], unique=False
        )

    op.create_table(
        "dd_entities",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("jurisdiction", sa.String(length=2), nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_dd_entities_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["participants.id"],
            name=op.f("fk_dd_entities_recorded_by_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dd_entities")),
    )
    with op.batch_alter_table("dd_entities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dd_entities_recorded_by"), ["recorded_by"], unique=False
        )

    op.create_table(
        "dd_findings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("battery_model", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("oecd_step", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("assessment_id", sa.String(length=36), nullable=False),
        sa.Column("first_found_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", junkan.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["dd_assessments.id"],
            name=op.f("fk_dd_findings_assessment_id_dd_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["participants.id"], name=op.f("fk_dd_findings_owner_id_participants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dd_findings")),
        sa.UniqueConstraint(
            "owner_id",
            "battery_model",
            "rule",
            "subject",
            name=op.f("uq_dd_findings_owner_id_battery_model_rule_subject"),
        ),
    )
    with op.batch_alter_table("dd_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dd_findings_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "dd_ownerships",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owned_id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("share_percent", sa.Float(), nullable=False),
        sa.Column("control", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owned_id"], ["dd_entities.id"], name=op.f("fk_dd_ownerships_owned_id_dd_entities")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["dd_entities.id"], name=op.f("fk_dd_ownerships_owner_id_dd_entities")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["participants.id"],
            name=op.f("fk_dd_ownerships_recorded_by_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dd_ownerships")),
        sa.UniqueConstraint(
            "owned_id", "owner_id", name=op.f("uq_dd_ownerships_owned_id_owner_id")
        ),
    )
    with op.batch_alter_table("dd_ownerships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dd_ownerships_owned_id"), ["owned_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dd_ownerships_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "dd_sites",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region", sa.String(length=10), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("operator_id", sa.String(length=36), nullable=True),
        sa.Column("artisanal", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(length=100), nullable=True),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["dd_entities.id"], name=op.f("fk_dd_sites_operator_id_dd_entities")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["participants.id"], name=op.f("fk_dd_sites_recorded_by_participants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dd_sites")),
    )
    with op.batch_alter_table("dd_sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dd_sites_recorded_by"), ["recorded_by"], unique=False)

    op.create_table(
        "dd_actions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("finding_id", sa.String(length=36), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["dd_findings.id"], name=op.f("fk_dd_actions_finding_id_dd_findings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dd_actions")),
    )
    with op.batch_alter_table("dd_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dd_actions_finding_id"), ["finding_id"], unique=False)

    op.create_table(
        "dd_audits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("auditor", sa.String(length=200), nullable=False),
        sa.Column("audited_on", sa.Date(), nullable=False),
        sa.Column("standard", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("report_url", sa.String(length=500), nullable=True),
        sa.Column("recorded_by", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["participants.id"], name=op.f("fk_dd_audits_recorded_by_participants")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["dd_sites.id"], name=op.f("fk_dd_audits_site_id_dd_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dd_audits")),
    )
    with op.batch_alter_table("dd_audits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dd_audits_site_id"), ["site_id"], unique=False)

    op.create_table(
        "dd_certifications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("scheme", sa.String(length=100), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["participants.id"],
            name=op.f("fk_dd_certifications_recorded_by_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["dd_sites.id"], name=op.f("fk_dd_certifications_site_id_dd_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dd_certifications")),
    )
    with op.batch_alter_table("dd_certifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dd_certifications_site_id"), ["site_id"], unique=False)

    op.create_table(
        "dd_lots",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("material", sa.String(length=40), nullable=False),
        sa.Column("form", sa.String(length=200), nullable=True),
        sa.Column("mass_kg", sa.Float(), nullable=False),
        sa.Column("origin", sa.String(length=30), nullable=False),
        sa.Column("produced_on", sa.Date(), nullable=False),
        sa.Column("battery_model", sa.String(length=200), nullable=True),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["participants.id"], name=op.f("fk_dd_lots_owner_id_participants")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["dd_sites.id"], name=op.f("fk_dd_lots_site_id_dd_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dd_lots")),
        sa.UniqueConstraint("owner_id", "reference", name=op.f("uq_dd_lots_owner_id_reference")),
    )
    with op.batch_alter_table("dd_lots", schema=None) as batch_op:
        batch_op.create_index("ix_dd_lots_model", ["owner_id", "battery_model"], unique=False)
        batch_op.create_index(batch_op.f("ix_dd_lots_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dd_lots_site_id"), ["site_id"], unique=False)

    op.create_table(
        "dd_lot_inputs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("output_id", sa.String(length=36), nullable=False),
        sa.Column("input_id", sa.String(length=36), nullable=False),
        sa.Column("mass_kg", sa.Float(), nullable=False),
        sa.Column("chain_of_custody", sa.String(length=20), nullable=False),
        sa.Column("created_at", junkan.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["input_id"], ["dd_lots.id"], name=op.f("fk_dd_lot_inputs_input_id_dd_lots")
        ),
        sa.ForeignKeyConstraint(
            ["output_id"], ["dd_lots.id"], name=op.f("fk_dd_lot_inputs_output_id_dd_lots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dd_lot_inputs")),
        sa.UniqueConstraint(
            "output_id", "input_id", name=op.f("uq_dd_lot_inputs_output_id_input_id")
        ),
    )
    with op.batch_alter_table("dd_lot_inputs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dd_lot_inputs_input_id"), ["input_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dd_lot_inputs_output_id"), ["output_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dd_lot_inputs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dd_lot_inputs_output_id"))
        batch_op.drop_index(batch_op.f("ix_dd_lot_inputs_input_id"))

    op.drop_table("dd_lot_inputs")
    with op.batch_alter_table("dd_lots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dd_lots_site_id"))
        batch_op.drop_index(batch_op.f("ix_dd_lots_owner_id"))
        batch_op.drop_index("ix_dd_lots_model")

    op.drop_table("dd_lots")
    with op.batch_alter_table("dd_certifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dd_certifications_site_id"))

    op.drop_table("dd_certifications")
    with op.batch_alter_table("dd_audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dd_audits_site_id"))

    op.drop_table("dd_audits")
    with op.batch_alter_table("dd_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dd_actions_finding_id"))

    op.drop_table("dd_actions")
    with op.batch_alter_table("dd_sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dd_sites_recorded_by"))

    op.drop_table("dd_sites")
    with op.batch_alter_table("dd_ownerships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dd_ownerships_owner_id"))
        batch_op.drop_index(batch_op.f("ix_dd_ownerships_owned_id"))

    op.drop_table("dd_ownerships")
    with op.batch_alter_table("dd_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dd_findings_owner_id"))

    op.drop_table("dd_findings")
    with op.batch_alter_table("dd_entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dd_entities_recorded_by"))

    op.drop_table("dd_entities")
    with op.batch_alter_table("dd_assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_dd_assessments_model")

    op.drop_table("dd_assessments")
