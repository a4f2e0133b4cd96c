"""Staff accounts, roles, API keys and the append-only audit log (the console and the officers' API use them).

Service functions take the caller's SQLAlchemy `Session` and never commit: an action and its audit entry
commit together.
"""

from gateway.staff.accounts import (
    LoginRefusal,
    Refusal,
    Staff,
    StaffError,
    add_staff,
    all_staff,
    authenticate,
    change_password,
    disable_staff,
    staff_by_username,
)
from gateway.staff.apikeys import issue_api_key, staff_for_api_key
from gateway.staff.audit import AuditEntry, audit_entries, record_audit
from gateway.staff.roles import Role

__all__ = [
    "AuditEntry",
    "LoginRefusal",
    "Refusal",
    "Role",
    "Staff",
    "StaffError",
    "add_staff",
    "all_staff",
    "audit_entries",
    "authenticate",
    "change_password",
    "disable_staff",
    "issue_api_key",
    "record_audit",
    "staff_by_username",
    "staff_for_api_key",
]
