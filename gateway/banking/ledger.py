"""The built-in bank on SQLAlchemy: customers, PINs and savings here, lending in `lending.py`.

PINs are stored only as argon2 hashes and never logged; three wrong PINs in a row lock the customer
until they set a new PIN with an activation code from the branch (`customer_access.py`).
"""

from __future__ import annotations

from datetime import datetime

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.banking import records
from gateway.banking.customer_access import CustomerAccess
from gateway.banking.due_reads import DueReads
from gateway.banking.interface import (
    Customer,
    PinCheck,
    PinOutcome,
    SavingsAccount,
    SavingsTransaction,
)
from gateway.banking.lending import Lending
from gateway.banking.pins import MAX_PIN_ATTEMPTS, is_weak_pin
from gateway.banking.repayments import Repayments
from gateway.banking.store import log, peppered
from gateway.complaints.tickets import ComplaintTickets
from gateway.phones import mask_msisdn
from gateway.storage.ledger_tables import AccountRow, CustomerRow, SavingsTxRow

DEFAULT_STATEMENT_LINES = 5
LANG_LENGTH = 8


class InsufficientBalance(ValueError):
    pass


CUSTOMER_BY_MSISDN = select(*CustomerRow.__table__.columns).where(CustomerRow.msisdn == bindparam("msisdn"))
LANGUAGE_BY_MSISDN = select(CustomerRow.lang).where(CustomerRow.msisdn == bindparam("msisdn"))
ACCOUNT_BY_MSISDN = (
    select(AccountRow.id, AccountRow.number, AccountRow.customer_id, AccountRow.balance)
    .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
    .where(CustomerRow.msisdn == bindparam("msisdn"))
)


