"""Helpers the handler modules share: the typed call, error guard, input coercion, product choice, local dates."""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from gateway.banking.interface import Bank, BankUnavailable, Customer, LoanProduct
from gateway.engine.api import Call, Handler, Result
from gateway.money import parse_amount
from gateway.phones import mask_msisdn

log = logging.getLogger("handlers")
ERROR = "error"
UNKNOWN = "unknown"

BankCall = Call[Bank]
"""What every handler takes: `call.services.bank` is the bank interface, checked by mypy."""
BankHandler = Handler[Bank]


def guarded(handler: BankHandler) -> BankHandler:
    """A bank that is down or slow answers category `error`; the log names the caller masked."""

    @functools.wraps(handler)
    def run(call: BankCall) -> Result:
        try:
            return handler(call)
        except BankUnavailable as exc:
            log.warning("%s for %s: bank unavailable (%s)", handler.__name__, mask_msisdn(call.msisdn), exc)
            return Result(ERROR)

    return run


def as_int(value: Any) -> int | None:
    """An int from what the engine saved: already an int, or the text the customer typed."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return parse_amount(value)
    return None


def resolve_product(products: tuple[LoanProduct, ...], vars_: Mapping[str, Any]) -> LoanProduct | None:
    """`product` is a code, or the number chosen from the list `loans.products` offered."""
    chosen = vars_.get("product")
    if chosen is None:
        return None
    code = str(chosen)
    choices = vars_.get("product_choices")
    if isinstance(choices, Mapping) and code in choices:
        code = str(choices[code])
    return next((p for p in products if p.code == code), None)


def local_today(customer: Customer | None, now: datetime) -> date:
    return now.astimezone(ZoneInfo(customer.tz)).date() if customer else now.date()


def text_or(call: BankCall, key: str, fallback_key: str, values: Mapping[str, Any] | None = None) -> str:
    """The text for `key`, or for `fallback_key` when the catalog lacks it (e.g. a new transaction kind)."""
    try:
        return call.services.text(key, values or {})
    except KeyError:
        return call.services.text(fallback_key, values or {})
