"""Read-only views for officers, auditors, the CLI, the JSON API and the console: plain dicts of JSON values."""

from __future__ import annotations

from typing import Any

from gateway.banking.loan_desk import application_file
from gateway.decisions import cases, los_state
from gateway.decisions.desk import DecisionError, Desk
from gateway.decisions.model import Actor, CaseState
from gateway.decisions.service import READ_ROLES, require
from gateway.phones import mask_msisdn
from gateway.staff import audit_entries

AUDIT_LIMIT = 200


def list_applications(
    desk: Desk, actor: Actor, state: CaseState | None = None, limit: int = cases.LIST_LIMIT
) -> list[dict[str, Any]]:
    """Newest first: reference, state, amount, product, submitted, masked phone."""
    require(actor, READ_ROLES, "read applications")
    with desk.sessions() as db:
        out = []
        for row in cases.list_cases(db, state, limit):
            application = application_file(db, row.reference)
            out.append(
                {
                    "reference": row.reference,
                    "state": row.state,
                    "submitted_at": row.submitted_at.isoformat(),
                    "msisdn": mask_msisdn(row.msisdn),
                    "product": application.product_code if application else "",
                    "amount": application.amount if application else 0,
                    "tenor": application.tenor if application else 0,
                }
            )
        return out


def application_detail(desk: Desk, actor: Actor, reference: str) -> dict[str, Any]:
    """Everything that explains the case: the request, consent, every decision (features, points, reasons,
    versions, policy, who and why), the audit entries and the loan system's delivery state."""
    require(actor, READ_ROLES, "read applications")
    with desk.sessions() as db:
        row = cases.case(db, reference)
        application = application_file(db, reference)
        if row is None or application is None:
            raise DecisionError("not_found", f"no application {reference}")
        answer = cases.consent(db, reference)
        delivery = los_state.delivery(db, reference)
        return {
            "reference": reference,
            "state": row.state,
            "ledger_status": application.status.value,
            "submitted_at": row.submitted_at.isoformat(),
            "channel": row.channel,
            "customer": {
                "id": application.customer_id,
                "name": application.name,
                "msisdn": mask_msisdn(application.msisdn),
                "value_chain": application.value_chain,
                "place": application.place,
            },
            "request": {
                "product": application.product_code,
                "amount": application.amount,
                "tenor": application.tenor,
                "purpose": application.purpose,
            },
            "consent": None
            if answer is None
            else {
                "granted": answer.granted,
                "wording_version": answer.wording_version,
                "channel": answer.channel,
                "answered_at": answer.answered_at.isoformat(),
            },
            "decisions": [
                {
                    "at": d.created_at.isoformat(),
                    "kind": d.kind,
                    "outcome": d.outcome,
                    "actor": d.actor,
                    "role": d.role,
                    "reason_code": d.reason_code,
                    "note": d.note,
                    "score": d.score,
                    "scorecard_version": d.scorecard_version,
                    "policy_version": d.policy_version,
                    **(d.detail or {}),
                }
                for d in cases.decisions(db, reference)
            ],
            "audit": [
                {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "reason": e.reason, "details": e.details}
                for e in reversed(audit_entries(db, subject=reference, limit=AUDIT_LIMIT))
            ],
            "loan_system": None
            if delivery is None
            else {
                "state": delivery.state,
                "attempts": delivery.attempts,
                "next_attempt_at": delivery.next_attempt_at.isoformat(),
                "last_error": delivery.last_error,
                "delivered_at": delivery.delivered_at.isoformat() if delivery.delivered_at else None,
            },
        }
