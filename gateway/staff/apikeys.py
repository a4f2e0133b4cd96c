"""Per-staff API keys for the officers' JSON API: high-entropy, shown once, stored as SHA-256.

A key has 256 random bits, so a plain SHA-256 is enough (no slow hash needed); issuing a new key
revokes the member's older ones.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from gateway.staff.accounts import Staff, StaffError, staff_row, to_staff
from gateway.staff.audit import record_audit
from gateway.storage.staff_tables import staff, staff_api_keys

KEY_PREFIX = "jmb_"
KEY_BYTES = 32


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_key(session: Session, username: str, now: datetime, *, actor: str = "cli") -> str:
    row = staff_row(session, username, lock=True)
    if row is None:
        raise StaffError(f"no staff member {username}")
    if row.disabled:
        raise StaffError(f"{username} is disabled")
    key = KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
    session.execute(
        staff_api_keys.update()
        .where(staff_api_keys.c.staff_id == row.id, staff_api_keys.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.execute(staff_api_keys.insert().values(staff_id=row.id, key_hash=key_hash(key), created_at=now))
    record_audit(session, actor, "staff.api_key", username, "", {}, now)
    return key


def staff_for_api_key(session: Session, key: str) -> Staff | None:
    """The enabled staff member holding this unrevoked key, or None."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    wanted = key_hash(key)
    found = session.execute(
        sa.select(staff, staff_api_keys.c.key_hash)
        .join(staff_api_keys, staff_api_keys.c.staff_id == staff.c.id)
        .where(staff_api_keys.c.key_hash == wanted, staff_api_keys.c.revoked_at.is_(None), staff.c.disabled.is_(False))
    ).first()
    if found is None or not hmac.compare_digest(found.key_hash, wanted):
        return None
    return to_staff(found)
