"""Score applications against the database: read histories in bulk, compute features, score, decide.

The scoring job (gateway.decisions) calls `score_one`; the benchmark and reports call `score_many`,
which reads ten thousand customers' histories in a few queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from gateway.scoring.features import Features, Window, WindowUnit, compute_features
from gateway.scoring.history import CustomerHistory, load_histories
from gateway.scoring.policy import Policy, PolicyOutcome, decide
from gateway.scoring.scorecard import Scorecard, ScoreResult, score


@dataclass(frozen=True)
class ScoringRequest:
    customer_id: int
    product_code: str
    amount: int
    as_of: datetime
    """The moment of the application: only what was known then counts."""
    consent: bool
    """Whether the customer consented to the use of value-chain and channel records."""


@dataclass(frozen=True)
class Scored:
    request: ScoringRequest
    features: Features
    result: ScoreResult
    outcome: PolicyOutcome


def assess(scorecard: Scorecard, policy: Policy, history: CustomerHistory, request: ScoringRequest) -> Scored:
    """Pure: features from the history, the score, and the policy's outcome."""
    features = compute_features(history, scorecard.wanted(), request.as_of, request.consent)
    result = score(scorecard, features.values)
    outcome = decide(policy, result, request.product_code, request.amount, features.has_records)
    return Scored(request, features, result, outcome)


def _sms_since(scorecard: Scorecard, requests: Sequence[ScoringRequest]) -> datetime | None:
    days = [f.window.days for f in scorecard.features if f.window.unit is WindowUnit.DAYS and f.kind == "sms_use"]
    if not days or not any(request.consent for request in requests):
        return None
    return min(request.as_of for request in requests) - timedelta(days=max(days))


def score_many(
    engine: Engine, scorecard: Scorecard, policy: Policy, requests: Sequence[ScoringRequest]
) -> list[Scored]:
    """In the order of `requests`; raises LookupError naming a customer id the database does not know."""
    histories = load_histories(engine, (r.customer_id for r in requests), _sms_since(scorecard, requests))
    missing = sorted({r.customer_id for r in requests} - set(histories))
    if missing:
        raise LookupError(f"no customer with id {missing[0]}")
    return [assess(scorecard, policy, histories[r.customer_id], r) for r in requests]


def score_one(engine: Engine, scorecard: Scorecard, policy: Policy, request: ScoringRequest) -> Scored:
    return score_many(engine, scorecard, policy, [request])[0]


__all__ = ["Scored", "ScoringRequest", "Window", "assess", "score_many", "score_one"]
