"""Alembic migrations of the built-in ledger (and the tables other modules keep beside it).

`upgrade(url_or_engine)` brings a database to the newest revision; no alembic.ini is needed.
"""

from gateway.storage.migrate import alembic_config, upgrade

__all__ = ["alembic_config", "upgrade"]
