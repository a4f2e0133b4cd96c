"""Repayment reminders: one row per instalment and offset, linked to its outbox row (gateway/reminders).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("instalment_id", sa.Integer, sa.ForeignKey("instalments.id"), nullable=False),
        sa.Column("offset_days", sa.Integer, nullable=False),
        sa.Column("outbox_id", sa.Integer, sa.ForeignKey("sms_outbox.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("instalment_id", "offset_days", name="uq_reminders_instalment_offset"),
    )
    op.create_index("ix_reminders_outbox_id", "reminders", ["outbox_id"])


def downgrade() -> None:
    op.drop_index("ix_reminders_outbox_id", table_name="reminders")
    op.drop_table("reminders")
