"""Identity (participants, identifiers, sites, clients, tokens) and the signed ledger.

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

# The ledger is append-only: the database itself refuses UPDATE and DELETE on these tables.
APPEND_ONLY = ("ledger_entries", "ledger_nodes", "ledger_tree_heads")
POSTGRES_GUARD = """
CREATE FUNCTION junkan_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def _guard(table: str) -> list[str]:
    if op.get_bind().dialect.name == "postgresql":
        return [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION junkan_ledger_append_only()"
        ]
    return [
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} BEGIN "
        f"SELECT RAISE(ABORT, '{table} is append-only ({verb} refused)'); END"
        for verb in ("UPDATE", "DELETE")
    ]


def upgrade() -> None:
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

    op.create_table(
        "signing_keys",
        sa.Column("key_id", sa.String(40), nullable=False),
        sa.Column("participant_id", sa.String(36), nullable=True),
        sa.Column("custody", sa.String(12), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("private_key", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            ondelete="RESTRICT",
            name=op.f("fk_signing_keys_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_signing_keys")),
    )
    op.create_index(op.f("ix_signing_keys_participant_id"), "signing_keys", ["participant_id"])
    op.create_table(
        "ledger_entries",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("time", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(80), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("payload_sha256", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(40), nullable=False),
        sa.Column("signer", sa.String(12), nullable=False),
        sa.Column("signature", sa.String(88), nullable=False),
        sa.Column("signed_from", SEQ, nullable=False),
        sa.Column("signed_count", sa.Integer(), nullable=False),
        sa.Column("request_sha256", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["key_id"], ["signing_keys.key_id"], name=op.f("fk_ledger_entries_key_id_signing_keys")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_ledger_entries")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_ledger_entries_subject", "ledger_entries", ["subject"])

    op.create_table(
        "ledger_nodes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("index", SEQ, autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("level", "index", name=op.f("pk_ledger_nodes")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "ledger_tree_heads",
        sa.Column("tree_size", SEQ, autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.String(64), nullable=False),
        sa.Column("timestamp", UTCDateTime(), nullable=False),
        sa.Column("key_id", sa.String(40), nullable=False),
        sa.Column("signature", sa.String(88), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["signing_keys.key_id"],
            name=op.f("fk_ledger_tree_heads_key_id_signing_keys"),
        ),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_ledger_tree_heads")),
    )
    op.create_table(
        "commitments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("participant_id", sa.String(36), nullable=False),
        sa.Column("scheme", sa.String(12), nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            ondelete="RESTRICT",
            name=op.f("fk_commitments_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    op.create_index(op.f("ix_commitments_participant_id"), "commitments", ["participant_id"])
    op.create_table(
        "grants",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("grantee_id", sa.String(36), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(500), nullable=False),
        sa.Column("valid_until", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["participants.id"], name=op.f("fk_grants_owner_id_participants")
        ),
        sa.ForeignKeyConstraint(
            ["grantee_id"], ["participants.id"], name=op.f("fk_grants_grantee_id_participants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
    )
    op.create_index(op.f("ix_grants_owner_id"), "grants", ["owner_id"])
    op.create_index("ix_grants_grantee_subject", "grants", ["grantee_id", "subject"])
    op.create_table(
        "commitment_openings",
        sa.Column("commitment_id", sa.String(36), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("digest", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            ondelete="RESTRICT",
            name=op.f("fk_commitment_openings_commitment_id_commitments"),
        ),
        sa.PrimaryKeyConstraint("commitment_id", name=op.f("pk_commitment_openings")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_GUARD)
    for table in APPEND_ONLY:
        for statement in _guard(table):
            op.execute(statement)


def downgrade() -> None:
    op.drop_table("commitment_openings")
    op.drop_table("grants")
    op.drop_table("commitments")
    op.drop_table("ledger_tree_heads")
    op.drop_table("ledger_nodes")
    op.drop_table("ledger_entries")
    op.drop_table("signing_keys")
    op.drop_table("access_tokens")
    op.drop_table("api_clients")
    op.drop_table("identifiers")
    op.drop_table("sites")
    op.drop_table("participant_roles")
    op.drop_table("participants")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS junkan_ledger_append_only()")
