"""One value-chain record as a farmer's buyer writes it, checked field by field (pure: no I/O).

Fields (CSV header or JSON keys): `kind` (milk_delivery, seaweed_sale, patchouli_sale), `phone` or
`customer_number` (the savings account number), `date` (YYYY-MM-DD), `litres` for milk or `kg` for
sales, `amount` (whole rupiah paid), `buyer` (cooperative or buyer), and an optional `reference`
(the buyer's receipt number; two identical rows without one are taken as the same record).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from gateway.phones import UnusableNumber, normalize_msisdn

MAX_QUANTITY = Decimal(100_000)  # litres or kg in one record
MAX_AMOUNT = 10_000_000_000  # rupiah in one record
MAX_TEXT = 100
MAX_REFERENCE = 60
MAX_SHOWN = 30
OLDEST_DAY = date(2000, 1, 1)
EASTERNMOST_ZONE = "Asia/Jayapura"
_RUPIAH = re.compile(r"^(\d+|\d{1,3}(\.\d{3})+)$")
FIELDS = ("kind", "phone", "customer_number", "date", "litres", "kg", "amount", "buyer", "reference")


class RecordKind(str, Enum):
    MILK_DELIVERY = "milk_delivery"
    SEAWEED_SALE = "seaweed_sale"
    PATCHOULI_SALE = "patchouli_sale"

    @property
    def value_chain(self) -> str:
        return {"milk_delivery": "dairy", "seaweed_sale": "seaweed", "patchouli_sale": "patchouli"}[self.value]

    @property
    def unit(self) -> str:
        return "l" if self is RecordKind.MILK_DELIVERY else "kg"

    @property
    def quantity_field(self) -> str:
        return "litres" if self is RecordKind.MILK_DELIVERY else "kg"


@dataclass(frozen=True)
class RecordInput:
    kind: RecordKind
    phone: str | None  # E.164
    customer_number: str | None  # ten digits, as savings accounts are numbered
    occurred_on: date
    quantity_milli: int
    amount: int
    buyer: str
    reference: str = ""

    def row_hash(self, customer_id: int) -> str:
        """The natural key: what the record says, for whichever way the customer was named."""
        parts = (
            self.kind.value,
            str(customer_id),
            self.occurred_on.isoformat(),
            str(self.quantity_milli),
            str(self.amount),
            " ".join(self.buyer.casefold().split()),
            self.reference.strip(),
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def latest_today(now: datetime) -> date:
    """The newest calendar day anywhere in Indonesia (WIT): a record dated today is never in the future."""
    return now.astimezone(ZoneInfo(EASTERNMOST_ZONE)).date()


class BadRecord(ValueError):
    """The reason a row is refused, in words an operator can act on."""


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadRecord(f"{key} must be text or a number")
    return str(value).strip()


def _shown(text: str) -> str:
    """A wrong value as the report repeats it: quoted, and cut short (reports are printed and logged)."""
    return repr(text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "...")


def _kind(raw: dict[str, Any]) -> RecordKind:
    text = _text(raw, "kind").lower()
    try:
        return RecordKind(text)
    except ValueError:
        choices = ", ".join(kind.value for kind in RecordKind)
        raise BadRecord(f"kind is {_shown(text)}; use one of {choices}") from None


def _customer(raw: dict[str, Any]) -> tuple[str | None, str | None]:
    phone, number = _text(raw, "phone"), _text(raw, "customer_number")
    if not phone and not number:
        raise BadRecord("no phone and no customer_number; give one of them")
    if number and (not number.isdigit() or len(number) > 10):
        raise BadRecord("customer_number must be the savings account number (up to 10 digits)")
    try:
        msisdn = normalize_msisdn(phone) if phone else None
    except UnusableNumber:
        raise BadRecord("phone is not a usable phone number") from None
    return msisdn, number.zfill(10) if number else None


def _day(raw: dict[str, Any], today: date) -> date:
    text = _text(raw, "date")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadRecord(f"date is {_shown(text)}; write it as YYYY-MM-DD") from None
    if not OLDEST_DAY <= day <= today:
        raise BadRecord(f"date {day} is in the future or before {OLDEST_DAY.year}")
    return day


def _quantity(raw: dict[str, Any], kind: RecordKind) -> int:
    key = kind.quantity_field
    text = _text(raw, key).replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadRecord(f"{key} is {_shown(text)}, not a number (a {kind.value} is measured in {key})") from None
    if not value.is_finite() or not 0 < value <= MAX_QUANTITY:
        raise BadRecord(f"{key} must be more than 0 and at most {MAX_QUANTITY}")
    return int((value * 1000).to_integral_value())


def _amount(raw: dict[str, Any]) -> int:
    value = raw.get("amount")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _text({"amount": value}, "amount").removeprefix("Rp").strip()
    if not _RUPIAH.match(text):
        raise BadRecord("amount must be whole rupiah, e.g. 1250000 or 1.250.000")
    amount = int(text.replace(".", ""))
    if amount > MAX_AMOUNT:
        raise BadRecord(f"amount is more than {MAX_AMOUNT}")
    return amount


def parse_record(raw: object, today: date) -> RecordInput:
    """Raises BadRecord naming the first field that is wrong."""
    if not isinstance(raw, dict):
        raise BadRecord("a record must be an object of fields")
    unknown = sorted(str(key) for key in raw if key not in FIELDS)
    if unknown:
        raise BadRecord(f"unknown field {unknown[0]!r}; the fields are {', '.join(FIELDS)}")
    kind = _kind(raw)
    phone, number = _customer(raw)
    buyer, reference = _text(raw, "buyer"), _text(raw, "reference")
    if not buyer or len(buyer) > MAX_TEXT:
        raise BadRecord(f"buyer must name the cooperative or buyer (1 to {MAX_TEXT} characters)")
    if len(reference) > MAX_REFERENCE:
        raise BadRecord(f"reference is longer than {MAX_REFERENCE} characters")
    return RecordInput(kind, phone, number, _day(raw, today), _quantity(raw, kind), _amount(raw), buyer, reference)
