"""Alembic migrations run from code: `upgrade(url)`; no alembic.ini needed."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from gateway.storage.db import make_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(target: str | Engine, revision: str = "head") -> None:
    """Bring the database at `target` (a URL or an engine) up to `revision`."""
    engine = make_engine(target) if isinstance(target, str) else target
    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if isinstance(target, str):
            engine.dispose()
