from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

import gateway.storage.complaint_tables
import gateway.storage.decision_tables
import gateway.storage.record_tables
import gateway.storage.repayment_tables
from gateway.banking.demo import DEMO_CUSTOMERS, seed_database
from gateway.storage.base import Base
from gateway.storage.db import make_engine
from gateway.storage.migrations import alembic_config, upgrade
from tests.banking_fixtures import db_engine, pg_engine, sqlite_engine

LEDGER_TABLES = {
    "value_chain_records",
    "record_sources",
    "customers",
    "savings_accounts",
    "savings_transactions",
    "loan_applications",
    "loans",
    "instalments",
    "repayments",
    "repayment_allocations",
    "sms_outbox",
    "sms_preferences",
    "sms_inbound",
    "reminders",
    "complaints",
    "loan_consents",
    "loan_cases",
    "loan_decisions",
    "los_deliveries",
    "staff",
    "staff_api_keys",
    "audit_log",
    "hop_funnels",
}


def _ledger_only(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in LEDGER_TABLES


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def test_upgrade_builds_the_schema_the_models_describe(db_engine: Engine) -> None:
    upgrade(db_engine)
    upgrade(db_engine)  # a second run has nothing to do
    assert set(inspect(db_engine).get_table_names()) >= LEDGER_TABLES | {"alembic_version"}
    with db_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _ledger_only})
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() == _head()


def test_downgrade_to_base_and_up_again(db_engine: Engine) -> None:
    upgrade(db_engine)
    config = alembic_config()
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(db_engine).get_table_names()) <= {"alembic_version"}
    upgrade(db_engine)
    assert set(inspect(db_engine).get_table_names()) >= LEDGER_TABLES


def test_upgrade_from_a_url(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    upgrade(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert set(inspect(engine).get_table_names()) >= LEDGER_TABLES
    finally:
        engine.dispose()


def test_seed_database_from_a_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    report = seed_database(url)
    assert all(c.msisdn in report for c in DEMO_CUSTOMERS)
    assert seed_database(url) == "the database already has customers: nothing seeded"
