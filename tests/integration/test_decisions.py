"""The loan decision flow on SQLite and PostgreSQL: consent, scoring, referral, officer actions, disbursement,
the customer's SMS, withdrawal, roles and the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gateway.banking.demo import DAIRY, SEAWEED
from gateway.banking.interface import ApplicationStatus
from gateway.banking.ledger import SqlBank
from gateway.decisions import intake, views
from gateway.decisions.desk import DecisionError, Desk
from gateway.decisions.model import Actor, CaseState, PolicyOutcome
from gateway.decisions.scoring import score
from gateway.decisions.service import approve, decline, disburse
from gateway.staff import audit_entries
from gateway.storage.ledger_tables import AccountRow, CustomerRow, LoanRow
from tests.banking_fixtures import bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.decision_support import Clock, FixedScorer, add_staff_members, make_desk, sms_to, submit

OFFICER = Actor("ani", "officer")
SUPERVISOR = Actor("budi", "supervisor")
AUDITOR = Actor("citra", "auditor")


@pytest.fixture
def scorer() -> FixedScorer:
    return FixedScorer()


@pytest.fixture
def desk(demo_bank: SqlBank, scorer: FixedScorer) -> Desk:
    made = make_desk(demo_bank, Clock(), scorer)
    add_staff_members(made)
    return made


def _balance(desk: Desk, msisdn: str) -> int:
    with desk.sessions() as db:
        found = db.scalar(
            select(AccountRow.balance)
            .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
            .where(CustomerRow.msisdn == msisdn)
        )
        assert found is not None
        return int(found)


def _state(desk: Desk, reference: str) -> str:
    return str(views.application_detail(desk, AUDITOR, reference)["state"])


def test_referred_then_approved_by_an_officer_is_disbursed_with_its_schedule(
    demo_bank: SqlBank, desk: Desk, scorer: FixedScorer
) -> None:
    reference = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 5_000_000, 12, consent=True)
    assessment = score(desk, reference)
    assert assessment.outcome is PolicyOutcome.REFER
    assert scorer.calls == [(reference, True)]
    assert _state(desk, reference) == "referred"
    referred = sms_to(desk, DAIRY.msisdn)[-1]
    assert reference in referred and "diperiksa petugas" in referred

    assert approve(desk, reference, OFFICER, "checked the milk records") is CaseState.DISBURSED
    detail = views.application_detail(desk, SUPERVISOR, reference)
    assert detail["state"] == "disbursed" and detail["ledger_status"] == ApplicationStatus.DISBURSED.value
    assert [d["outcome"] for d in detail["decisions"]] == ["refer", "approved", "disbursed"]
    scored = detail["decisions"][0]
    assert scored["points"] == {"deposit_months": 40, "on_time_share": 30}
    assert scored["scorecard_version"] == "test-card-1" and scored["consent"] is True
    assert detail["consent"]["granted"] is True and detail["consent"]["wording_version"] == "id-test"
    assert [e["action"] for e in detail["audit"]] == ["application.approve", "application.disburse"]
    assert detail["audit"][0]["actor"] == "ani" and detail["audit"][0]["reason"] == "checked the milk records"
    with desk.sessions() as db:
        loan = db.scalar(select(LoanRow).where(LoanRow.principal == 5_000_000))
        assert loan is not None and len(loan.instalments) == 12
    money = sms_to(desk, DAIRY.msisdn)[-1]
    assert "disetujui" in money and "12x" in money and "Rp5.000.000" in money


def test_within_the_policy_limit_it_is_approved_and_paid_out_automatically(
    demo_bank: SqlBank, desk: Desk, scorer: FixedScorer
) -> None:
    scorer.outcome = PolicyOutcome.APPROVE
    balance = _balance(desk, DAIRY.msisdn)
    reference = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 2_000_000, 6, consent=False)
    score(desk, reference)
    assert scorer.calls == [(reference, False)]  # no consent: the bank's own records only
    assert _state(desk, reference) == "disbursed"
    assert _balance(desk, DAIRY.msisdn) == balance + 2_000_000
    decisions = views.application_detail(desk, AUDITOR, reference)["decisions"]
    assert [(d["kind"], d["actor"]) for d in decisions] == [
        ("score", "scoring"),
        ("score", "scoring"),
        ("score", "scoring"),
    ]


def test_a_decline_needs_a_person_a_known_reason_and_tells_the_customer_plainly(demo_bank: SqlBank, desk: Desk) -> None:
    reference = submit(demo_bank, desk, SEAWEED.msisdn, "seaweed_harvest", 3_000_000, 6, consent=True)
    score(desk, reference)
    with pytest.raises(DecisionError) as refused:
        decline(desk, reference, OFFICER, "no_such_reason")
    assert refused.value.code == "bad_request"
    with pytest.raises(DecisionError) as forbidden:
        decline(desk, reference, AUDITOR, "income_too_low")
    assert forbidden.value.code == "forbidden"
    decline(desk, reference, OFFICER, "income_too_low", "milk income too small for the instalment")
    body = sms_to(desk, SEAWEED.msisdn)[-1]
    assert "tidak disetujui" in body and "ditolak" not in body.lower()
    assert "penghasilan belum cukup" in body and "ditinjau ulang" in body
    assert _state(desk, reference) == "declined"
    with pytest.raises(DecisionError) as again:
        approve(desk, reference, OFFICER)
    assert again.value.code == "forbidden"  # only a supervisor overrides a decline
    assert approve(desk, reference, SUPERVISOR, "new delivery records") is CaseState.DISBURSED


def test_cash_payout_waits_for_the_branch_and_disburses_once(demo_bank: SqlBank, desk: Desk) -> None:
    from gateway.decisions.model import Payout

    reference = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 3_000_000, 6, consent=None)
    score(desk, reference)
    before = _balance(desk, DAIRY.msisdn)
    assert approve(desk, reference, OFFICER, "", Payout.CASH) is CaseState.APPROVED
    assert "ambil uang" in sms_to(desk, DAIRY.msisdn)[-1]
    first = disburse(desk, reference, OFFICER, Payout.CASH)
    second = disburse(desk, reference, OFFICER, Payout.CASH)
    assert first.id == second.id
    assert _balance(desk, DAIRY.msisdn) == before  # credited, then paid out in cash
    assert "tunai" in sms_to(desk, DAIRY.msisdn)[-1]


def test_the_customer_withdraws_until_disbursed(demo_bank: SqlBank, desk: Desk) -> None:
    reference = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 4_000_000, 12, consent=True)
    score(desk, reference)
    now = desk.clock()
    with desk.sessions() as db, db.begin():
        assert intake.withdraw(db, reference, SEAWEED.msisdn, now) is False  # not hers
    with desk.sessions() as db, db.begin():
        assert intake.withdraw(db, reference, DAIRY.msisdn, now) is True
    assert _state(desk, reference) == "withdrawn"
    with pytest.raises(DecisionError) as late:
        approve(desk, reference, OFFICER)
    assert late.value.code == "conflict"
    with desk.sessions() as db:
        entries = audit_entries(db, subject=reference)
    assert [e.action for e in entries] == ["application.withdraw"]


def test_roles_and_unknown_references(demo_bank: SqlBank, desk: Desk) -> None:
    reference = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 4_000_000, 12, consent=True)
    with pytest.raises(DecisionError) as auditor:
        approve(desk, reference, AUDITOR)
    assert auditor.value.code == "forbidden"
    with pytest.raises(DecisionError) as operator:
        views.list_applications(desk, Actor("dodi", "operator"))
    assert operator.value.code == "forbidden"
    with pytest.raises(DecisionError) as missing:
        views.application_detail(desk, OFFICER, "PJNOSUCH1")
    assert missing.value.code == "not_found"
    listed = views.list_applications(desk, AUDITOR, CaseState.SUBMITTED)
    assert [item["reference"] for item in listed] == [reference]
    assert listed[0]["msisdn"] != DAIRY.msisdn  # masked


def test_rescore_is_a_new_decision_and_leaves_a_decided_case_alone(
    demo_bank: SqlBank, desk: Desk, scorer: FixedScorer
) -> None:
    reference = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 4_000_000, 12, consent=True)
    score(desk, reference)
    decline(desk, reference, OFFICER, "existing_debt")
    scorer.outcome = PolicyOutcome.APPROVE
    score(desk, reference, SUPERVISOR)
    detail = views.application_detail(desk, AUDITOR, reference)
    assert detail["state"] == "declined"
    assert [d["outcome"] for d in detail["decisions"]] == ["refer", "declined", "approve"]
    assert detail["audit"][-1]["action"] == "application.rescore"


class _NoLongerOffered:
    """A bank whose disbursement refuses (the product was withdrawn from sale meanwhile)."""

    def __init__(self, bank: SqlBank) -> None:
        self.bank = bank

    def disburse(self, reference: str, now: object, start: object = None) -> object:
        raise ValueError("product dairy_cow is no longer offered")

    def post(self, *args: object, **kwargs: object) -> object:
        raise AssertionError("nothing to pay out")

    def product(self, code: str) -> object:
        return self.bank.product(code)


def test_an_approval_the_bank_cannot_pay_out_stays_approved(demo_bank: SqlBank, desk: Desk) -> None:
    from dataclasses import replace

    reference = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 4_000_000, 12, consent=True)
    score(desk, reference)
    stuck = replace(desk, lender=_NoLongerOffered(demo_bank))
    assert approve(stuck, reference, OFFICER, "ok") is CaseState.APPROVED
    with pytest.raises(DecisionError) as refused:
        disburse(stuck, reference, OFFICER)
    assert refused.value.code == "conflict" and "no longer offered" in refused.value.message
    assert disburse(desk, reference, OFFICER).principal == 4_000_000  # once the cause is fixed
    assert _state(desk, reference) == "disbursed"


def test_an_application_filed_before_the_decisions_can_be_decided_at_once(demo_bank: SqlBank, desk: Desk) -> None:
    from gateway.banking.demo import PATCHOULI

    [filed] = demo_bank.my_loans(PATCHOULI.msisdn).applications  # seeded without a case
    decline(desk, filed.reference, OFFICER, "amount_too_high", "start smaller")
    detail = views.application_detail(desk, AUDITOR, filed.reference)
    assert detail["state"] == "declined" and detail["consent"] is None
    assert "jumlah pinjaman terlalu besar" in sms_to(desk, PATCHOULI.msisdn)[-1]
