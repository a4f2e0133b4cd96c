"""Customers for the scoring tests, built as plain histories (no database): fixed dates, fixed records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from gateway.scoring.history import ChainRecord, CustomerHistory, PastInstalment, SavingsMove

AS_OF = datetime(2025, 12, 5, 3, 0, tzinfo=UTC)
"""10:00 in Jakarta: the moment every golden customer applies."""
WIB = "Asia/Jakarta"
TODAY = date(2025, 12, 5)


def savings(moves: list[tuple[int, int, str]]) -> tuple[SavingsMove, ...]:
    """(days before AS_OF, amount, kind), oldest first; balances follow."""
    balance, out = 0, []
    for days_ago, amount, kind in sorted(moves, key=lambda move: -move[0]):
        balance += amount
        out.append(SavingsMove(AS_OF - timedelta(days=days_ago), amount, kind, balance))
    return tuple(out)


def monthly_deposits(months: list[int], amount: int) -> list[tuple[int, int, str]]:
    """One deposit in each of the given 30-day months back (0: the last 30 days)."""
    return [(month * 30 + 10, amount, "deposit") for month in months]


def instalments(count: int, late: set[int], amount: int = 550_000) -> tuple[PastInstalment, ...]:
    """`count` monthly instalments, the last due 20 days ago; numbers in `late` paid 9 days after the due date."""
    out = []
    for number in range(1, count + 1):
        due = TODAY - timedelta(days=20 + 30 * (count - number))
        paid_day = due + timedelta(days=9 if number in late else -1)
        paid_at = datetime(paid_day.year, paid_day.month, paid_day.day, 2, 0, tzinfo=UTC)
        out.append(PastInstalment(1, due, amount, amount, paid_at))
    return tuple(out)


def chain_records(kind: str, every_days: int, count: int, amount: int) -> tuple[ChainRecord, ...]:
    return tuple(
        ChainRecord(TODAY - timedelta(days=3 + every_days * i), kind, 100_000, amount) for i in reversed(range(count))
    )


def customer(customer_id: int, **parts: object) -> CustomerHistory:
    return CustomerHistory(customer_id, WIB, **parts)  # type: ignore[arg-type]


GOLDEN_CUSTOMERS: dict[str, tuple[CustomerHistory, bool, str, int]] = {
    # name: (history, consent, product, amount)
    "regular_dairy": (
        customer(
            1,
            savings=savings([*monthly_deposits(list(range(12)), 1_100_000), (200, -2_000_000, "withdrawal")]),
            instalments=instalments(6, late=set()),
            records=chain_records("milk_delivery", 15, 24, 1_150_000),
            sms_received=(AS_OF - timedelta(days=5), AS_OF - timedelta(days=40)),
        ),
        True,
        "dairy_cow",
        6_000_000,
    ),
    "late_seaweed": (
        customer(
            2,
            savings=savings(monthly_deposits([0, 3, 7, 11], 250_000)),
            instalments=instalments(4, late={2, 3}),
            records=chain_records("seaweed_sale", 45, 4, 2_400_000),
        ),
        True,
        "seaweed_harvest",
        3_000_000,
    ),
    "no_records": (
        customer(3, savings=savings(monthly_deposits([0, 1, 2, 4, 6, 8], 150_000))),
        True,
        "seaweed_harvest",
        1_000_000,
    ),
    "no_consent": (
        customer(
            4,
            savings=savings(monthly_deposits(list(range(12)), 900_000)),
            records=chain_records("patchouli_sale", 60, 6, 4_000_000),
        ),
        False,
        "patchouli",
        5_000_000,
    ),
    "newcomer": (customer(5), True, "dairy_cow", 2_000_000),
}
