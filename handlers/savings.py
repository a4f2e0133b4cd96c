"""Savings balance and mini statement."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from gateway.banking.interface import SavingsTransaction
from gateway.engine.api import Result
from gateway.money import Money
from handlers._common import UNKNOWN, BankCall, guarded, local_today, text_or

STATEMENT_LINES = 5


@guarded
def balance(call: BankCall) -> Result:
    """Categories: ok (balance, account, date), unknown."""
    bank = call.services.bank
    account = bank.savings_balance(call.msisdn)
    if account is None:
        return Result(UNKNOWN)
    tz = call.vars.get("tz")  # set by customer.lookup at the dial; saves a read on this hot hop
    now = call.services.now()
    today = now.astimezone(ZoneInfo(tz)).date() if tz else local_today(bank.customer_by_msisdn(call.msisdn), now)
    return Result("ok", {"balance": Money(account.balance), "account": account.number, "date": today})


def _line(call: BankCall, entry: SavingsTransaction, tz: str) -> str:
    label = text_or(call, entry.description, f"banking.tx.{entry.kind}")
    return call.services.text(
        "banking.statement_line",
        {
            "day": entry.posted_at.astimezone(ZoneInfo(tz)).strftime("%d/%m"),
            "label": label,
            "sign": "+" if entry.amount >= 0 else "-",
            "amount": Money(abs(entry.amount)),
        },
    )


@guarded
def statement(call: BankCall) -> Result:
    """Categories: ok (statement_text: one line per entry; entries: the same on one line; balance, account),
    unknown. No entries yet is still ok, with `banking.statement_empty` as the text."""
    bank = call.services.bank
    customer = bank.customer_by_msisdn(call.msisdn)
    account = bank.savings_balance(call.msisdn)
    if customer is None or account is None:
        return Result(UNKNOWN)
    lines = [_line(call, entry, customer.tz) for entry in bank.mini_statement(call.msisdn, STATEMENT_LINES)]
    if not lines:
        lines = [call.services.text("banking.statement_empty", {})]
    return Result(
        "ok",
        {
            "statement_text": "\n".join(lines),
            "entries": "; ".join(lines),
            "balance": Money(account.balance),
            "account": account.number,
        },
    )
