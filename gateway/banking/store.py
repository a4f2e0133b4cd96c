"""What the built-in ledger's parts share: sessions, error translation, row locks, references."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gateway.banking.access import AccessPolicy
from gateway.banking.interface import BankUnavailable, LoanProduct
from gateway.banking.products import load_products
from gateway.storage.ledger_tables import AccountRow, CustomerRow

log = logging.getLogger("gateway.banking")

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 6


def new_reference(prefix: str) -> str:
    """Short enough to read out over the phone, e.g. `PJ7K2MQD`; no 0/O or 1/I to confuse."""
    return prefix + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


# A six-digit PIN has only a million values: however slow the hash, a stolen table falls to a search of
# them all. What protects it is a pepper, a key kept outside the database (PIN_PEPPER): every PIN is
# HMAC-SHA256'd with it before argon2id, so the table alone reveals nothing. argon2id stays as defence
# in depth at 8 MiB and one pass (about 5 ms here; OWASP's 19 MiB and two passes cost 20-30 ms, which let
# a burst of PIN checks stall a USSD worker). Online guessing is stopped by the lock-out after 3 tries.
PIN_HASH_TIME_COST = 1
PIN_HASH_MEMORY_KIB = 8 * 1024
PIN_HASH_LANES = 1


def pin_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=PIN_HASH_TIME_COST, memory_cost=PIN_HASH_MEMORY_KIB, parallelism=PIN_HASH_LANES)


def peppered(pin: str, pepper: str) -> str:
    """What argon2 sees of a PIN: an HMAC under the pepper (the PIN itself when no pepper is set)."""
    if not pepper:
        return pin
    return hmac.new(pepper.encode(), pin.encode(), hashlib.sha256).hexdigest()


def local_date(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


class Store:
    def __init__(
        self,
        engine: Engine,
        products: Sequence[LoanProduct] | None = None,
        hasher: PasswordHasher | None = None,
        pepper: str = "",
        access: AccessPolicy | None = None,
    ) -> None:
        self.engine = engine
        self.access = access or AccessPolicy()
        self.products = tuple(load_products() if products is None else products)
        self.hasher = hasher or pin_hasher()
        self.pepper = pepper
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One database transaction; storage failures become BankUnavailable, IntegrityError passes.

        Only the exception's type is logged: SQLAlchemy's message carries the statement's parameters,
        phone numbers among them.
        """
        try:
            with self._sessions.begin() as session:
                yield session
        except IntegrityError:
            raise
        except DBAPIError as exc:
            cause = type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__
            log.warning("bank storage failed: %s", cause)
            raise BankUnavailable(cause) from None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read outside any transaction (one statement, no write lock on SQLite); failures as above."""
        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                yield connection
        except DBAPIError as exc:
            cause = type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__
            log.warning("bank storage failed: %s", cause)
            raise BankUnavailable(cause) from None

    @contextmanager
    def read_only(self) -> Iterator[Session]:
        """A session for reads: no transaction of its own, so no write lock on SQLite; failures as above."""
        with self.reading() as connection, Session(bind=connection, expire_on_commit=False) as session:
            yield session

    @staticmethod
    def customer_row(session: Session, msisdn: str, *, lock: bool = False) -> CustomerRow | None:
        query = select(CustomerRow).where(CustomerRow.msisdn == msisdn)
        return session.scalar(query.with_for_update() if lock else query)

    @staticmethod
    def account_row(session: Session, customer_id: int, *, lock: bool = False) -> AccountRow | None:
        query = select(AccountRow).where(AccountRow.customer_id == customer_id)
        return session.scalar(query.with_for_update() if lock else query)

    def product(self, code: str) -> LoanProduct | None:
        return next((p for p in self.products if p.code == code), None)
