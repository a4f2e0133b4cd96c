"""`jembatan customers activate|change-number` and `jembatan pin unlock`: the branch's access commands.

A code is printed once for the operator to hand over in person; it is never stored or logged.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from gateway.banking.access import MAX_ACTIVATION_TRIES
from gateway.config import Settings
from gateway.phones import UnusableNumber, mask_msisdn, normalize_msisdn

if TYPE_CHECKING:
    from gateway.banking.ledger import SqlBank


def _phone(raw: str) -> str | None:
    try:
        return normalize_msisdn(raw)
    except UnusableNumber:
        print(f"not a usable phone number: {raw}", file=sys.stderr)
        return None


def _with_bank(settings: Settings, work: Callable[[SqlBank, datetime], int]) -> int:
    from gateway.runtime import build_bank, utc_now

    bank, engine = build_bank(settings)
    try:
        return work(bank, utc_now())
    finally:
        engine.dispose()


def code_report(phone: str, code: str, now: datetime, settings: Settings) -> str:
    until = (now + settings.access_policy().activation_ttl).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"activation code for {mask_msisdn(phone)}: {code}\n"
        f"valid until {until}; {MAX_ACTIVATION_TRIES} wrong tries cancel it. Check the customer's ID and hand it "
        f"over in person: it is not stored anywhere, and the customer enters it at *123# to set a PIN."
    )


def cmd_activate(args: argparse.Namespace, settings: Settings) -> int:
    phone = _phone(args.phone)
    if phone is None:
        return 2

    def work(bank: SqlBank, now: datetime) -> int:
        customer = bank.customer_by_msisdn(phone)
        if customer is None:
            print("no customer with that number", file=sys.stderr)
            return 1
        if customer.registered and not customer.locked:
            if not args.reset:
                print(
                    "that customer already has a PIN; for a forgotten one add --reset (the old PIN stops "
                    "working at once)",
                    file=sys.stderr,
                )
                return 1
            bank.lock_for_reset(phone)
        print(code_report(phone, bank.issue_activation(phone, now) or "", now, settings))
        return 0

    return _with_bank(settings, work)


def cmd_unlock(args: argparse.Namespace, settings: Settings) -> int:
    """A locked-out customer gets a new activation code and sets a new PIN with it (no silent unlock)."""
    phone = _phone(args.phone)
    if phone is None:
        return 2

    def work(bank: SqlBank, now: datetime) -> int:
        customer = bank.customer_by_msisdn(phone)
        if customer is None:
            print("no customer with that number", file=sys.stderr)
            return 1
        if not customer.locked:
            print(
                "that customer is not locked; for a forgotten PIN use `jembatan customers activate --reset`",
                file=sys.stderr,
            )
            return 1
        print(code_report(phone, bank.issue_activation(phone, now) or "", now, settings))
        print("the PIN stays locked until the customer sets a new one with this code")
        return 0

    return _with_bank(settings, work)


def cmd_change_number(args: argparse.Namespace, settings: Settings) -> int:
    old, new = _phone(args.old), _phone(args.new)
    if old is None or new is None:
        return 2

    def work(bank: SqlBank, _now: datetime) -> int:
        try:
            changed = bank.change_msisdn(old, new)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        if not changed:
            print("no customer with that number", file=sys.stderr)
            return 1
        print(f"number changed to {mask_msisdn(new)}; SMS banking is off until the customer switches it on again")
        return 0

    return _with_bank(settings, work)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    customers = sub.add_parser("customers", help="customer access").add_subparsers(
        dest="customers_command", required=True
    )
    activate = customers.add_parser("activate", help="print a one-time activation code for a first (or new) PIN")
    activate.add_argument("phone")
    activate.add_argument("--reset", action="store_true", help="a forgotten PIN: lock the old one first")
    activate.set_defaults(func=cmd_activate)
    change = customers.add_parser("change-number", help="move a customer to a new number (SMS banking goes off)")
    change.add_argument("old")
    change.add_argument("new")
    change.set_defaults(func=cmd_change_number)
    pin = sub.add_parser("pin", help="customer PINs").add_subparsers(dest="pin_command", required=True)
    unlock = pin.add_parser("unlock", help="a new activation code for a locked-out customer to set a new PIN")
    unlock.add_argument("phone")
    unlock.set_defaults(func=cmd_unlock)
