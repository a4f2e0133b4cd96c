"""The scorer the decisions use: gateway.scoring's scorecard and policy from the menus folder, once they are
there; until then (or without the files) every application is referred to an officer."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from gateway.banking.loan_desk import ApplicationFile
from gateway.decisions.model import Assessment, PolicyOutcome, Scorer, refer_everything

if TYPE_CHECKING:
    from gateway.scoring import Scored

log = logging.getLogger(__name__)


def scorer_for(menus_dir: Path, engine: Engine) -> Scorer:
    from gateway.scoring import ScoringRequest, load_policy, load_scorecard, score_many, score_one
    from gateway.scoring.policy import POLICY_FILE
    from gateway.scoring.scorecard import SCORECARD_FILE

    try:
        card = load_scorecard(menus_dir / SCORECARD_FILE)
        policy = load_policy(menus_dir / POLICY_FILE)
    except (OSError, ValueError) as exc:
        log.warning("no usable scorecard or decision policy in %s (%s): every application is referred", menus_dir, exc)
        return refer_everything

    def assessment(scored: Scored, consent: bool) -> Assessment:
        return Assessment(
            PolicyOutcome(scored.outcome.outcome.value),
            scored.result.total,
            card.version,
            policy.version,
            features=dict(scored.result.values),
            points=dict(scored.result.points),
            reasons=scored.outcome.reasons or scored.result.reasons,
            limit=scored.outcome.limit,
            consent=consent,
        )

    def request(application: ApplicationFile, consent: bool) -> ScoringRequest:
        """As of the application's submission, so scoring it again by reference gives the same answer."""
        return ScoringRequest(
            application.customer_id, application.product_code, application.amount, application.submitted_at, consent
        )

    class CardScorer:
        def __call__(self, application: ApplicationFile, consent: bool, now: datetime) -> Assessment:
            return assessment(score_one(engine, card, policy, request(application, consent)), consent)

        def many(self, applications: Sequence[tuple[ApplicationFile, bool]], now: datetime) -> list[Assessment]:
            requests = [request(application, consent) for application, consent in applications]
            scored = score_many(engine, card, policy, requests)
            return [assessment(one, one.request.consent) for one in scored]

    return CardScorer()
