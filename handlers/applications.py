"""The customer's side of a loan decision: consent to use her records, and withdrawing an application.

Session vars read: `consent` ("1" yes, "2" no, or YA/TIDAK from SMS) and `reference` (the application to
withdraw). Both hand their work to gateway.decisions as effects after commit (gateway/decisions/intake.py):
nothing here writes.
"""

from __future__ import annotations

import hashlib

from gateway.banking.interface import ApplicationStatus, LoanApplication
from gateway.engine.api import Effect, Result
from gateway.money import Money
from handlers._common import BankCall, guarded

CONSENT_TEXT = ("decisions.consent.ask", "decisions.consent.sms")
YES = frozenset({"1", "ya", "y", "yes", "setuju", "boleh"})
NO = frozenset({"2", "tidak", "tdk", "no", "n"})
WITHDRAWABLE = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED})


def consent_answer(value: object) -> bool | None:
    """True, False, or None when the customer was not asked (or the answer is unreadable)."""
    word = str(value or "").strip().lower()
    return True if word in YES else False if word in NO else None


def wording_version(call: BankCall) -> str:
    """The consent wording the customer saw (the USSD screen or the SMS sentence): her language and a digest
    of the text, so a change of the words in the locales is a new version without anyone bumping one."""
    try:
        text = call.services.text(CONSENT_TEXT[call.channel == "sms"], {})
    except KeyError:  # an operator's locales without the consent text: stored as such
        return f"{call.lang}-missing"
    return f"{call.lang}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def decision_effects(call: BankCall, reference: str) -> tuple[Effect, ...]:
    """What `loans.submit` adds to its result: the application and the consent answer, for the decisions to
    store and score after commit (gateway/decisions/intake.py)."""
    consent = consent_answer(call.vars.get("consent"))
    if consent is None and call.channel == "sms":  # the quote asked: no YA before the code is a no
        consent = False
    payload = {
        "key": f"application:{reference}:decision",
        "reference": reference,
        "channel": call.channel,
        "lang": call.lang,
        "consent": consent,
        "consent_version": wording_version(call),
        "answered_at": call.services.now().isoformat(),
    }
    return (Effect("loan_application", payload),)


def _withdrawable(call: BankCall) -> LoanApplication | None:
    wanted = str(call.vars.get("reference") or "").upper()
    open_ones = [a for a in call.services.bank.my_loans(call.msisdn).applications if a.status in WITHDRAWABLE]
    if wanted:
        return next((a for a in open_ones if a.reference == wanted), None)
    return open_ones[0] if open_ones else None


@guarded
def find(call: BankCall) -> Result:
    """The newest application she may still withdraw. Categories: ok (reference, amount), none."""
    found = _withdrawable(call)
    if found is None:
        return Result("none")
    return Result("ok", {"reference": found.reference, "amount": Money(found.amount)})


@guarded
def withdraw(call: BankCall) -> Result:
    """Withdraw `reference` (USSD, after `find`) or the newest open application (SMS `BATAL`).
    Categories: ok (reference), none. A race with a disbursement is settled after commit: the decisions
    refuse it (the loan is paid out; her loans show it)."""
    found = _withdrawable(call)
    if found is None:
        return Result("none")
    payload = {"key": f"withdraw:{found.reference}", "reference": found.reference}
    return Result("ok", {"reference": found.reference}, effects=(Effect("loan_withdrawal", payload),))
