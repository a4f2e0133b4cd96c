"""Features for scoring, each over a stated window, from a customer's history (pure: no I/O).

Windows are 30-day months counted back from the moment of scoring (`as_of`), or days. Only what
happened before `as_of` counts, so a past loan is scored on what was known when it was applied for.

Sources: the bank's own records (savings, repayments) are always used. Value-chain records and
channel use are used only with the customer's consent; without it those features are missing
(`None`), and the scorecard gives them its `missing` points. A customer with no value-chain records
(or none usable) is flagged `no_records`, and the decision policy refers such a customer to an officer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from gateway.scoring.history import DEPOSIT_KIND, CustomerHistory

DAYS_PER_MONTH = 30
NO_RECORDS = "no_records"
NO_CONSENT = "no_consent"
SELLING_CYCLE_DAYS = {"milk_delivery": 30, "seaweed_sale": 45, "patchouli_sale": 90}
"""How often each kind of record is expected: the cooperative pays for milk monthly; seaweed is harvested
about every 45 days; patchouli is distilled and sold about every 90."""
RECORDS_LOOKBACK_DAYS = 365
"""A customer whose newest value-chain record is older than this has `no_records`."""

FeatureValue = float | None


class Source(str, Enum):
    OWN = "own"
    VALUE_CHAIN = "value_chain"
    CHANNEL = "channel"

    @property
    def needs_consent(self) -> bool:
        return self is not Source.OWN


class WindowUnit(str, Enum):
    MONTHS = "months"
    DAYS = "days"


@dataclass(frozen=True)
class Window:
    length: int
    unit: WindowUnit = WindowUnit.MONTHS

    @property
    def days(self) -> int:
        return self.length * (DAYS_PER_MONTH if self.unit is WindowUnit.MONTHS else 1)

    def __str__(self) -> str:
        return f"{self.length} {self.unit.value}"


@dataclass(frozen=True)
class Features:
    values: Mapping[str, FeatureValue]
    has_records: bool
    consent: bool

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(flag for flag, on in ((NO_RECORDS, not self.has_records), (NO_CONSENT, not self.consent)) if on)


def _local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def _bucket(days_ago: int) -> int:
    return days_ago // DAYS_PER_MONTH


def deposit_months(history: CustomerHistory, window: Window, as_of: datetime) -> FeatureValue:
    """Months (30-day buckets back from `as_of`) with at least one deposit."""
    start = as_of - timedelta(days=window.days)
    buckets = {
        _bucket((as_of - move.posted_at).days)
        for move in history.savings
        if move.kind == DEPOSIT_KIND and move.amount > 0 and start < move.posted_at <= as_of
    }
    return float(len(buckets))


def average_balance(history: CustomerHistory, window: Window, as_of: datetime) -> FeatureValue:
    """Time-weighted average savings balance over the window, in rupiah (0 before the first movement)."""
    start = as_of - timedelta(days=window.days)
    balance, weighted, since = 0, 0.0, start
    for move in history.savings:
        if move.posted_at > as_of:
            break
        if move.posted_at <= start:
            balance = move.balance_after
            continue
        weighted += balance * (move.posted_at - since).total_seconds()
        balance, since = move.balance_after, move.posted_at
    weighted += balance * (as_of - since).total_seconds()
    return round(weighted / (as_of - start).total_seconds())


def _due_in_window(history: CustomerHistory, window: Window, as_of: datetime) -> list[bool]:
    """For each instalment due in the window: paid in full by its due date (local), as known at `as_of`."""
    today = _local_day(as_of, history.tz)
    first = today - timedelta(days=window.days)
    on_time: list[bool] = []
    for due in history.instalments:
        if not first <= due.due_date < today:
            continue
        paid = due.paid_at is not None and due.paid_at <= as_of and due.paid_amount >= due.amount
        on_time.append(paid and due.paid_at is not None and _local_day(due.paid_at, history.tz) <= due.due_date)
    return on_time


def on_time_share(history: CustomerHistory, window: Window, as_of: datetime) -> FeatureValue:
    """Share of the instalments due in the window that were paid on time; None: nothing was due."""
    on_time = _due_in_window(history, window, as_of)
    return round(sum(on_time) / len(on_time), 4) if on_time else None


def late_instalments(history: CustomerHistory, window: Window, as_of: datetime) -> FeatureValue:
    """Instalments due in the window paid late or not yet paid."""
    return float(sum(1 for ok in _due_in_window(history, window, as_of) if not ok))


def sms_use(history: CustomerHistory, window: Window, as_of: datetime) -> FeatureValue:
    """SMS the customer sent to the bank in the window (USSD sessions are not kept, so not counted)."""
    start = as_of - timedelta(days=window.days)
    return float(sum(1 for at in history.sms_received if start < at <= as_of))


def _records_in(history: CustomerHistory, window: Window, as_of: datetime) -> list[tuple[int, int]]:
    today = _local_day(as_of, history.tz)
    return [
        ((today - record.occurred_on).days, record.amount)
        for record in history.records
        if 0 <= (today - record.occurred_on).days < window.days
    ]


def delivery_months(history: CustomerHistory, window: Window, as_of: datetime) -> FeatureValue:
    """Months with at least one delivery or sale in the value-chain records."""
    return float(len({_bucket(days_ago) for days_ago, _ in _records_in(history, window, as_of)}))


def delivery_regularity(history: CustomerHistory, window: Window, as_of: datetime) -> FeatureValue:
    """Share of the window's selling cycles with at least one delivery or sale, by the customer's kind of
    record: milk is paid monthly, seaweed harvested about every 45 days, patchouli oil sold about every 90.
    Unlike `delivery_months`, a patchouli farmer selling every harvest scores as regular as a dairy farmer."""
    kinds = Counter(record.kind for record in history.records)
    if not kinds:
        return None
    cycle = SELLING_CYCLE_DAYS.get(kinds.most_common(1)[0][0], DAYS_PER_MONTH)
    expected = max(window.days // cycle, 1)
    covered = {days_ago // cycle for days_ago, _ in _records_in(history, window, as_of) if days_ago // cycle < expected}
    return round(len(covered) / expected, 4)


def monthly_income(history: CustomerHistory, window: Window, as_of: datetime) -> FeatureValue:
    """Payments in the value-chain records over the window, per month, in rupiah."""
    months = max(window.days / DAYS_PER_MONTH, 1)
    return round(sum(amount for _, amount in _records_in(history, window, as_of)) / months)


Compute = Callable[[CustomerHistory, Window, datetime], FeatureValue]


@dataclass(frozen=True)
class FeatureKind:
    compute: Compute
    source: Source
    unit: WindowUnit


FEATURE_KINDS: dict[str, FeatureKind] = {
    "deposit_months": FeatureKind(deposit_months, Source.OWN, WindowUnit.MONTHS),
    "average_balance": FeatureKind(average_balance, Source.OWN, WindowUnit.MONTHS),
    "on_time_share": FeatureKind(on_time_share, Source.OWN, WindowUnit.MONTHS),
    "late_instalments": FeatureKind(late_instalments, Source.OWN, WindowUnit.MONTHS),
    "sms_use": FeatureKind(sms_use, Source.CHANNEL, WindowUnit.DAYS),
    "delivery_months": FeatureKind(delivery_months, Source.VALUE_CHAIN, WindowUnit.MONTHS),
    "delivery_regularity": FeatureKind(delivery_regularity, Source.VALUE_CHAIN, WindowUnit.MONTHS),
    "monthly_income": FeatureKind(monthly_income, Source.VALUE_CHAIN, WindowUnit.MONTHS),
}
"""Every feature a scorecard may name, with where it comes from and how its window is counted."""


def has_usable_records(history: CustomerHistory, as_of: datetime) -> bool:
    today = _local_day(as_of, history.tz)
    return any(0 <= (today - record.occurred_on).days < RECORDS_LOOKBACK_DAYS for record in history.records)


def compute_features(
    history: CustomerHistory, wanted: Iterable[tuple[str, str, Window]], as_of: datetime, consent: bool
) -> Features:
    """`wanted`: (name in the scorecard, feature kind, window). Consent gates value-chain and channel features."""
    values: dict[str, FeatureValue] = {}
    for name, kind_name, window in wanted:
        kind = FEATURE_KINDS[kind_name]
        usable = consent or not kind.source.needs_consent
        if kind.source is Source.VALUE_CHAIN and not has_usable_records(history, as_of):
            usable = False
        values[name] = kind.compute(history, window, as_of) if usable else None
    return Features(values, consent and has_usable_records(history, as_of), consent)