class SqlBank(Lending, Repayments, CustomerAccess, DueReads, ComplaintTickets):
    """`SqlBank(engine)`; products default to `menus/products.yaml`. Implements `interface.Bank`."""

    # --- customers ------------------------------------------------------------------------------
    def customer_by_msisdn(self, msisdn: str) -> Customer | None:
        """Read at every dial, so a single Core statement rather than an ORM transaction; once per hop."""
        memo = self.hop_memo()
        if memo is not None and msisdn in memo:
            found: Customer | None = memo[msisdn]
            return found
        with self.reading() as connection:
            row = connection.execute(CUSTOMER_BY_MSISDN, {"msisdn": msisdn}).first()
        customer = (
            Customer(
                row.id,
                row.msisdn,
                row.name,
                row.tz,
                row.lang,
                row.pin_hash is not None,
                row.locked,
                row.value_chain,
                row.place,
            )
            if row
            else None
        )
        if memo is not None:
            memo[msisdn] = customer
        return customer

    def customer_language(self, msisdn: str) -> str | None:
        """Within a hop (`one_hop`) the whole customer is read, for the lookup that follows the dial."""
        if self.hop_memo() is not None:
            customer = self.customer_by_msisdn(msisdn)
            return customer.lang if customer else None
        with self.reading() as connection:
            return connection.execute(LANGUAGE_BY_MSISDN, {"msisdn": msisdn}).scalar()

    def set_language(self, msisdn: str, lang: str) -> None:
        if not (lang.isascii() and lang.isalpha() and 0 < len(lang) <= LANG_LENGTH):
            raise ValueError("a language code is 1-8 ASCII letters")
        with self.transaction() as session:
            session.execute(
                update(CustomerRow).where(CustomerRow.msisdn == msisdn, CustomerRow.lang != lang).values(lang=lang)
            )

    def add_customer(
        self, msisdn: str, name: str, tz: str, lang: str, now: datetime, *, value_chain: str = "", place: str = ""
    ) -> Customer:
        """Operator action: a new customer with an empty savings account, no PIN yet."""
        with self.transaction() as session:
            row = CustomerRow(
                msisdn=msisdn,
                name=name,
                tz=tz,
                lang=lang,
                value_chain=value_chain,
                place=place,
                pin_hash=None,
                failed_pin_attempts=0,
                locked=False,
                created_at=now,
            )
            session.add(row)
            session.flush()
            session.add(AccountRow(number=f"{row.id:010d}", customer_id=row.id, balance=0))
            return records.customer(row)

    def has_customers(self) -> bool:
        with self.read_only() as session:
            return session.scalar(select(CustomerRow.id).limit(1)) is not None

    # --- PINs -----------------------------------------------------------------------------------
    def register_pin(self, msisdn: str, pin: str) -> PinCheck:
        """Back-office only, not in `Bank` (no phone reaches it): a first PIN without an activation code,
        for demo and benchmark data. Customers set theirs with `activate_pin`."""
        with self.transaction() as session:
            row = self.customer_row(session, msisdn, lock=True)
            if row is None:
                return PinCheck(PinOutcome.UNKNOWN)
            if row.pin_hash is not None:
                return PinCheck(PinOutcome.ALREADY_REGISTERED)
            if is_weak_pin(pin, msisdn):
                return PinCheck(PinOutcome.WEAK)
            row.pin_hash, row.failed_pin_attempts, row.locked = self.hasher.hash(peppered(pin, self.pepper)), 0, False
            log.info("PIN registered for %s", mask_msisdn(msisdn))
            return PinCheck(PinOutcome.OK)

    def verify_pin(self, msisdn: str, pin: str) -> PinCheck:
        """The hash is checked outside any transaction (argon2 takes ~20 ms; no lock is held meanwhile).

        Only a change of the wrong-PIN counter writes, in a short transaction on the locked row.
        """
        with self.reading() as connection:
            row = connection.execute(CUSTOMER_BY_MSISDN, {"msisdn": msisdn}).first()
        if row is None:
            return PinCheck(PinOutcome.UNKNOWN)
        if row.pin_hash is None:
            return PinCheck(PinOutcome.UNREGISTERED)
        if row.locked:
            return PinCheck(PinOutcome.LOCKED, 0)
        if self._matches(row.pin_hash, pin):
            if row.failed_pin_attempts or self.hasher.check_needs_rehash(row.pin_hash):
                return self._pin_right(msisdn, pin)
            return PinCheck(PinOutcome.OK, MAX_PIN_ATTEMPTS)
        return self._pin_wrong(msisdn)

    def _pin_right(self, msisdn: str, pin: str) -> PinCheck:
        with self.transaction() as session:
            row = self.customer_row(session, msisdn, lock=True)
            if row is None or row.locked:
                return PinCheck(PinOutcome.LOCKED if row else PinOutcome.UNKNOWN, 0)
            row.failed_pin_attempts = 0
            if row.pin_hash and self.hasher.check_needs_rehash(row.pin_hash):
                row.pin_hash = self.hasher.hash(peppered(pin, self.pepper))
            return PinCheck(PinOutcome.OK, MAX_PIN_ATTEMPTS)

    def _pin_wrong(self, msisdn: str) -> PinCheck:
        with self.transaction() as session:
            row = self.customer_row(session, msisdn, lock=True)
            if row is None:
                return PinCheck(PinOutcome.UNKNOWN)
            if row.locked:
                return PinCheck(PinOutcome.LOCKED, 0)
            row.failed_pin_attempts += 1
            attempts_left = max(0, MAX_PIN_ATTEMPTS - row.failed_pin_attempts)
            if attempts_left == 0:
                row.locked, row.sms_banking_active_at = True, None
                log.warning("customer %s locked after %d wrong PINs", mask_msisdn(msisdn), MAX_PIN_ATTEMPTS)
                return PinCheck(PinOutcome.LOCKED, 0)
            return PinCheck(PinOutcome.WRONG, attempts_left)

    def change_pin(self, msisdn: str, new_pin: str) -> PinCheck:
        with self.transaction() as session:
            row = self.customer_row(session, msisdn, lock=True)
            if row is None:
                return PinCheck(PinOutcome.UNKNOWN)
            if row.pin_hash is None:
                return PinCheck(PinOutcome.UNREGISTERED)
            if row.locked:
                return PinCheck(PinOutcome.LOCKED, 0)
            if is_weak_pin(new_pin, msisdn):
                return PinCheck(PinOutcome.WEAK)
            if self._matches(row.pin_hash, new_pin):
                return PinCheck(PinOutcome.SAME)
            row.pin_hash, row.failed_pin_attempts = self.hasher.hash(peppered(new_pin, self.pepper)), 0
            log.info("PIN changed for %s", mask_msisdn(msisdn))
            return PinCheck(PinOutcome.OK)

    def unlock(self, msisdn: str) -> bool:
        """Back-office only, not in `Bank`: lifts a lock-out without a new PIN (benchmarks). The branch's
        way is `jembatan pin unlock`, which issues an activation code for a new PIN instead."""
        with self.transaction() as session:
            row = self.customer_row(session, msisdn, lock=True)
            if row is None:
                return False
            row.locked, row.failed_pin_attempts = False, 0
            log.info("customer %s unlocked", mask_msisdn(msisdn))
            return True

    def _matches(self, pin_hash: str, pin: str) -> bool:
        try:
            return self.hasher.verify(pin_hash, peppered(pin, self.pepper))
        except (VerificationError, InvalidHashError):
            return False

    # --- savings --------------------------------------------------------------------------------
    def savings_balance(self, msisdn: str) -> SavingsAccount | None:
        """One Core statement: the balance is the most read figure of all."""
        with self.reading() as connection:
            row = connection.execute(ACCOUNT_BY_MSISDN, {"msisdn": msisdn}).first()
        return SavingsAccount(row.id, row.number, row.customer_id, row.balance) if row else None

    def mini_statement(self, msisdn: str, limit: int = DEFAULT_STATEMENT_LINES) -> tuple[SavingsTransaction, ...]:
        with self.read_only() as session:
            customer = self.customer_row(session, msisdn)
            if customer is None:
                return ()
            rows = session.scalars(
                select(SavingsTxRow)
                .join(AccountRow)
                .where(AccountRow.customer_id == customer.id)
                .order_by(SavingsTxRow.posted_at.desc(), SavingsTxRow.id.desc())
                .limit(limit)
            )
            return tuple(records.savings_tx(row) for row in rows)

    def post(
        self, msisdn: str, amount: int, kind: str, description: str, now: datetime, idempotency_key: str | None = None
    ) -> SavingsTransaction:
        """Operator or teller movement (deposit > 0, withdrawal < 0); once per idempotency key.

        Raises LookupError for an unknown customer, InsufficientBalance if it would go below zero.
        """
        try:
            with self.transaction() as session:
                return self._post(session, msisdn, amount, kind, description, now, idempotency_key)
        except IntegrityError:
            if idempotency_key is None:
                raise
            with self.transaction() as session:
                done = session.scalar(select(SavingsTxRow).where(SavingsTxRow.idempotency_key == idempotency_key))
                if done is None:
                    raise
                return records.savings_tx(done)

    def _post(
        self,
        session: Session,
        msisdn: str,
        amount: int,
        kind: str,
        description: str,
        now: datetime,
        idempotency_key: str | None,
    ) -> SavingsTransaction:
        if idempotency_key is not None:
            done = session.scalar(select(SavingsTxRow).where(SavingsTxRow.idempotency_key == idempotency_key))
            if done is not None:
                return records.savings_tx(done)
        customer = self.customer_row(session, msisdn, lock=True)
        account = self.account_row(session, customer.id, lock=True) if customer else None
        if account is None:
            raise LookupError("no such customer")
        if account.balance + amount < 0:
            raise InsufficientBalance(f"balance {account.balance} cannot pay {-amount}")
        account.balance += amount
        row = SavingsTxRow(
            account_id=account.id,
            posted_at=now,
            amount=amount,
            kind=kind,
            description=description,
            balance_after=account.balance,
            idempotency_key=idempotency_key,
        )
        session.add(row)
        session.flush()
        return records.savings_tx(row)
