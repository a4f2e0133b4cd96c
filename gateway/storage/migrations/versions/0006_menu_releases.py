"""Menu releases: each validated set of menus and texts by content hash, and who made which current when.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "menu_releases",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "menu_release_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("hash", sa.String(64), sa.ForeignKey("menu_releases.hash"), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("made_by", sa.String(120), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("menu_release_events")
    op.drop_table("menu_releases")
