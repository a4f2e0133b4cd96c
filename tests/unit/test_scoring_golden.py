"""Golden scores: a fixed scorecard and policy (tests/fixtures/scoring/) and five customers, pinned.

A change here means a change in how customers are scored: re-derive the numbers by hand and say so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.scoring import Decision, Policy, Scorecard, ScoringRequest, assess, read_policy, read_scorecard
from tests.scoring_support import AS_OF, GOLDEN_CUSTOMERS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scoring"


@pytest.fixture(scope="module")
def scorecard() -> Scorecard:
    card, problems = read_scorecard((FIXTURES / "scorecard.yaml").read_text(encoding="utf-8"))
    assert card is not None, problems
    return card


@pytest.fixture(scope="module")
def policy() -> Policy:
    found, problems = read_policy((FIXTURES / "decision_policy.yaml").read_text(encoding="utf-8"))
    assert found is not None, problems
    return found


FEATURES = (
    "deposit_months",
    "average_balance",
    "on_time_share",
    "late_instalments",
    "sms_use",
    "delivery_months",
    "monthly_income",
)

GOLDEN = {
    # name: (feature values, points, total, score reasons, outcome, policy reasons, limit, band)
    "regular_dairy": (
        (12, 7_716_667, 1.0, 0, 2, 12, 2_300_000),
        (70, 55, 70, 40, 10, 60, 50),
        755,
        (),
        Decision.APPROVE,
        (),
        15_000_000,
        "A",
    ),
    "late_seaweed": (
        (4, 652_778, 0.5, 2, 0, 4, 1_600_000),
        (25, 40, 0, 15, 0, 30, 50),
        560,
        ("repayment_late", "savings_irregular", "deliveries_irregular"),
        Decision.REFER,
        ("above_auto_limit", "repayment_late", "savings_irregular", "deliveries_irregular"),
        2_000_000,
        "C",
    ),
    "no_records": (
        (6, 508_333, None, 0, 0, None, None),
        (50, 40, 25, 40, 0, 0, 0),
        555,
        ("no_records", "no_repayment_history", "savings_irregular"),
        Decision.REFER,
        ("no_records", "no_repayment_history", "savings_irregular"),
        2_000_000,
        "C",
    ),
    "no_consent": (
        (12, 7_950_000, None, 0, None, None, None),
        (70, 55, 25, 40, 0, 0, 0),
        590,
        ("no_records", "no_repayment_history"),
        Decision.REFER,
        ("no_records", "no_repayment_history"),
        10_000_000,
        "B",
    ),
    "newcomer": (
        (0, 0, None, 0, 0, None, None),
        (0, 0, 25, 40, 0, 0, 0),
        465,
        ("savings_irregular", "no_records", "savings_low"),
        Decision.REFER,
        ("no_records", "savings_irregular", "savings_low"),
        0,
        "D",
    ),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_customer(name: str, scorecard: Scorecard, policy: Policy) -> None:
    history, consent, product, amount = GOLDEN_CUSTOMERS[name]
    values, points, total, reasons, outcome, policy_reasons, limit, band = GOLDEN[name]
    scored = assess(scorecard, policy, history, ScoringRequest(history.customer_id, product, amount, AS_OF, consent))
    assert tuple(scored.result.values[f] for f in FEATURES) == values
    assert tuple(scored.result.points[f] for f in FEATURES) == points
    assert (scored.result.total, scored.result.reasons) == (total, reasons)
    assert (scored.outcome.outcome, scored.outcome.reasons, scored.outcome.limit, scored.outcome.band) == (
        outcome,
        policy_reasons,
        limit,
        band,
    )
    assert scored.result.scorecard_version == scorecard.version == "sc-f679df935bd1"


def test_only_customers_with_records_and_consent_count_as_having_records(scorecard: Scorecard, policy: Policy) -> None:
    flags = {}
    for name, (history, consent, product, amount) in GOLDEN_CUSTOMERS.items():
        scored = assess(
            scorecard, policy, history, ScoringRequest(history.customer_id, product, amount, AS_OF, consent)
        )
        flags[name] = scored.features.flags
    assert flags == {
        "regular_dairy": (),
        "late_seaweed": (),
        "no_records": ("no_records",),
        "no_consent": ("no_records", "no_consent"),
        "newcomer": ("no_records",),
    }


def test_the_policy_never_declines(scorecard: Scorecard, policy: Policy) -> None:
    outcomes = set()
    for history, consent, product, _ in GOLDEN_CUSTOMERS.values():
        for amount in (1, 500_000, 2_000_000, 10_000_000, 50_000_000):
            request = ScoringRequest(history.customer_id, product, amount, AS_OF, consent)
            outcomes.add(assess(scorecard, policy, history, request).outcome.outcome)
    assert outcomes == {Decision.APPROVE, Decision.REFER}


def test_the_version_follows_content_not_comments_or_layout(scorecard: Scorecard) -> None:
    text = (FIXTURES / "scorecard.yaml").read_text(encoding="utf-8")
    relaid, _ = read_scorecard("# another comment\n" + text.replace("{below: 3, points: 0", "{ below: 3,  points: 0"))
    changed, _ = read_scorecard(text.replace("base_points: 400", "base_points: 401"))
    assert relaid is not None and changed is not None
    assert relaid.version == scorecard.version != changed.version
