"""Tables and migrations: the one package that knows the database schema.

`base.py` (Base, UTCDateTime), `ledger_tables.py`, `sms_tables.py`, `reminder_tables.py`, `db.py` (engines with
bounded waits), `migrate.py` (`upgrade`), `migrations/` (Alembic env and frozen revisions).
Only gateway.banking and this package import the ledger's tables (an import-linter contract).
"""
