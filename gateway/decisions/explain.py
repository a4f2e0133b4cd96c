"""`jembatan applications show REF` in words: the request, the consent, every decision with its features,
points, reasons (with their texts) and policy, who did what and why, and the loan system's delivery."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.decisions.notices import reason_texts
from gateway.i18n import Catalog, format_money

LANG = "en"


def _money(value: object) -> str:
    return format_money(int(value), "id") if isinstance(value, int) else "-"


def _when(value: object) -> str:
    return str(value or "")[:16].replace("T", " ")


def _reasons(catalog: Catalog, codes: list[str]) -> str:
    if not codes:
        return "none"
    texts = [reason_texts(catalog, LANG, [code])[0] for code in codes]
    return "; ".join(f"{code} ({text})" for code, text in zip(codes, texts, strict=True))


def _decision(catalog: Catalog, number: int, item: Mapping[str, Any]) -> list[str]:
    who = f"{item['actor']} ({item['role']})"
    head = f"{number}. {_when(item['at'])}  {item['outcome']} by {who}, {item['kind']}"
    lines = [head]
    if item["kind"] == "score":
        lines.append(
            f"   score {item['score']}, scorecard {item['scorecard_version']}, policy {item['policy_version']},"
            f" automatic limit {_money(item.get('limit'))}, records used: "
            + ("value chain and channel (consent)" if item.get("consent") else "the bank's own only")
        )
        points = item.get("points") or {}
        features = item.get("features") or {}
        shown = [
            f"{name}={features.get(name)!r} ({points.get(name, 0)} pts)" for name in sorted(set(features) | set(points))
        ]
        if shown:
            lines.append("   features: " + ", ".join(shown))
        lines.append("   reasons: " + _reasons(catalog, list(item.get("reasons") or [])))
    if item.get("reason_code"):
        lines.append("   reason: " + _reasons(catalog, [item["reason_code"]]))
    if item.get("note"):
        lines.append(f"   note: {item['note']}")
    extra = {k: item[k] for k in ("payout", "override", "loan") if k in item}
    if extra:
        lines.append("   " + ", ".join(f"{k} {v}" for k, v in extra.items()))
    return lines


def explain(detail: Mapping[str, Any], catalog: Catalog) -> str:
    request, customer, consent = detail["request"], detail["customer"], detail["consent"]
    lines = [
        f"{detail['reference']}  {detail['state']} (ledger: {detail['ledger_status']})",
        f"Request: {request['product']} {_money(request['amount'])} over {request['tenor']} months,"
        f" for {request['purpose'] or '-'}; submitted {_when(detail['submitted_at'])} via {detail['channel'] or '-'}",
        f"Customer: {customer['name']} ({customer['msisdn']}),"
        f" {customer['value_chain'] or '-'}, {customer['place'] or '-'}",
        "Consent: "
        + (
            "not asked (the bank's own records only)"
            if consent is None
            else f"{'yes' if consent['granted'] else 'no'}, wording {consent['wording_version']},"
            f" {consent['channel']}, {_when(consent['answered_at'])}"
        ),
        "Decisions:",
    ]
    for number, item in enumerate(detail["decisions"], start=1):
        lines.extend("  " + line for line in _decision(catalog, number, item))
    lines.append("Audit log:")
    lines.extend(
        f"  {_when(e['at'])}  {e['actor']}  {e['action']}" + (f"  ({e['reason']})" if e["reason"] else "")
        for e in detail["audit"]
    )
    handoff = detail["loan_system"]
    lines.append(
        "Loan system: "
        + (
            "not configured or not handed over"
            if handoff is None
            else f"{handoff['state']} after {handoff['attempts']} attempt(s)"
            + (f", delivered {_when(handoff['delivered_at'])}" if handoff["delivered_at"] else "")
            + (
                f", next try {_when(handoff['next_attempt_at'])}, last error {handoff['last_error']}"
                if handoff["state"] != "delivered"
                else ""
            )
        )
    )
    return "\n".join(lines)
