"""Complaint records and the part of the bank that opens them: plain types, no I/O.

`ComplaintDesk` is what handlers use (`Bank.open_complaint`): a bank with its own complaint system
serves it; the built-in ledger keeps tickets in the gateway's `complaints` table (gateway.complaints.tickets).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Protocol

ANSWER_WORKING_DAYS = 10
"""POJK 22/2023: a complaint is answered within 10 working days of receipt ..."""
EXTENSION_WORKING_DAYS = 10
"""... extendable once by at most 10 more working days, telling the customer why."""
MAX_TEXT_CHARS = 1000
MAX_ANSWER_CHARS = 300
"""The staff answer, so the SMS with its frame stays within three segments."""
MAX_REASON_CHARS = 100
"""Why an answer takes longer: one sentence in the extension SMS (two segments at most)."""


class Topic(str, Enum):
    """What a complaint is about; USSD offers them as a numbered list (in this order)."""

    LOAN = "loan"  # pinjaman dan angsuran
    COSTS = "costs"  # bunga, biaya, denda
    COLLECTION = "collection"  # penagihan
    SAVINGS = "savings"  # tabungan
    OTHER = "other"  # layanan lain (SMS complaints, whose topic is in their text)


class Channel(str, Enum):
    USSD = "ussd"
    SMS = "sms"


@dataclass(frozen=True)
class ComplaintRequest:
    msisdn: str
    topic: Topic
    text: str
    """Personal data: stored, never logged."""
    channel: Channel
    idempotency_key: str
    """The hop's or message's key: a retried request opens no second ticket."""
    now: datetime
    call_back: bool = False
    lang: str = ""
    """The language the caller uses now (the answer SMS is in it); empty: the customer's stored one."""


@dataclass(frozen=True)
class OpenedComplaint:
    reference: str  # ADU-2026-000123
    answer_due: date  # a local day, 10 working days after receipt
    new: bool = True  # False: the same request seen again (a retry); the first ticket is returned


class ComplaintDesk(Protocol):
    def open_complaint(self, request: ComplaintRequest) -> OpenedComplaint:
        """Raises BankUnavailable when the store is down."""
        ...
