"""A decisions `Desk` over a seeded demo bank, with a fixed clock and a scorer the test chooses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from gateway.banking.ledger import SqlBank
from gateway.banking.loan_desk import ApplicationFile
from gateway.config import PROJECT_ROOT
from gateway.decisions import intake
from gateway.decisions.desk import Desk, LosConfig
from gateway.decisions.model import Assessment, PolicyOutcome
from gateway.i18n import load_catalog
from gateway.staff import add_staff
from gateway.storage.sms_tables import OutboxRow
from tests.banking_fixtures import FAST_HASHER, NOW

CATALOG, _PROBLEMS = load_catalog(PROJECT_ROOT / "locales")


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class FixedScorer:
    """Answers `outcome` for every application; records what it was asked."""

    outcome: PolicyOutcome = PolicyOutcome.REFER
    calls: list[tuple[str, bool]] = field(default_factory=list)

    def __call__(self, application: ApplicationFile, consent: bool, now: datetime) -> Assessment:
        self.calls.append((application.reference, consent))
        points = {"deposit_months": 40, "on_time_share": 30}
        reasons = () if self.outcome is PolicyOutcome.APPROVE else ("above_auto_limit",)
        return Assessment(
            self.outcome,
            sum(points.values()),
            "test-card-1",
            "test-policy-1",
            {"deposit_months": 6, "on_time_share": 1.0},
            points,
            reasons,
            2_000_000,
            consent,
        )


def make_desk(bank: SqlBank, clock: Clock, scorer: Callable[..., Assessment], los: LosConfig | None = None) -> Desk:
    from gateway.staff import record_audit

    return Desk(
        sessions=sessionmaker(bind=bank.engine),
        lender=bank,
        catalog=lambda: CATALOG,
        clock=clock,
        audit=record_audit,
        scorer=scorer,
        los=los,
    )


def add_staff_members(desk: Desk) -> None:
    with desk.sessions() as db, db.begin():
        for name, role in (("ani", "officer"), ("budi", "supervisor"), ("citra", "auditor"), ("dodi", "operator")):
            add_staff(db, name, role, NOW, actor="test", hasher=FAST_HASHER)


def submit(bank: SqlBank, desk: Desk, msisdn: str, product: str, amount: int, tenor: int, consent: bool | None) -> str:
    """An application in the ledger, and its `loan_application` effect applied (as after a USSD hop)."""
    application = bank.submit_application(msisdn, product, amount, tenor, "pakan", f"t:{msisdn}:{amount}", desk.clock())
    payload = {
        "key": f"application:{application.reference}:decision",
        "reference": application.reference,
        "channel": "ussd",
        "lang": "id",
        "consent": consent,
        "consent_version": "id-test",
        "answered_at": desk.clock().isoformat(),
    }
    with desk.sessions() as db, db.begin():
        intake.write(db, intake.APPLICATION, payload, msisdn, desk.clock())
    return application.reference


def sms_to(desk: Desk, msisdn: str) -> list[str]:
    with desk.sessions() as db:
        rows = db.scalars(select(OutboxRow).where(OutboxRow.to_msisdn == msisdn).order_by(OutboxRow.id))
        return [row.body for row in rows]


def with_los(desk: Desk, url: str, secret: str) -> Desk:
    return replace(desk, los=LosConfig(url, secret))
