"""Alembic environment, driven by `gateway.storage.migrate` with a connection it passes in."""

from alembic import context

import gateway.storage.complaint_tables
import gateway.storage.decision_tables
import gateway.storage.funnel_tables
import gateway.storage.record_tables
import gateway.storage.reminder_tables
import gateway.storage.sms_tables  # noqa: F401
from gateway.storage.base import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
