"""Identity (participants, identifiers, sites, clients, tokens) and the append-only write record.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from junkan.db import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# The write record is append-only: the database itself refuses UPDATE and DELETE.
POSTGRES_APPEND_ONLY = """
CREATE FUNCTION junkan_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entries is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION junkan_ledger_append_only();
"""
SQLITE_APPEND_ONLY = [
    """CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
       BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only (UPDATE refused)'); END""",
    """CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
       BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only (DELETE refused)'); END""",
]


def upgrade() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("time", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(80), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("payload_sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_ledger_entries")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_ledger_entries_subject", "ledger_entries", ["subject"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_APPEND_ONLY)
    else:
        for statement in SQLITE_APPEND_ONLY:
            op.execute(statement)

    op.create_table(
        "participants",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
    )
    op.create_table(
        "participant_roles",
        sa.Column("participant_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            ondelete="CASCADE",
            name=op.f("fk_participant_roles_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("participant_id", "role", name=op.f("pk_participant_roles")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("participant_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            ondelete="CASCADE",
            name=op.f("fk_sites_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
    )
    op.create_index(op.f("ix_sites_participant_id"), "sites", ["participant_id"])
    op.create_table(
        "identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(40), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.Column("participant_id", sa.String(36), nullable=False),
        sa.Column("site_id", sa.String(36), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            ondelete="CASCADE",
            name=op.f("fk_identifiers_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], ondelete="CASCADE", name=op.f("fk_identifiers_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identifiers")),
        sa.UniqueConstraint("scheme", "value", name=op.f("uq_identifiers_scheme_value")),
    )
    op.create_index(op.f("ix_identifiers_participant_id"), "identifiers", ["participant_id"])
    op.create_index(op.f("ix_identifiers_value"), "identifiers", ["value"])
    op.create_table(
        "api_clients",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("participant_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("secret_hash", sa.String(255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            ondelete="CASCADE",
            name=op.f("fk_api_clients_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_api_clients")),
    )
    op.create_index(op.f("ix_api_clients_participant_id"), "api_clients", ["participant_id"])
    op.create_table(
        "access_tokens",
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("participant_id", sa.String(36), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.client_id"],
            ondelete="CASCADE",
            name=op.f("fk_access_tokens_client_id_api_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            ondelete="CASCADE",
            name=op.f("fk_access_tokens_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_access_tokens")),
    )
    op.create_index(op.f("ix_access_tokens_client_id"), "access_tokens", ["client_id"])
    op.create_index("ix_access_tokens_expires_at", "access_tokens", ["expires_at"])


def downgrade() -> None:
    op.drop_table("access_tokens")
    op.drop_table("api_clients")
    op.drop_table("identifiers")
    op.drop_table("sites")
    op.drop_table("participant_roles")
    op.drop_table("participants")
    op.drop_table("ledger_entries")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS junkan_ledger_append_only()")
