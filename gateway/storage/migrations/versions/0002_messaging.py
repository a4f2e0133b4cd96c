"""SMS outbox, opt-out preferences and the inbound message log (gateway/storage/sms_tables.py).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEY = 200
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sms_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("idempotency_key", sa.String(KEY), nullable=False, unique=True),
        sa.Column("to_msisdn", sa.String(20), nullable=False, index=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("required_by_contract", sa.Boolean, nullable=False),
        sa.Column("segments", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=True, index=True),
        sa.Column("provider_status", sa.String(20), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error_code", sa.String(20), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("not_before", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=True),
        sa.Column("enqueued_at", MOMENT, nullable=True),
        sa.Column("claimed_at", MOMENT, nullable=True),
        sa.Column("sent_at", MOMENT, nullable=True),
        sa.Column("updated_at", MOMENT, nullable=False),
    )
    op.create_index("ix_sms_outbox_status_not_before", "sms_outbox", ["status", "not_before"])
    op.create_table(
        "sms_preferences",
        sa.Column("msisdn", sa.String(20), primary_key=True),
        sa.Column("opted_out", sa.Boolean, nullable=False),
        sa.Column("changed_at", MOMENT, nullable=False),
        sa.Column("keyword", sa.String(20), nullable=False),
    )
    op.create_table(
        "sms_inbound",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("provider_message_id", sa.String(64), nullable=False),
        sa.Column("from_msisdn", sa.String(32), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("keyword", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("reply_outbox_id", sa.Integer, nullable=True),
        sa.Column("received_at", MOMENT, nullable=False),
        sa.UniqueConstraint("provider", "provider_message_id"),
    )


def downgrade() -> None:
    op.drop_table("sms_inbound")
    op.drop_table("sms_preferences")
    op.drop_index("ix_sms_outbox_status_not_before", table_name="sms_outbox")
    op.drop_table("sms_outbox")
