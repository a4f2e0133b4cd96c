"""What the outbox's sender and sweeper need, built once per process (web or worker) and passed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from gateway.sms.lanes import SendLanes
from gateway.sms.outbox import JobQueue
from gateway.sms.providers import SmsProvider
from gateway.sms.send_hooks import StillWantedHooks

MAX_ATTEMPTS = 5
"""Sends tried per message before it is marked failed (temporary failures only)."""


@dataclass(frozen=True)
class OutboxContext:
    sessions: Callable[[], Session]
    """A `sessionmaker` bound to the database engine."""
    provider: SmsProvider
    provider_name: str
    queue: JobQueue
    clock: Callable[[], datetime]
    status_callback_url: str | None = None
    """The public `.../sms/twilio/status` URL; each message adds `?outbox=<id>`. None: no callbacks."""
    hooks: StillWantedHooks = field(default_factory=StillWantedHooks)
    max_attempts: int = MAX_ATTEMPTS
    lanes: SendLanes = field(default_factory=SendLanes)
    """The worker's sending threads and rate limiter (one thread, no limit unless wiring says otherwise)."""

    def callback_for(self, outbox_id: int) -> str | None:
        return f"{self.status_callback_url}?outbox={outbox_id}" if self.status_callback_url else None
