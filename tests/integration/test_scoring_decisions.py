"""The real scorecard and policy (menus/) behind the decisions' scoring job: a farmer with records and consent
is approved within the limit, the same farmer without consent and a customer without records are referred
(never declined), rescoring replays the same answer, and the fairness report reads the stored decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.banking.demo import DAIRY, SEAWEED, UNREGISTERED
from gateway.banking.ledger import SqlBank
from gateway.decisions.desk import Desk
from gateway.decisions.model import Actor, PolicyOutcome
from gateway.decisions.scorer import scorer_for
from gateway.decisions.scoring import score
from gateway.scoring.demo_history import seed_farmer_records
from gateway.scoring.fairness import stored_rows
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.decision_support import Clock, make_desk, submit

MENUS = Path(__file__).resolve().parents[2] / "menus"
SUPERVISOR = Actor("budi", "supervisor")


@pytest.fixture
def desk(demo_bank: SqlBank) -> Desk:
    seed_farmer_records(demo_bank.engine, NOW, [(DAIRY.msisdn, "dairy"), (SEAWEED.msisdn, "seaweed")])
    return make_desk(demo_bank, Clock(), scorer_for(MENUS, demo_bank.engine))


def test_records_with_consent_approve_within_the_limit_and_lacking_them_refers(demo_bank: SqlBank, desk: Desk) -> None:
    with_records = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 1_000_000, 6, consent=True)
    approved = score(desk, with_records)
    assert (approved.outcome, approved.consent) == (PolicyOutcome.APPROVE, True)
    assert approved.reasons == ("savings_irregular", "channel_little_use")  # what kept the score down, even so
    assert approved.scorecard_version.startswith("sc-") and approved.policy_version.startswith("dp-")
    assert approved.features["delivery_regularity"] == 1.0 and approved.points["delivery_regularity"] == 60

    without_consent = submit(demo_bank, desk, SEAWEED.msisdn, "seaweed_harvest", 600_000, 3, consent=False)
    referred = score(desk, without_consent)
    assert (referred.outcome, referred.reasons[0], referred.features["delivery_regularity"]) == (
        PolicyOutcome.REFER,
        "no_records",
        None,
    )
    again = score(desk, without_consent, SUPERVISOR)
    assert (again.score, again.features, again.reasons) == (referred.score, referred.features, referred.reasons)


def test_a_customer_without_records_is_referred_and_the_report_reads_the_decisions(
    demo_bank: SqlBank, desk: Desk
) -> None:
    demo_bank.register_pin(UNREGISTERED.msisdn, "135792")
    reference = submit(demo_bank, desk, UNREGISTERED.msisdn, "seaweed_harvest", 500_000, 3, consent=True)
    assert score(desk, reference).outcome is PolicyOutcome.REFER
    dairy = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 1_500_000, 6, consent=True)
    score(desk, dairy)
    rows = stored_rows(demo_bank.engine)
    assert [(row.approved, row.value_chain, row.province) for row in rows] == [(True, "dairy", "Jawa Barat")]
    assert rows[0].score is not None and rows[0].score > 600
