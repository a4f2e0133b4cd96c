"""Staff work on complaints: list, show, answer (by SMS), extend once. For `jembatan complaints` and the console.

Every function works in the caller's transaction (`session`) and commits nothing. `answer_complaint`
writes the answer SMS as an outbox row in that transaction (the one way every feature sends, exactly
once per ticket); the caller enqueues the returned outbox id after commit, or leaves it to the outbox
sweeper. The answer and extension go out even to a number that replied BERHENTI: the customer asked.
Each staff action is also an audit-log entry (who, when; the texts stay in the ticket, not the log).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.banking.calendar import BusinessCalendar, default_calendar
from gateway.complaints.deadlines import add_working_days
from gateway.complaints.records import EXTENSION_WORKING_DAYS, MAX_ANSWER_CHARS, MAX_REASON_CHARS, MAX_TEXT_CHARS
from gateway.gsm7 import to_gsm7
from gateway.i18n import Catalog, load_catalog
from gateway.sms.outbox import queue_sms
from gateway.staff.audit import record_audit
from gateway.storage.complaint_tables import ComplaintRow, ComplaintStatus

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
BANK_NAME_KEY = "sms.bank"


Values = dict[str, object]
Texts = Catalog | None


class ComplaintError(ValueError):
    """A staff action that cannot be done; the message says why (no personal data in it)."""


class Problem(str, Enum):
    UNKNOWN = "unknown complaint"
    ANSWERED = "already answered"
    EXTENDED = "already extended once"
    EMPTY = "the text is empty"


@dataclass(frozen=True)
class ComplaintView:
    reference: str
    status: str
    overdue: bool
    msisdn: str
    channel: str
    topic: str
    call_back: bool
    created_at: datetime
    answer_due: date
    extended: bool
    text: str  # personal data: show to staff, never log
    answered_at: datetime | None = None
    answered_by: str | None = None
    answer_text: str | None = None


def _today(row: ComplaintRow, now: datetime) -> date:
    return now.astimezone(ZoneInfo(row.tz)).date()


def _view(row: ComplaintRow, now: datetime) -> ComplaintView:
    return ComplaintView(
        row.reference,
        row.status,
        row.status == ComplaintStatus.OPEN.value and _today(row, now) > row.answer_due,
        row.msisdn,
        row.channel,
        row.topic,
        row.call_back,
        row.created_at,
        row.answer_due,
        row.extended_at is not None,
        row.text,
        row.answered_at,
        row.answered_by,
        row.answer_text,
    )


def list_complaints(
    session: Session, status: str | None = None, overdue: bool | None = None, *, now: datetime | None = None
) -> list[ComplaintView]:
    """Oldest first. `status`: open or answered; `overdue`: True for open tickets past their deadline on
    the customer's local day at `now` (default: the clock)."""
    now = now or datetime.now(UTC)
    query = select(ComplaintRow).order_by(ComplaintRow.created_at, ComplaintRow.id)
    if status is not None:
        query = query.where(ComplaintRow.status == status)
    views = [_view(row, now) for row in session.scalars(query)]
    return views if overdue is None else [view for view in views if view.overdue is overdue]


def get_complaint(session: Session, ref: str, *, now: datetime | None = None) -> ComplaintView | None:
    """`ref` in any case (adu-2026-000123 is found); None when there is no such ticket."""
    row = _row(session, ref)
    return None if row is None else _view(row, now or datetime.now(UTC))


def _row(session: Session, ref: str, *, lock: bool = False) -> ComplaintRow | None:
    query = select(ComplaintRow).where(ComplaintRow.reference == ref.strip().upper())
    return session.scalar(query.with_for_update() if lock else query)


def _open_row(session: Session, ref: str) -> ComplaintRow:
    row = _row(session, ref, lock=True)
    if row is None:
        raise ComplaintError(Problem.UNKNOWN.value)
    if row.status != ComplaintStatus.OPEN.value:
        raise ComplaintError(Problem.ANSWERED.value)
    return row


def _clean(text: str, limit: int) -> str:
    cleaned = " ".join(to_gsm7(text).split())[:limit]
    if not cleaned:
        raise ComplaintError(Problem.EMPTY.value)
    return cleaned


def _sms(
    session: Session, row: ComplaintRow, key: str, text_key: str, values: Values, now: datetime, catalog: Texts
) -> int:
    texts = catalog or _default_catalog()
    body = texts.render(row.lang, text_key, {"bank": texts.render(row.lang, BANK_NAME_KEY), **values})
    return queue_sms(
        session,
        to=row.msisdn,
        body=to_gsm7(body),
        purpose="complaint",
        key=key,
        now=now,
        expires_at=None,
        required_by_contract=True,
    )


def answer_complaint(
    session: Session, ref: str, text: str, staff: str, now: datetime, *, catalog: Catalog | None = None
) -> int:
    """Record the answer and queue its SMS; returns the outbox id. Raises ComplaintError."""
    row = _open_row(session, ref)
    answer = _clean(text, MAX_ANSWER_CHARS)
    row.status, row.answered_at, row.answered_by, row.answer_text = ComplaintStatus.ANSWERED.value, now, staff, answer
    values: Values = {"ticket": row.reference, "answer": answer}
    key = f"complaint:{row.reference}:answer"
    row.answer_outbox_id = _sms(session, row, key, "complaints.sms.answer", values, now, catalog)
    record_audit(session, staff, "complaint.answer", row.reference, "", {"outbox_id": row.answer_outbox_id}, now)
    return row.answer_outbox_id


def extend_complaint(
    session: Session,
    ref: str,
    reason: str,
    staff: str,
    now: datetime,
    *,
    catalog: Catalog | None = None,
    calendar: BusinessCalendar | None = None,
) -> tuple[date, int]:
    """The one extension: 10 more working days, the customer told why by SMS. Returns (new deadline, outbox id)."""
    row = _open_row(session, ref)
    if row.extended_at is not None:
        raise ComplaintError(Problem.EXTENDED.value)
    why = _clean(reason, MAX_REASON_CHARS)
    row.answer_due = add_working_days(row.answer_due, EXTENSION_WORKING_DAYS, calendar or default_calendar())
    row.extended_at, row.extended_by, row.extension_reason = now, staff, why
    values: Values = {"ticket": row.reference, "answer_due": row.answer_due, "reason": why}
    key = f"complaint:{row.reference}:extended"
    outbox_id = _sms(session, row, key, "complaints.sms.extended", values, now, catalog)
    details = {"answer_due": row.answer_due.isoformat()}
    record_audit(session, staff, "complaint.extend", row.reference, why, details, now)
    return row.answer_due, outbox_id


_CATALOG: list[Catalog] = []


def _default_catalog() -> Catalog:
    """The shipped locales, read once (the CLI and console pass their own when configured elsewhere)."""
    if not _CATALOG:
        catalog, problems = load_catalog(LOCALES_DIR)
        if problems:
            raise ValueError("\n".join(problems))
        _CATALOG.append(catalog)
    return _CATALOG[0]


__all__ = [
    "MAX_TEXT_CHARS",
    "ComplaintError",
    "ComplaintView",
    "answer_complaint",
    "extend_complaint",
    "get_complaint",
    "list_complaints",
]
