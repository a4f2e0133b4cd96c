"""Customer access: activation codes (a keyed digest only) and SMS banking consent on `customers`.

The customer's language stays in `customers.lang` (every channel now writes it).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("activation_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("activation_expires_at", MOMENT, nullable=True))
        batch.add_column(sa.Column("activation_failures", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("activation_redeemed_at", MOMENT, nullable=True))
        batch.add_column(sa.Column("sms_banking_active_at", MOMENT, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        for column in (
            "sms_banking_active_at",
            "activation_redeemed_at",
            "activation_failures",
            "activation_expires_at",
            "activation_hash",
        ):
            batch.drop_column(column)
