"""Alembic environment, driven by `gateway.banking.migrate` with a connection it passes in."""

from alembic import context

import gateway.reminders.models
import gateway.sms.tables  # noqa: F401
from gateway.banking.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
