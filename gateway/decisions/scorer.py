"""The scorer the decisions use: gateway.scoring's scorecard and policy from the menus folder, once they are
there; until then (or without the files) every application is referred to an officer."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from gateway.banking.loan_desk import ApplicationFile
from gateway.decisions.model import Assessment, PolicyOutcome, Scorer, refer_everything

log = logging.getLogger(__name__)


def scorer_for(menus_dir: Path, engine: Engine) -> Scorer:
    from gateway.scoring import ScoringRequest, load_policy, load_scorecard, score_one
    from gateway.scoring.policy import POLICY_FILE
    from gateway.scoring.scorecard import SCORECARD_FILE

    try:
        card = load_scorecard(menus_dir / SCORECARD_FILE)
        policy = load_policy(menus_dir / POLICY_FILE)
    except (OSError, ValueError) as exc:
        log.warning("no usable scorecard or decision policy in %s (%s): every application is referred", menus_dir, exc)
        return refer_everything

    def scorer(application: ApplicationFile, consent: bool, now: datetime) -> Assessment:
        """As of the application's submission, so scoring it again by reference gives the same answer."""
        request = ScoringRequest(
            application.customer_id, application.product_code, application.amount, application.submitted_at, consent
        )
        scored = score_one(engine, card, policy, request)
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

    return scorer
