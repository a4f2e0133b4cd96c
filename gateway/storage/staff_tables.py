"""Staff accounts, their API keys and the append-only audit log (`gateway.staff`).

`audit_log` is never updated or deleted: the code has no such statement, and a trigger on SQLite and
PostgreSQL refuses one (migration 0012).
"""

from __future__ import annotations

import sqlalchemy as sa

from gateway.storage.base import Base, UTCDateTime

USERNAME_LENGTH = 64
ROLE_LENGTH = 20
HASH_LENGTH = 200
KEY_HASH_LENGTH = 64
ACTION_LENGTH = 64
SUBJECT_LENGTH = 200

staff = sa.Table(
    "staff",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(USERNAME_LENGTH), nullable=False, unique=True),
    sa.Column("role", sa.String(ROLE_LENGTH), nullable=False),
    sa.Column("password_hash", sa.String(HASH_LENGTH), nullable=False),
    sa.Column("must_change_password", sa.Boolean, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("failed_logins", sa.Integer, nullable=False),
    sa.Column("locked_until", UTCDateTime, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("password_changed_at", UTCDateTime, nullable=True),
)

staff_api_keys = sa.Table(
    "staff_api_keys",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("key_hash", sa.String(KEY_HASH_LENGTH), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
)

audit_log = sa.Table(
    "audit_log",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(USERNAME_LENGTH), nullable=False, index=True),
    sa.Column("action", sa.String(ACTION_LENGTH), nullable=False),
    sa.Column("subject", sa.String(SUBJECT_LENGTH), nullable=False, index=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
)
