"""Repayment reminders: one row per instalment and offset, linked to its outbox row (gateway/reminders).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

from gateway.reminders.models import create_reminders_table, drop_reminders_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_reminders_table(op)


def downgrade() -> None:
    drop_reminders_table(op)
