"""The customer's side of a loan decision: consent to use her records, and withdrawing an application.

Session vars read: `consent` ("1" yes, "2" no, or YA/TIDAK from SMS), `reference` (the application the
loan flow just submitted, or the one `applications.open` found). Both hand their work to gateway.decisions
as effects after commit (gateway/decisions/intake.py): nothing here writes.
"""

from __future__ import annotations

import hashlib

from gateway.banking.interface import ApplicationStatus, LoanApplication
from gateway.engine.api import Effect, Result
from gateway.money import Money
from handlers._common import BankCall, guarded

CONSENT_TEXT = "decisions.consent.ask"
YES = frozenset({"1", "ya", "y", "yes", "setuju", "boleh"})
NO = frozenset({"2", "tidak", "tdk", "no", "n"})
WITHDRAWABLE = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED})


def consent_answer(value: object) -> bool | None:
    """True, False, or None when the customer was not asked (or the answer is unreadable)."""
    word = str(value or "").strip().lower()
    return True if word in YES else False if word in NO else None


def wording_version(call: BankCall) -> str:
    """The consent wording the customer saw: her language and a digest of the text, so a change of the words
    in the locales is a new version without anyone remembering to bump one."""
    text = call.services.text(CONSENT_TEXT, {})
    return f"{call.lang}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


@guarded
def register(call: BankCall) -> Result:
    """After `loans.submit` (or `loans.apply`) said ok: tell the decisions about the application and the
    consent answer; they score it after commit. Category: ok (always; the application is already in)."""
    reference = str(call.vars.get("reference") or "")
    if not reference:
        return Result("ok")
    payload = {
        "key": f"application:{reference}:decision",
        "reference": reference,
        "channel": call.channel,
        "lang": call.lang,
        "consent": consent_answer(call.vars.get("consent")),
        "consent_version": wording_version(call),
        "answered_at": call.services.now().isoformat(),
    }
    return Result("ok", effects=(Effect("loan_application", payload),))


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
