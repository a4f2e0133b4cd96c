"""What the decision services work with, handed in by the process that runs them (CLI, web, worker)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from gateway.banking.interface import Loan, LoanProduct, SavingsTransaction
from gateway.decisions.model import Scorer, refer_everything
from gateway.i18n import Catalog

log = logging.getLogger(__name__)

AuditWriter = Callable[[Session, str, str, str, str, dict[str, Any] | None, datetime], int]
"""`gateway.staff.record_audit(session, actor, action, subject, reason, details, now)`."""
JobSink = Callable[[str, str], None]
"""Queues a job after commit: (`score` or `los`, application reference)."""
OutboxSink = Callable[[Sequence[int]], object]
"""Queues the send job of outbox rows after commit (`gateway.sms.outbox.enqueue_outbox` on the SMS queue)."""


class Lender(Protocol):
    """The bank's back-office side a decision needs (the built-in `SqlBank` has it)."""

    def disburse(self, reference: str, now: datetime, start: date | None = None) -> Loan: ...

    def post(
        self, msisdn: str, amount: int, kind: str, description: str, now: datetime, idempotency_key: str | None = None
    ) -> SavingsTransaction: ...

    def product(self, code: str) -> LoanProduct | None: ...


class DecisionError(Exception):
    """A refused action: `code` is not_found, forbidden, conflict, bad_request or unavailable (the API's
    404/403/409/400/503)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class LosConfig:
    url: str
    secret: str


@dataclass(frozen=True)
class Desk:
    sessions: Callable[[], Session]
    lender: Lender
    catalog: Callable[[], Catalog]
    clock: Callable[[], datetime]
    audit: AuditWriter
    scorer: Scorer = refer_everything
    jobs: JobSink | None = None
    """None: jobs run inline (the CLI without a worker, tests)."""
    los: LosConfig | None = None
    """The loan origination system's webhook; None when not configured."""
    outbox: OutboxSink | None = None
    """None: the outbox sweeper sends the SMS (within a minute)."""

    def send(self, outbox_id: int | None) -> None:
        """After commit: queue this SMS now; a failure leaves it to the outbox sweeper."""
        if self.outbox is None or outbox_id is None:
            return
        try:
            self.outbox([outbox_id])
        except Exception as exc:  # the row is committed: the outbox sweeper sends it
            log.warning("decisions: SMS %d not queued (%s); the outbox sweeper will", outbox_id, type(exc).__name__)
