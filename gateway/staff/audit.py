"""The append-only audit log: who did what, to what, when and why.

Only inserts and reads here; a database trigger refuses UPDATE and DELETE (migration 0012).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import CursorResult
from sqlalchemy.orm import Session

from gateway.storage.staff_tables import ACTION_LENGTH, SUBJECT_LENGTH, USERNAME_LENGTH, audit_log

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    reason: str
    details: dict[str, Any]


def record_audit(
    session: Session,
    actor: str,
    action: str,
    subject: str,
    reason: str,
    details: dict[str, Any] | None,
    now: datetime,
) -> int:
    """Append one entry in the caller's transaction (it commits with the change it records); returns its id."""
    row = {
        "at": now,
        "actor": actor[:USERNAME_LENGTH],
        "action": action[:ACTION_LENGTH],
        "subject": subject[:SUBJECT_LENGTH],
        "reason": reason,
        "details": details or {},
    }
    result = cast(CursorResult[Any], session.execute(audit_log.insert().values(**row)))
    key = result.inserted_primary_key
    assert key is not None  # an insert of one row
    return int(key[0])


def audit_entries(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    subject: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[AuditEntry]:
    """Entries matching every filter given, newest first; `until` is exclusive."""
    query = sa.select(audit_log)
    for column, value in ((audit_log.c.actor, actor), (audit_log.c.action, action), (audit_log.c.subject, subject)):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    if until is not None:
        query = query.where(audit_log.c.at < until)
    query = query.order_by(audit_log.c.id.desc()).limit(max(1, min(limit, MAX_LIMIT)))
    return [
        AuditEntry(r.id, r.at, r.actor, r.action, r.subject, r.reason, dict(r.details or {}))
        for r in session.execute(query)
    ]
