"""Rows of the synthetic loan history (gateway/scoring/demo_history.py): borrowers, their savings, value-chain
records, applications and instalments, drawn from one seeded random generator."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from gateway.records.parse import RecordInput, RecordKind

HISTORY_PREFIX = "+62000"
REFERENCE_PREFIX = "RW"
TENOR_MONTHS = 6
INTEREST_PER_MONTH = 0.0125
PRIOR_LOAN_DAYS = 250
"""How long before the loan whose outcome is known an earlier loan was applied for."""


@dataclass(frozen=True)
class Chain:
    name: str
    product: str
    kind: RecordKind
    every_days: int
    quantity: tuple[int, int]  # litres or kg per record
    price: int  # rupiah per litre or kg
    loan: tuple[int, int]  # millions
    provinces: tuple[tuple[str, str], ...]  # (province, time zone)
    buyer: str


CHAINS = (
    Chain(
        "dairy",
        "dairy_cow",
        RecordKind.MILK_DELIVERY,
        15,
        (120, 360),
        7_000,
        (2, 15),
        (("Jawa Barat", "Asia/Jakarta"), ("Jawa Timur", "Asia/Jakarta"), ("Jawa Tengah", "Asia/Jakarta")),
        "Koperasi Susu",
    ),
    Chain(
        "seaweed",
        "seaweed_harvest",
        RecordKind.SEAWEED_SALE,
        45,
        (150, 600),
        8_000,
        (1, 8),
        (("Nusa Tenggara Timur", "Asia/Makassar"), ("Sulawesi Selatan", "Asia/Makassar"), ("Bali", "Asia/Makassar")),
        "Pengepul Rumput Laut",
    ),
    Chain(
        "patchouli",
        "patchouli",
        RecordKind.PATCHOULI_SALE,
        90,
        (8, 40),
        600_000,
        (3, 20),
        (("Aceh", "Asia/Jakarta"), ("Sumatera Barat", "Asia/Jakarta"), ("Bengkulu", "Asia/Jakarta")),
        "Penyuling Nilam",
    ),
)


@dataclass
class Borrower:
    number: int
    chain: Chain
    province: str
    tz: str
    reliability: float
    as_of: datetime
    has_records: bool
    prior_loan: bool
    amount: int
    bad: bool
    prior_bad: bool
    """The earlier loan was repaid, but more than a month late."""


def borrower(rng: random.Random, number: int, now: datetime) -> Borrower:
    chain = CHAINS[number % len(CHAINS)]
    province, tz = chain.provinces[rng.randrange(len(chain.provinces))]
    reliability = rng.betavariate(2.5, 1.6)
    as_of = now - timedelta(days=rng.randint(250, 900), hours=rng.randint(0, 8))
    low, high = chain.loan
    amount = rng.randint(low, high) * 1_000_000
    odds = -6.0 * (reliability - 0.45) + 0.5 * (amount / (high * 1_000_000))
    risk = 1 / (1 + math.exp(-odds))
    bad, prior_bad = rng.random() < risk * 0.45, rng.random() < risk * 0.45
    has_records, prior_loan = rng.random() > 0.18, rng.random() < 0.4
    return Borrower(number, chain, province, tz, reliability, as_of, has_records, prior_loan, amount, bad, prior_bad)


def history_days(who: Borrower) -> int:
    """Records and savings cover a year before each of the borrower's loans."""
    return 365 + (PRIOR_LOAN_DAYS if who.prior_loan else 0)


def _at(day: date, tz: str, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo(tz))


