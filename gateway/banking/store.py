"""What the built-in ledger's parts share: sessions, error translation, row locks, references."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import queue
import secrets
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gateway.banking.access import AccessPolicy
from gateway.banking.interface import BankUnavailable, InstalmentState, LoanProduct
from gateway.banking.products import load_products
from gateway.storage.ledger_tables import AccountRow, CustomerRow, InstalmentRow, LoanRow

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


_HOP_READS: ContextVar[tuple[object, dict[str, Any]] | None] = ContextVar("bank_hop_reads", default=None)
"""Inside `Store.one_hop()`: the store it belongs to and what it has read (customer rows by msisdn)."""


class _Readers:
    """Connections in autocommit, set up once and reused by `Store.reading` (a pool checkout that switches
    autocommit on and back off costs more than the read itself). One per concurrent reader, kept while the
    process lives; a connection that failed is dropped, and a forked child starts with none of its parent's."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.pid = engine, os.getpid()
        self.idle: queue.SimpleQueue[Connection] = queue.SimpleQueue()
        event.listen(engine, "engine_disposed", self.drop)

    def take(self) -> Connection:
        if self.pid != os.getpid():
            self.idle, self.pid = queue.SimpleQueue(), os.getpid()
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def give_back(self, connection: Connection) -> None:
        self.idle.put(connection)

    def close(self) -> None:
        """Hand the idle connections back to the pool (the store is gone)."""
        self._empty(invalidate=False)

    def drop(self, _engine: Engine | None = None) -> None:
        """The engine was disposed: close the idle connections for good (their pool is gone)."""
        self._empty(invalidate=True)

    def _empty(self, *, invalidate: bool) -> None:
        while True:
            try:
                connection = self.idle.get_nowait()
            except queue.Empty:
                return
            with suppress(Exception):  # closing what is not needed: a dead connection is gone either way
                if invalidate:
                    connection.invalidate()
                connection.close()


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
        self._readers = _Readers(engine)
        weakref.finalize(self, self._readers.close)

    @contextmanager
    def one_hop(self) -> Iterator[None]:
        """Within it a customer is read from the database once (`hop_memo`); any write transaction forgets
        what was read. The dialog runs each USSD hop inside it: the dial's language and lookup share a read."""
        token = _HOP_READS.set((self, {}))
        try:
            yield
        finally:
            _HOP_READS.reset(token)

    def hop_memo(self) -> dict[str, Any] | None:
        """What this hop has read so far, when inside `one_hop`; None outside it."""
        current = _HOP_READS.get()
        return current[1] if current is not None and current[0] is self else None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One database transaction; storage failures become BankUnavailable, IntegrityError passes.

        Only the exception's type is logged: SQLAlchemy's message carries the statement's parameters,
        phone numbers among them.
        """
        memo = self.hop_memo()
        if memo:
            memo.clear()  # a write may change what the hop read
        try:
            with self._sessions.begin() as session:
                yield session
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise _unavailable(exc) from None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read outside any transaction (single statements, no write lock on SQLite); failures as above.

        The connection is one of `_Readers`' (autocommit, reused); one that failed is closed, not reused, so
        after a database restart a held connection fails one read and the next read connects afresh."""
        try:
            connection = self._readers.take()
        except DBAPIError as exc:
            raise _unavailable(exc) from None
        try:
            yield connection
        except DBAPIError as exc:
            connection.close()
            raise _unavailable(exc) from None
        except BaseException:
            connection.close()
            raise
        self._readers.give_back(connection)

    @contextmanager
    def read_only(self) -> Iterator[Session]:
        """A session for reads: no transaction of its own, so no write lock on SQLite; failures as above."""
        try:
            with (
                self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
                Session(bind=connection, expire_on_commit=False) as session,
            ):
                yield session
        except DBAPIError as exc:
            raise _unavailable(exc) from None

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

    def instalment_states(self, instalment_ids: Sequence[int]) -> dict[int, InstalmentState]:
        """`Bank.instalment_states`: amount, paid and the loan's status of each instalment, in one read."""
        if not instalment_ids:
            return {}
        query = (
            select(InstalmentRow.id, InstalmentRow.amount, InstalmentRow.paid_amount, LoanRow.status)
            .join(LoanRow, LoanRow.id == InstalmentRow.loan_id)
            .where(InstalmentRow.id.in_(sorted(set(instalment_ids))))
        )
        with self.reading() as connection:
            return {
                row_id: InstalmentState(amount, paid, status)
                for row_id, amount, paid, status in connection.execute(query)
            }


def _unavailable(exc: DBAPIError) -> BankUnavailable:
    cause = type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__
    log.warning("bank storage failed: %s", cause)
    return BankUnavailable(cause)
