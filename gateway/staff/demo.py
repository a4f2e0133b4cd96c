"""Demo staff accounts, one per role, with known passwords: development only.

`jembatan demo seed` (and `make run`) create them and print them; in production mode they are never
created, and the console refuses any login with a demo password.
"""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.config import Settings
from gateway.staff.accounts import DEFAULT_HASHER, staff_row
from gateway.staff.audit import record_audit
from gateway.staff.roles import Role
from gateway.storage.staff_tables import staff

DEMO_STAFF: tuple[tuple[str, Role, str], ...] = (
    ("demo-operator", Role.OPERATOR, "operator-demo-2026"),
    ("demo-officer", Role.OFFICER, "officer-demo-2026"),
    ("demo-supervisor", Role.SUPERVISOR, "supervisor-demo-2026"),
    ("demo-auditor", Role.AUDITOR, "auditor-demo-2026"),
)
DEMO_PASSWORDS = frozenset(password for _, _, password in DEMO_STAFF)


class DemoInProduction(RuntimeError):
    """Demo accounts with published passwords must never exist where real customers are served."""


def seed_demo_staff(
    session: Session, now: datetime, *, production: bool | None = None, hasher: PasswordHasher = DEFAULT_HASHER
) -> list[str]:
    """Create the missing demo accounts (no forced password change: the passwords are public anyway);
    returns the usernames created."""
    if production is None:
        production = Settings.from_env().production
    if production:
        raise DemoInProduction("refusing to create demo staff accounts with JEMBATAN_ENV=production")
    created = []
    for username, role, password in DEMO_STAFF:
        if staff_row(session, username) is not None:
            continue
        created.append(username)
        session.execute(
            staff.insert().values(
                username=username, role=role.value, password_hash=hasher.hash(password), must_change_password=False,
                disabled=False, failed_logins=0, locked_until=None, created_at=now, password_changed_at=now,
            )
        )  # fmt: skip
        record_audit(session, "demo", "staff.add", username, "demo seed", {"role": role.value}, now)
    return created


def seed_demo_staff_in(engine: Engine, now: datetime) -> str:
    """For `gateway.banking.demo.seed_database`: the accounts' table when some were created, else ""."""
    try:
        with Session(engine) as session, session.begin():
            created = seed_demo_staff(session, now)
    except DemoInProduction as exc:
        return f"\n\n{exc}"
    return f"\n\ndemo console accounts (development only):\n{demo_staff_table()}" if created else ""


def demo_staff_table() -> str:
    rows = [("Console login", "Role", "Password")] + [(u, r.value, p) for u, r, p in DEMO_STAFF]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def console_banner(address: str, production: bool) -> str:
    """What `make run` prints: where the console is, and (development only) the demo logins."""
    if production:
        return f"Console: {address} (log in with an account from `jembatan staff add`)"
    return f"Console: {address}\nDemo console logins (development only, refused in production):\n{demo_staff_table()}"
