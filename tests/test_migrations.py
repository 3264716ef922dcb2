"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import junkan.models  # noqa: F401
from junkan import migrate
from junkan.db import Base, make_engine

HEAD = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def test_database_is_at_head(database_url):
    assert migrate.current(database_url) == HEAD


def test_models_and_migrations_agree(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(database_url):
    migrate.downgrade(database_url, "base")
    engine = make_engine(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    assert {"participants", "ledger_entries", "access_tokens"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()


def test_upgrade_of_a_fresh_sqlite_file_creates_its_directory(tmp_path):
    url = f"sqlite:///{tmp_path}/nested/dir/junkan.db"
    migrate.upgrade(url)
    assert migrate.current(url) == HEAD
    assert (tmp_path / "nested/dir/junkan.db").exists()
