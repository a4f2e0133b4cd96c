"""Credit scoring from a customer's records, with consent, reasons and a human on every refusal.

`history` reads what scoring looks at (savings, instalments, value-chain records, SMS) in bulk;
`features` computes features over stated windows (pure); `scorecard` reads `menus/scorecard.yaml` and
scores (pure); `policy` reads `menus/decision_policy.yaml` and decides approve or refer (pure; never
decline); `service` ties them to the database; `checks` is their part of `jembatan menus check`;
`fit` proposes a scorecard from past loans (optbinning); `fairness` reports approval rates by group
(fairlearn); `demo_history` seeds a synthetic loan history; `cli` is `jembatan scoring fit|report`.
"""

from gateway.scoring.features import Features, compute_features
from gateway.scoring.policy import Decision, Policy, PolicyOutcome, decide, load_policy, read_policy
from gateway.scoring.scorecard import Scorecard, ScoreResult, load_scorecard, read_scorecard, score
from gateway.scoring.service import Scored, ScoringRequest, assess, score_many, score_one

__all__ = [
    "Decision",
    "Features",
    "Policy",
    "PolicyOutcome",
    "ScoreResult",
    "Scorecard",
    "Scored",
    "ScoringRequest",
    "assess",
    "compute_features",
    "decide",
    "load_policy",
    "load_scorecard",
    "read_policy",
    "read_scorecard",
    "score",
    "score_many",
    "score_one",
]
