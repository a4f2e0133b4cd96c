"""The built-in ledger's side of `access.py`: activation codes, setting a PIN with one, SMS banking."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from gateway.banking.access import (
    MAX_ACTIVATION_TRIES,
    ActivationCheck,
    ActivationOutcome,
    PinCheck,
    PinOutcome,
    activation_digest,
    new_activation_code,
    same_digest,
)
from gateway.banking.pins import is_weak_pin
from gateway.banking.store import Store, log, peppered
from gateway.phones import mask_msisdn
from gateway.storage.ledger_tables import CustomerRow


def _forget_code(row: CustomerRow) -> None:
    row.activation_hash, row.activation_expires_at, row.activation_redeemed_at = None, None, None
    row.activation_failures = 0


class CustomerAccess(Store):
    # --- activation codes -----------------------------------------------------------------------
    def issue_activation(self, msisdn: str, now: datetime, code: str | None = None) -> str | None:
        """Operator action (at the branch, the customer present): a new code replaces any earlier one.

        Returns the code, to be handed over and never stored; None for a number that is not a customer.
        `code` is for tests that need a known one.
        """
        code = code or new_activation_code()
        with self.transaction() as session:
            row = self.customer_row(session, msisdn, lock=True)
            if row is None:
                return None
            _forget_code(row)
            row.activation_hash = activation_digest(code, msisdn, self.pepper)
            row.activation_expires_at = now + self.access.activation_ttl
        log.info("activation code issued for %s", mask_msisdn(msisdn))
        return code

    def lock_for_reset(self, msisdn: str) -> bool:
        """Operator action for a forgotten PIN: the old PIN stops working (as after a lock-out) and SMS
        banking goes off; the customer sets a new PIN with an activation code. False for a stranger."""
        with self.transaction() as session:
            row = self.customer_row(session, msisdn, lock=True)
            if row is None:
                return False
            row.locked, row.sms_banking_active_at = True, None
        log.info("PIN of %s locked for a reset at the branch", mask_msisdn(msisdn))
        return True

    def redeem_activation(self, msisdn: str, code: str, now: datetime) -> ActivationCheck:
        with self.transaction() as session:
            row = self.customer_row(session, msisdn, lock=True)
            if row is None:
                return ActivationCheck(ActivationOutcome.UNKNOWN)
            if row.activation_hash is None or row.activation_expires_at is None:
                return ActivationCheck(ActivationOutcome.NONE)
            if now >= row.activation_expires_at:
                _forget_code(row)
                log.info("activation code for %s expired", mask_msisdn(msisdn))
                return ActivationCheck(ActivationOutcome.EXPIRED)
            if same_digest(row.activation_hash, code, msisdn, self.pepper):
                row.activation_redeemed_at = now
                return ActivationCheck(ActivationOutcome.OK, MAX_ACTIVATION_TRIES - row.activation_failures)
            row.activation_failures += 1
            tries_left = MAX_ACTIVATION_TRIES - row.activation_failures
            if tries_left > 0:
                return ActivationCheck(ActivationOutcome.WRONG, tries_left)
            _forget_code(row)
            log.warning("activation code for %s burnt after %d wrong tries", mask_msisdn(msisdn), MAX_ACTIVATION_TRIES)
            return ActivationCheck(ActivationOutcome.BURNT, 0)

    def _activation_open(self, row: CustomerRow, now: datetime) -> bool:
        redeemed, expires = row.activation_redeemed_at, row.activation_expires_at
        return (
            row.activation_hash is not None
            and redeemed is not None
            and expires is not None
            and redeemed <= now < min(redeemed + self.access.pin_setup_window, expires)
        )

    def activate_pin(self, msisdn: str, pin: str, now: datetime) -> PinCheck:
        with self.transaction() as session:
            row = self.customer_row(session, msisdn, lock=True)
            if row is None:
                return PinCheck(PinOutcome.UNKNOWN)
            if not self._activation_open(row, now):
                return PinCheck(PinOutcome.NOT_ACTIVATED)
            if is_weak_pin(pin, msisdn):
                return PinCheck(PinOutcome.WEAK)
            reset = row.pin_hash is not None
            row.pin_hash = self.hasher.hash(peppered(pin, self.pepper))
            row.failed_pin_attempts, row.locked, row.sms_banking_active_at = 0, False, None
            _forget_code(row)
        log.info("PIN %s with an activation code for %s", "reset" if reset else "set", mask_msisdn(msisdn))
        return PinCheck(PinOutcome.OK)

    # --- SMS banking ----------------------------------------------------------------------------
    def _sms_on(self, row: CustomerRow, now: datetime) -> bool:
        since = row.sms_banking_active_at
        return since is not None and now - since < self.access.sms_banking_idle

    def sms_banking(self, msisdn: str, now: datetime) -> bool:
        with self.read_only() as session:
            row = self.customer_row(session, msisdn)
            return row is not None and self._sms_on(row, now)

    def set_sms_banking(self, msisdn: str, on: bool, now: datetime) -> bool:
        with self.transaction() as session:
            row = self.customer_row(session, msisdn, lock=True)
            if row is None:
                return False
            row.sms_banking_active_at = now if on else None
        log.info("SMS banking switched %s for %s", "on" if on else "off", mask_msisdn(msisdn))
        return True

    def use_sms_banking(self, msisdn: str, now: datetime) -> bool:
        with self.transaction() as session:
            row = self.customer_row(session, msisdn, lock=True)
            if row is None or row.sms_banking_active_at is None:
                return False
            if not self._sms_on(row, now):
                row.sms_banking_active_at = None
                log.info("SMS banking switched off for %s after inactivity", mask_msisdn(msisdn))
                return False
            row.sms_banking_active_at = max(now, row.sms_banking_active_at)
            return True

    # --- numbers --------------------------------------------------------------------------------
    def change_msisdn(self, old: str, new: str) -> bool:
        """Operator action: the customer's new number. SMS banking goes off and a pending activation code
        lapses (both belonged to the old SIM). False for an unknown `old`; ValueError if `new` is taken."""
        try:
            with self.transaction() as session:
                row = self.customer_row(session, old, lock=True)
                if row is None:
                    return False
                row.msisdn, row.sms_banking_active_at = new, None
                _forget_code(row)
        except IntegrityError:
            raise ValueError("that number already belongs to a customer") from None
        log.info("number of %s changed to %s; SMS banking off", mask_msisdn(old), mask_msisdn(new))
        return True
