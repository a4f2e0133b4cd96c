"""The customer's SMS about her application: referred, not approved, approved (with the schedule), withdrawn.

Written to the outbox inside the decision's transaction (so the decision and its SMS commit together), one
per application and outcome (the outbox key), in the customer's language, GSM-7. A decision about one's
own loan application is sent even after an SMS opt-out (required by contract).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from gateway.banking.interface import Loan
from gateway.gsm7 import to_gsm7
from gateway.i18n import Catalog
from gateway.money import Money
from gateway.sms.outbox import queue_sms

BANK_NAME = "sms.bank"
PURPOSE = "loan_decision"
VALIDITY = timedelta(days=3)
REVIEW_DAYS = 3
"""An officer answers a referred application within this many days (the referred SMS names the date)."""
MAX_REASONS = 2
REASON_KEYS = ("decisions.reason.{code}", "scoring.reason.{code}", "scoring.policy.{code}")
OTHER_REASON = "decisions.reason_other"


def reason_texts(catalog: Catalog, lang: str, codes: Sequence[str]) -> list[str]:
    """Plain texts for reason codes: the scorecard's (scoring.reason.*), the officers' (decisions.reason.*) or
    the policy's (scoring.policy.*); codes without a text are left out, and none at all gives a general one."""
    texts: list[str] = []
    for code in codes:
        key = next(
            (k.format(code=code) for k in REASON_KEYS if catalog.has(catalog.default_lang, k.format(code=code))), None
        )
        text = catalog.render(lang, key) if key else None
        if text and text not in texts:
            texts.append(text)
    return texts or [catalog.render(lang, OTHER_REASON)]


def _queue(
    db: Session, catalog: Catalog, to: str, lang: str, key: str, text_key: str, values: Mapping[str, Any], now: datetime
) -> int:
    body = catalog.render(lang, text_key, {"bank": catalog.render(lang, BANK_NAME), **values})
    return queue_sms(
        db,
        to=to,
        body=to_gsm7(body),
        purpose=PURPOSE,
        key=key,
        now=now,
        expires_at=now + VALIDITY,
        required_by_contract=True,
    )


def referred(db: Session, catalog: Catalog, to: str, lang: str, reference: str, now: datetime, local_day: date) -> int:
    answer_by = local_day + timedelta(days=REVIEW_DAYS)
    values = {"reference": reference, "answer_by": answer_by}
    return _queue(db, catalog, to, lang, f"decision:{reference}:referred", "decisions.sms.referred", values, now)


def declined(
    db: Session, catalog: Catalog, to: str, lang: str, reference: str, codes: Sequence[str], now: datetime
) -> int:
    reasons = "; ".join(reason_texts(catalog, lang, codes)[:MAX_REASONS])
    values = {"reference": reference, "reasons": reasons}
    return _queue(db, catalog, to, lang, f"decision:{reference}:declined", "decisions.sms.declined", values, now)


def approved_cash(db: Session, catalog: Catalog, to: str, lang: str, reference: str, amount: int, now: datetime) -> int:
    values = {"reference": reference, "amount": Money(amount)}
    return _queue(db, catalog, to, lang, f"decision:{reference}:approved", "decisions.sms.approved_cash", values, now)


def disbursed(
    db: Session,
    catalog: Catalog,
    to: str,
    lang: str,
    reference: str,
    product_name: str,
    loan: Loan,
    cash: bool,
    now: datetime,
) -> int:
    first, last = loan.instalments[0], loan.instalments[-1]
    values = {
        "reference": reference,
        "product_name": product_name,
        "amount": Money(loan.principal),
        "count": len(loan.instalments),
        "first_due": first.due_date,
        "first_amount": Money(first.amount),
        "last_due": last.due_date,
        "last_amount": Money(last.amount),
        "total": Money(sum(i.amount for i in loan.instalments)),
    }
    text_key = "decisions.sms.disbursed_cash" if cash else "decisions.sms.disbursed"
    return _queue(db, catalog, to, lang, f"decision:{reference}:disbursed", text_key, values, now)


def withdrawn(db: Session, catalog: Catalog, to: str, lang: str, reference: str, done: bool, now: datetime) -> int:
    text_key = "decisions.sms.withdrawn" if done else "decisions.sms.withdraw_too_late"
    return _queue(db, catalog, to, lang, f"decision:{reference}:withdrawn", text_key, {"reference": reference}, now)