def savings_rows(rng: random.Random, who: Borrower, account_id: int) -> list[dict[str, Any]]:
    rows, balance = [], 0
    base = who.chain.price * who.chain.quantity[0]
    for month in range(history_days(who) // 30, 0, -1):
        posted = who.as_of - timedelta(days=month * 30 - rng.randint(0, 25))
        if rng.random() < 0.2 + 0.75 * who.reliability:
            amount = int(base * (0.3 + who.reliability) * rng.uniform(0.5, 1.5)) // 1000 * 1000
            balance += amount
            rows.append(
                {
                    "account_id": account_id,
                    "posted_at": posted,
                    "amount": amount,
                    "kind": "deposit",
                    "description": "banking.tx.deposit",
                    "balance_after": balance,
                }
            )
        if balance > 0 and rng.random() < 0.3:
            amount = balance * rng.randint(2, 8) // 10 // 1000 * 1000
            balance -= amount
            rows.append(
                {
                    "account_id": account_id,
                    "posted_at": posted + timedelta(days=3),
                    "amount": -amount,
                    "kind": "withdrawal",
                    "description": "banking.tx.withdrawal",
                    "balance_after": balance,
                }
            )
    return rows


def record_rows(rng: random.Random, who: Borrower, customer_id: int, now: datetime) -> list[dict[str, Any]]:
    if not who.has_records:
        return []
    rows, chain = [], who.chain
    last_day = who.as_of.astimezone(ZoneInfo(who.tz)).date()
    for step in range(1, history_days(who) // chain.every_days + 1):
        if rng.random() > 0.25 + 0.7 * who.reliability:
            continue
        day = last_day - timedelta(days=step * chain.every_days - rng.randint(0, chain.every_days // 3))
        quantity = rng.randint(*chain.quantity)
        record = RecordInput(
            chain.kind,
            None,
            f"{customer_id:010d}",
            day,
            quantity * 1000,
            quantity * chain.price,
            f"{chain.buyer} {who.province}",
            f"RW-{who.number}-{step}",
        )
        rows.append(
            {
                "row_hash": record.row_hash(customer_id),
                "customer_id": customer_id,
                "kind": chain.kind.value,
                "value_chain": chain.name,
                "occurred_on": day,
                "quantity_milli": record.quantity_milli,
                "unit": chain.kind.unit,
                "amount": record.amount,
                "buyer": record.buyer,
                "reference": record.reference,
                "source": "demo_history",
                "imported_at": now,
            }
        )
    return rows


def instalment_rows(
    rng: random.Random,
    loan_id: int,
    start: date,
    amount: int,
    late: tuple[float, int],
    unpaid_from: int | None,
    tz: str,
) -> list[dict[str, Any]]:
    """`late`: the chance an instalment is paid late, and by at most how many days."""
    late_chance, worst_days_late = late
    rows = []
    principal = amount // TENOR_MONTHS
    interest = int(amount * INTEREST_PER_MONTH)
    for number in range(1, TENOR_MONTHS + 1):
        due = start + timedelta(days=30 * number)
        paid = unpaid_from is None or number < unpaid_from
        is_late = rng.random() < late_chance
        paid_day = due + timedelta(days=rng.randint(1, worst_days_late) if is_late else -rng.randint(0, 5))
        rows.append(
            {
                "loan_id": loan_id,
                "number": number,
                "due_date": due,
                "principal": principal,
                "interest": interest,
                "fee": 0,
                "amount": principal + interest,
                "paid_amount": principal + interest if paid else 0,
                "paid_at": _at(paid_day, tz, 10) if paid else None,
            }
        )
    return rows


def customer_row(who: Borrower) -> dict[str, Any]:
    return {
        "msisdn": f"{HISTORY_PREFIX}{who.number:08d}",
        "name": f"Peminjam Riwayat {who.number:04d}",
        "tz": who.tz,
        "lang": "id",
        "value_chain": who.chain.name,
        "place": f"Desa {who.number % 97 + 1}, {who.province}",
        "pin_hash": None,
        "created_at": who.as_of - timedelta(days=420),
    }


def application_row(who: Borrower, customer_id: int, prior: bool) -> dict[str, Any]:
    suffix = "P" if prior else "L"
    return {
        "reference": f"{REFERENCE_PREFIX}{suffix}{who.number:06d}",
        "customer_id": customer_id,
        "product_code": who.chain.product,
        "amount": who.amount if not prior else who.amount // 2,
        "tenor": TENOR_MONTHS,
        "purpose": "riwayat",
        "status": "disbursed",
        "submitted_at": who.as_of - timedelta(days=PRIOR_LOAN_DAYS if prior else 0),
        "idempotency_key": f"demo_history:{who.number}:{suffix}",
    }
