"""Menu releases (`gateway.releases`): each release's files by content hash, and who made which current when.

The current release is the newest row of `menu_release_events`; releases are never changed or deleted.
"""

from __future__ import annotations

import sqlalchemy as sa

from gateway.storage.base import Base, UTCDateTime

HASH_LENGTH = 64
NAME_LENGTH = 120

menu_releases = sa.Table(
    "menu_releases",
    Base.metadata,
    sa.Column("hash", sa.String(HASH_LENGTH), primary_key=True),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
)

menu_release_events = sa.Table(
    "menu_release_events",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("hash", sa.String(HASH_LENGTH), sa.ForeignKey("menu_releases.hash"), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("made_at", UTCDateTime, nullable=False),
    sa.Column("made_by", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("summary", sa.Text, nullable=False, server_default=""),
)
