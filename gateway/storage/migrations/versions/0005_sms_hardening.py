"""SMS hardening: provider message ids are stored whole (up to 128 characters, was 64).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_ID = sa.String(64)
NEW_ID = sa.String(128)


def upgrade() -> None:
    with op.batch_alter_table("sms_inbound") as batch:
        batch.alter_column("provider_message_id", type_=NEW_ID, existing_type=OLD_ID, existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("sms_inbound") as batch:
        batch.alter_column("provider_message_id", type_=OLD_ID, existing_type=NEW_ID, existing_nullable=False)
