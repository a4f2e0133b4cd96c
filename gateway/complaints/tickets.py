"""Opening a complaint ticket in the gateway's `complaints` table: the built-in bank's `open_complaint`.

The number is the year's next (ADU-2026-000123); the table's unique (year, number) decides between two
tickets opened at the same moment, and the loser takes the next number. A retried request (same
idempotency key) returns the first ticket. The text is stored, never logged.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.banking.calendar import BusinessCalendar, default_calendar
from gateway.complaints.deadlines import add_working_days
from gateway.complaints.records import (
    ANSWER_WORKING_DAYS,
    MAX_TEXT_CHARS,
    ComplaintRequest,
    OpenedComplaint,
)
from gateway.phones import mask_msisdn
from gateway.storage.complaint_tables import ComplaintRow, ComplaintStatus

if TYPE_CHECKING:
    from gateway.storage.ledger_tables import CustomerRow

DEFAULT_TZ = "Asia/Jakarta"
DEFAULT_LANG = "id"
NUMBER_TRIES = 5
log = logging.getLogger("gateway.complaints")


def reference(year: int, number: int) -> str:
    return f"ADU-{year}-{number:06d}"


def local_day(now: datetime, tz: str) -> datetime:
    return now.astimezone(ZoneInfo(tz))


@dataclass(frozen=True)
class Sender:
    """Who opened it: a customer (id, zone, language) or a stranger (None, the defaults)."""

    customer_id: int | None = None
    tz: str = DEFAULT_TZ
    lang: str = DEFAULT_LANG


def open_ticket(db: Session, request: ComplaintRequest, sender: Sender, calendar: BusinessCalendar) -> OpenedComplaint:
    """Insert the ticket in the caller's transaction (a savepoint per try); returns its number and deadline."""
    existing = db.scalar(select(ComplaintRow).where(ComplaintRow.idempotency_key == request.idempotency_key))
    if existing is not None:
        return OpenedComplaint(existing.reference, existing.answer_due, new=False)
    tz = sender.tz
    received = local_day(request.now, tz)
    due = add_working_days(received.date(), ANSWER_WORKING_DAYS, calendar)
    for _ in range(NUMBER_TRIES):
        number = (db.scalar(select(func.max(ComplaintRow.number)).where(ComplaintRow.year == received.year)) or 0) + 1
        row = ComplaintRow(
            reference=reference(received.year, number),
            year=received.year,
            number=number,
            msisdn=request.msisdn,
            customer_id=sender.customer_id,
            lang=request.lang or sender.lang,
            tz=tz,
            channel=request.channel.value,
            topic=request.topic.value,
            text=request.text[:MAX_TEXT_CHARS],
            call_back=request.call_back,
            status=ComplaintStatus.OPEN.value,
            created_at=request.now,
            acknowledged_at=request.now,  # the acknowledgement goes out with this hop or message
            answer_due=due,
            idempotency_key=request.idempotency_key,
        )
        try:
            with db.begin_nested():
                db.add(row)
                db.flush()
        except IntegrityError:
            again = db.scalar(select(ComplaintRow).where(ComplaintRow.idempotency_key == request.idempotency_key))
            if again is not None:
                return OpenedComplaint(again.reference, again.answer_due, new=False)
            continue  # another ticket took the number: take the next
        log.info("complaint %s opened by %s over %s", row.reference, mask_msisdn(request.msisdn), row.channel)
        return OpenedComplaint(row.reference, due)
    raise RuntimeError(f"no complaint number after {NUMBER_TRIES} tries")


class ComplaintTickets:
    """The built-in bank's `ComplaintDesk` (a mixin of SqlBank)."""

    if TYPE_CHECKING:  # provided by SqlBank's Store; declared here for mypy only

        def transaction(self) -> AbstractContextManager[Session]: ...

        @staticmethod
        def customer_row(session: Session, msisdn: str, *, lock: bool = False) -> CustomerRow | None: ...

    def open_complaint(self, request: ComplaintRequest) -> OpenedComplaint:
        with self.transaction() as db:
            row = self.customer_row(db, request.msisdn)
            sender = Sender(row.id, row.tz or DEFAULT_TZ, row.lang or DEFAULT_LANG) if row is not None else Sender()
            return open_ticket(db, request, sender, default_calendar())


__all__ = ["ComplaintTickets", "Sender", "open_ticket", "reference"]
