"""hop funnels: drop-off counters per day, menu release and screen (gateway.funnels), rolled up from Redis.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COUNTS = ("arrived", "went_on", "back", "invalid", "ended", *(f"t{k}" for k in range(11)))


def upgrade() -> None:
    op.create_table(
        "hop_funnels",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("release", sa.String(64), primary_key=True),
        sa.Column("screen", sa.String(64), primary_key=True),
        *(sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in COUNTS),
    )


def downgrade() -> None:
    op.drop_table("hop_funnels")
