"""Demo customers for a first run and for tests: three farmers and one customer without a PIN (who
registers at *123# with the activation code `seed_database` prints).

Dates are relative to `now`, so the demo always has an instalment due within three days (the dairy
farmer) and one overdue (the seaweed farmer). Seeding does nothing when the database already holds
customers. Run migrations first (`gateway.storage.migrate.upgrade`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from gateway.banking.access import AccessPolicy
from gateway.banking.ledger import SqlBank
from gateway.banking.schedule import add_months
from gateway.staff.demo import seed_demo_staff_in
from gateway.storage.db import make_engine

WIB, WITA = "Asia/Jakarta", "Asia/Makassar"
DAYS_UNTIL_DUE = 2
DAYS_OVERDUE = 5


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    msisdn: str
    pin: str | None
    place: str
    tz: str
    value_chain: str
    lang: str = "id"


DAIRY = DemoCustomer("Ibu Euis Rahmawati", "+6281220150101", "482915", "Pangalengan, Jawa Barat", WIB, "dairy")
SEAWEED = DemoCustomer("Bapak Umbu Rihi", "+6285239140202", "570346", "Sumba Timur, NTT", WITA, "seaweed")
PATCHOULI = DemoCustomer("Bapak Teuku Iskandar", "+6281360170303", "936184", "Aceh Jaya, Aceh", WIB, "patchouli")
UNREGISTERED = DemoCustomer("Ibu Maria Lende", "+6282146180404", None, "Sumba Barat Daya, NTT", WITA, "seaweed")
DEMO_CUSTOMERS: tuple[DemoCustomer, ...] = (DAIRY, SEAWEED, PATCHOULI, UNREGISTERED)


def _at(day: date, tz: str, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo(tz))


def _history(bank: SqlBank, who: DemoCustomer, today: date, entries: list[tuple[int, int, str, str]]) -> None:
    """entries: (days ago, amount, kind, description key)."""
    for days_ago, amount, kind, description in entries:
        bank.post(
            who.msisdn,
            amount,
            kind,
            description,
            _at(today - timedelta(days=days_ago), who.tz),
            f"demo:{DEMO_CUSTOMERS.index(who)}:{days_ago}:{amount}",
        )  # no phone number in keys


def _dairy(bank: SqlBank, now: datetime) -> None:
    today = now.astimezone(ZoneInfo(WIB)).date()
    start = add_months(today + timedelta(days=DAYS_UNTIL_DUE), -2)
    _history(
        bank,
        DAIRY,
        today,
        [
            ((today - start).days + 20, 1_150_000, "deposit", "banking.tx.milk_payment"),
            ((today - start).days + 5, 1_230_000, "deposit", "banking.tx.milk_payment"),
        ],
    )
    app = bank.submit_application(
        DAIRY.msisdn, "dairy_cow", 6_000_000, 12, "sapi", "demo:dairy:apply", _at(start - timedelta(days=3), WIB)
    )
    loan = bank.disburse(app.reference, _at(start, WIB), start)
    first_due = loan.instalments[0].due_date
    bank.post(DAIRY.msisdn, -5_500_000, "withdrawal", "banking.tx.withdrawal", _at(start, WIB, 14), "demo:dairy:cow")
    bank.repay_next_instalment(DAIRY.msisdn, loan.id, "demo:dairy:repay1", _at(first_due, WIB, 10))
    _history(
        bank,
        DAIRY,
        today,
        [
            (25, 1_180_000, "deposit", "banking.tx.milk_payment"),
            (15, 1_210_000, "deposit", "banking.tx.milk_payment"),
            (9, -300_000, "withdrawal", "banking.tx.withdrawal"),
            (5, 1_195_000, "deposit", "banking.tx.milk_payment"),
        ],
    )


def _seaweed(bank: SqlBank, now: datetime) -> None:
    today = now.astimezone(ZoneInfo(WITA)).date()
    start = today - timedelta(days=45 + DAYS_OVERDUE)
    _history(
        bank,
        SEAWEED,
        today,
        [(80, 850_000, "deposit", "banking.tx.seaweed_sale"), (70, 250_000, "deposit", "banking.tx.deposit")],
    )
    app = bank.submit_application(
        SEAWEED.msisdn,
        "seaweed_harvest",
        3_000_000,
        6,
        "bibit dan tali",
        "demo:seaweed:apply",
        _at(start - timedelta(days=4), WITA),
    )
    bank.disburse(app.reference, _at(start, WITA), start)
    _history(
        bank,
        SEAWEED,
        today,
        [(48, -2_900_000, "withdrawal", "banking.tx.withdrawal"), (12, 40_000, "deposit", "banking.tx.deposit")],
    )


def _patchouli(bank: SqlBank, now: datetime) -> None:
    today = now.astimezone(ZoneInfo(WIB)).date()
    _history(
        bank,
        PATCHOULI,
        today,
        [
            (120, 4_200_000, "deposit", "banking.tx.patchouli_sale"),
            (60, -1_000_000, "withdrawal", "banking.tx.withdrawal"),
            (30, 3_900_000, "deposit", "banking.tx.patchouli_sale"),
            (10, -750_000, "withdrawal", "banking.tx.withdrawal"),
        ],
    )
    bank.submit_application(
        PATCHOULI.msisdn, "patchouli", 10_000_000, 12, "penyulingan", "demo:patchouli:apply", now - timedelta(days=1)
    )


def seed(bank_or_engine: SqlBank | Engine, now: datetime) -> SqlBank:
    """Create the demo customers unless there are customers already; returns the bank."""
    bank = bank_or_engine if isinstance(bank_or_engine, SqlBank) else SqlBank(bank_or_engine)
    if bank.has_customers():
        return bank
    created = now - timedelta(days=200)
    for who in DEMO_CUSTOMERS:
        bank.add_customer(who.msisdn, who.name, who.tz, who.lang, created, value_chain=who.value_chain, place=who.place)
        if who.pin:
            bank.register_pin(who.msisdn, who.pin)
    _dairy(bank, now)
    _seaweed(bank, now)
    _patchouli(bank, now)
    maria_today = now.astimezone(ZoneInfo(WITA)).date()
    _history(bank, UNREGISTERED, maria_today, [(20, 150_000, "deposit", "banking.tx.deposit")])
    return bank


def demo_table() -> str:
    """The demo customers as a plain-text table for operators (README, `jembatan demo seed`)."""
    rows = [("Name", "Number", "PIN", "Place", "Time zone")]
    rows += [(c.name, c.msisdn, c.pin or "(none: activation code below)", c.place, c.tz) for c in DEMO_CUSTOMERS]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def _seed_scoring(engine: Engine, now: datetime) -> str:
    """The farmers' value-chain records and a synthetic loan history for `jembatan scoring fit`."""
    from gateway.scoring.demo_history import seed_scoring_demo

    return seed_scoring_demo(engine, now, [(c.msisdn, c.value_chain) for c in DEMO_CUSTOMERS if c.pin])


def seed_database(url: str, now: datetime | None = None, pepper: str = "", access: AccessPolicy | None = None) -> str:
    """Seed the (migrated) database at `url` unless it has customers; returns a report for the operator.

    The customer without a PIN gets an activation code, as a branch would give it: printed in the report
    only (the database keeps its keyed digest).
    """
    engine = make_engine(url)
    try:
        moment = now or datetime.now(UTC)
        staff_note = seed_demo_staff_in(engine, moment)  # console accounts, one per role (development only)
        bank = SqlBank(engine, pepper=pepper, access=access)
        if bank.has_customers():
            return "the database already has customers: nothing seeded" + staff_note
        seed(bank, moment)
        scoring_note = "\n" + _seed_scoring(engine, moment)
        code = bank.issue_activation(UNREGISTERED.msisdn, moment)
        days = bank.access.activation_ttl.days
        return (
            f"demo customers created:\n{demo_table()}\n\n{UNREGISTERED.name} ({UNREGISTERED.msisdn}) has no PIN"
            f" yet: her activation code is {code} (valid {days} days; shown only now; a new one:"
            f" jembatan customers activate {UNREGISTERED.msisdn})" + scoring_note + staff_note
        )
    finally:
        engine.dispose()
