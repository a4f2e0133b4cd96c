from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from gateway.banking.db import make_engine
from gateway.banking.migrate import alembic_config, upgrade
from gateway.banking.models import Base
from tests.banking_fixtures import db_engine, pg_engine, sqlite_engine  # noqa: F401

TABLES = {"customers", "savings_accounts", "savings_transactions", "loan_applications", "loans", "instalments",
          "repayments", "alembic_version"}


def test_upgrade_builds_the_schema_the_models_describe(db_engine: Engine) -> None:  # noqa: F811
    upgrade(db_engine)
    upgrade(db_engine)  # a second run has nothing to do
    assert set(inspect(db_engine).get_table_names()) == TABLES
    with db_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert MigrationContext.configure(connection).get_current_revision() == "0001"


def test_downgrade_to_base_and_up_again(db_engine: Engine) -> None:  # noqa: F811
    upgrade(db_engine)
    config = alembic_config()
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(db_engine).get_table_names()) <= {"alembic_version"}
    upgrade(db_engine)
    assert set(inspect(db_engine).get_table_names()) == TABLES


def test_upgrade_from_a_url(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    upgrade(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert set(inspect(engine).get_table_names()) == TABLES
    finally:
        engine.dispose()
