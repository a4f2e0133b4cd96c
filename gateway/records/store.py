"""Store checked records: match each to a customer by phone or savings account number, keep each once.

Good rows are kept even when others are bad; a row already stored (same `row_hash`) is counted, not
written again, so re-importing a file changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from gateway.records.files import RawRow
from gateway.records.parse import BadRecord, RecordInput, parse_record
from gateway.records.reading import read_connection
from gateway.storage.ledger_tables import AccountRow, CustomerRow
from gateway.storage.record_tables import ValueChainRecordRow

LOOKUP_CHUNK = 500  # values in one IN (...) list
INSERT_CHUNK = 1000


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str


@dataclass
class ImportReport:
    added: int = 0
    already_stored: int = 0
    bad: list[BadRow] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.added + self.already_stored + len(self.bad)

    def summary(self) -> str:
        return f"{self.read} row(s): {self.added} added, {self.already_stored} already stored, {len(self.bad)} bad"


def _chunks(values: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def match_customers(engine: Engine, rows: Sequence[RecordInput]) -> tuple[dict[str, int], dict[str, int]]:
    """(customer id by E.164 phone, customer id by ten-digit savings account number) for the rows' customers."""
    phones = sorted({row.phone for row in rows if row.phone})
    numbers = sorted({row.customer_number for row in rows if row.customer_number})
    by_phone: dict[str, int] = {}
    by_number: dict[str, int] = {}
    with read_connection(engine) as connection:
        for chunk in _chunks(phones, LOOKUP_CHUNK):
            query = select(CustomerRow.msisdn, CustomerRow.id).where(CustomerRow.msisdn.in_(chunk))
            by_phone.update({msisdn: cid for msisdn, cid in connection.execute(query)})
        for chunk in _chunks(numbers, LOOKUP_CHUNK):
            query = select(AccountRow.number, AccountRow.customer_id).where(AccountRow.number.in_(chunk))
            by_number.update({number: cid for number, cid in connection.execute(query)})
    return by_phone, by_number


def _customer_id(row: RecordInput, by_phone: dict[str, int], by_number: dict[str, int]) -> int:
    from_phone = by_phone.get(row.phone) if row.phone else None
    from_number = by_number.get(row.customer_number) if row.customer_number else None
    if row.phone and from_phone is None:
        raise BadRecord("no customer has this phone number")
    if row.customer_number and from_number is None:
        raise BadRecord("no customer has this customer_number")
    if from_phone is not None and from_number is not None and from_phone != from_number:
        raise BadRecord("phone and customer_number belong to different customers")
    found = from_phone if from_phone is not None else from_number
    assert found is not None  # parse_record requires one of the two
    return found


def _insert(engine: Engine) -> Any:
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(ValueChainRecordRow).on_conflict_do_nothing(index_elements=["row_hash"])


def import_rows(engine: Engine, raw_rows: Sequence[RawRow], source: str, now: datetime, today: date) -> ImportReport:
    report = ImportReport()
    parsed: list[tuple[int, RecordInput]] = []
    for raw in raw_rows:
        try:
            if raw.problem:
                raise BadRecord(raw.problem)
            parsed.append((raw.line, parse_record(raw.fields, today)))
        except BadRecord as exc:
            report.bad.append(BadRow(raw.line, str(exc)))
    by_phone, by_number = match_customers(engine, [row for _, row in parsed])
    fresh: dict[str, dict[str, object]] = {}
    for line, row in parsed:
        try:
            customer_id = _customer_id(row, by_phone, by_number)
        except BadRecord as exc:
            report.bad.append(BadRow(line, str(exc)))
            continue
        key = row.row_hash(customer_id)
        if key in fresh:
            report.already_stored += 1  # the same record twice in one batch
            continue
        fresh[key] = _values(row, customer_id, key, source, now)
    stored = _stored_hashes(engine, list(fresh))
    report.already_stored += len(stored)
    new_rows = [values for key, values in fresh.items() if key not in stored]
    with engine.begin() as connection:
        for start in range(0, len(new_rows), INSERT_CHUNK):
            statement = _insert(engine).returning(ValueChainRecordRow.row_hash)
            report.added += len(connection.execute(statement, new_rows[start : start + INSERT_CHUNK]).all())
    report.already_stored += len(new_rows) - report.added  # stored meanwhile by another import
    report.bad.sort(key=lambda bad: bad.line)
    return report


def _values(row: RecordInput, customer_id: int, key: str, source: str, now: datetime) -> dict[str, object]:
    return {
        "row_hash": key,
        "customer_id": customer_id,
        "kind": row.kind.value,
        "value_chain": row.kind.value_chain,
        "occurred_on": row.occurred_on,
        "quantity_milli": row.quantity_milli,
        "unit": row.kind.unit,
        "amount": row.amount,
        "buyer": row.buyer,
        "reference": row.reference,
        "source": source,
        "imported_at": now,
    }


def _stored_hashes(engine: Engine, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    with read_connection(engine) as connection:
        for chunk in _chunks(keys, LOOKUP_CHUNK):
            query = select(ValueChainRecordRow.row_hash).where(ValueChainRecordRow.row_hash.in_(chunk))
            found.update(connection.scalars(query))
    return found
