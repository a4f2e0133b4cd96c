"""What a loan decision is made of: the case states, who acts, and the scorer's assessment."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Protocol, runtime_checkable

from gateway.banking.loan_desk import ApplicationFile


class CaseState(str, Enum):
    SUBMITTED = "submitted"
    """Waiting for the scoring job."""
    REFERRED = "referred"
    """The policy did not approve it: an officer (or the loan system) decides."""
    APPROVED = "approved"
    """Approved; the money waits for a cash payout at the branch."""
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    DISBURSED = "disbursed"


OPEN_STATES = frozenset({CaseState.SUBMITTED, CaseState.REFERRED, CaseState.APPROVED})
"""A customer may withdraw, and an officer may still decide, while the case is in one of these."""
UNDECIDED_STATES = frozenset({CaseState.SUBMITTED, CaseState.REFERRED})


class DecisionKind(str, Enum):
    SCORE = "score"
    OFFICER = "officer"
    LOAN_SYSTEM = "loan_system"
    CUSTOMER = "customer"


class PolicyOutcome(str, Enum):
    """The policy approves within its limit or refers; it never declines."""

    APPROVE = "approve"
    REFER = "refer"


class Payout(str, Enum):
    SAVINGS = "savings"
    CASH = "cash"


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member (username and role), the scoring job, the loan system or the customer."""

    username: str
    role: str


SCORING = Actor("scoring", "system")
LOAN_SYSTEM = Actor("loan_system", "loan_system")


def kind_of(actor: Actor) -> DecisionKind:
    """The kind of decision an actor's action is recorded as."""
    if actor.role == LOAN_SYSTEM.role:
        return DecisionKind.LOAN_SYSTEM
    if actor.role == SCORING.role:
        return DecisionKind.SCORE
    return DecisionKind.CUSTOMER if actor.role == "customer" else DecisionKind.OFFICER


def customer_actor(msisdn: str) -> Actor:
    return Actor(f"customer:{msisdn[-4:]}", "customer")


@dataclass(frozen=True)
class Assessment:
    """One scoring run: enough to replay it (feature values, points, reasons, versions)."""

    outcome: PolicyOutcome
    score: int | None
    scorecard_version: str
    policy_version: str
    features: Mapping[str, Any] = field(default_factory=dict)
    points: Mapping[str, int] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    """Reason codes, the strongest first (the scorecard's codes; texts in the locales)."""
    limit: int | None = None
    """The policy's automatic-approval limit for this score and product, in rupiah."""
    consent: bool = False
    """Whether value-chain and channel records were used (the customer consented)."""

    def detail(self) -> dict[str, Any]:
        return {
            "features": dict(self.features),
            "points": dict(self.points),
            "reasons": list(self.reasons),
            "limit": self.limit,
            "consent": self.consent,
        }


Scorer = Callable[[ApplicationFile, bool, datetime], Assessment]
"""Scores an application (with the value-chain and channel records only when the second argument, the
customer's consent, is True) and applies the decision policy."""


@runtime_checkable
class BatchScorer(Protocol):
    """A scorer that also scores many applications at once, reading their histories in a few queries."""

    def __call__(self, application: ApplicationFile, consent: bool, now: datetime) -> Assessment: ...

    def many(self, applications: Sequence[tuple[ApplicationFile, bool]], now: datetime) -> list[Assessment]: ...


def refer_everything(application: ApplicationFile, consent: bool, now: datetime) -> Assessment:
    """The scorer when no scorecard is installed: every application goes to an officer."""
    return Assessment(PolicyOutcome.REFER, None, "none", "none", reasons=("no_scorecard",), consent=consent)
