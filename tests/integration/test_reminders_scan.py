"""The scan on SQLite and PostgreSQL: one reminder and one outbox row per (instalment, offset), in the
borrower's window, never twice; two instalments one message; written-off loans and paid ones left out."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from gateway.i18n import Catalog, load_catalog
from gateway.reminders.bulk import Outgoing, queue_sms_many
from gateway.reminders.policy import DEFAULT_PATH, Policy, load_policy, read_policy
from gateway.reminders.preview import preview
from gateway.reminders.scan import scan_and_queue
from gateway.sms.outbox import queue_sms, set_opt_out
from gateway.storage.base import Base
from gateway.storage.ledger_tables import ApplicationRow, CustomerRow, InstalmentRow, LoanRow
from gateway.storage.reminder_tables import ReminderRow
from gateway.storage.sms_tables import OutboxRow, OutboxStatus
from tests.banking_fixtures import db_engine, pg_engine, sqlite_engine

ROOT = Path(__file__).resolve().parents[2]
JAKARTA, MAKASSAR = "Asia/Jakarta", "Asia/Makassar"  # Aceh (WIB) and Sumba (WITA)
DUE = date(2026, 12, 4)  # a Friday
_serial = itertools.count(1)


def at(local_day: date, hour: int, minute: int = 0, tz_hours: int = 7) -> datetime:
    """A UTC instant from a local wall clock at UTC+tz_hours."""
    return datetime(local_day.year, local_day.month, local_day.day, hour, minute, tzinfo=UTC) - timedelta(
        hours=tz_hours
    )


@pytest.fixture(name="engine")
def engine_fixture(db_engine: Engine) -> Engine:
    Base.metadata.create_all(db_engine)
    return db_engine


@pytest.fixture(name="catalog", scope="module")
def catalog_fixture() -> Catalog:
    found, problems = load_catalog(ROOT / "locales")
    assert problems == []
    return found


@pytest.fixture(name="policy", scope="module")
def policy_fixture() -> Policy:
    return load_policy(DEFAULT_PATH)


def add_customer(db: Session, tz: str = JAKARTA, lang: str = "id", name: str = "Siti Aminah") -> CustomerRow:
    n = next(_serial)
    customer = CustomerRow(
        msisdn=f"+6281200{n:06d}",
        name=name,
        tz=tz,
        lang=lang,
        pin_hash=None,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    db.add(customer)
    db.flush()
    return customer


def add_loan(
    db: Session, customer: CustomerRow, dues: list[tuple[date, int]], product: str = "dairy_cow", status: str = "active"
) -> list[InstalmentRow]:
    n = next(_serial)
    application = ApplicationRow(
        reference=f"A{n}",
        customer_id=customer.id,
        product_code=product,
        amount=1,
        tenor=len(dues),
        status="disbursed",
        submitted_at=datetime(2026, 1, 1, tzinfo=UTC),
        idempotency_key=f"app:{n}",
    )
    loan = LoanRow(
        application=application,
        customer_id=customer.id,
        product_code=product,
        principal=1,
        status=status,
        disbursed_at=datetime(2026, 1, 2, tzinfo=UTC),
    )
    db.add(loan)
    db.flush()
    rows = [
        InstalmentRow(
            loan_id=loan.id,
            number=i + 1,
            due_date=due,
            principal=amount,
            interest=0,
            fee=0,
            amount=amount,
            paid_amount=0,
        )
        for i, (due, amount) in enumerate(dues)
    ]
    db.add_all(rows)
    db.flush()
    return rows


def outbox_rows(engine: Engine) -> list[OutboxRow]:
    with Session(engine) as db:
        return list(db.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def reminder_rows(engine: Engine) -> list[ReminderRow]:
    with Session(engine) as db:
        return list(db.scalars(select(ReminderRow).order_by(ReminderRow.id)))


def test_one_reminder_per_instalment_and_offset_in_local_window(
    engine: Engine, catalog: Catalog, policy: Policy
) -> None:
    with Session(engine) as db, db.begin():
        aceh = add_loan(db, add_customer(db, JAKARTA), [(DUE, 1_250_000)])[0].id
        sumba = add_loan(db, add_customer(db, MAKASSAR, lang="en", name="Umbu Ndakularak"), [(DUE, 900_000)])[0].id
    d_minus_3 = DUE - timedelta(days=3)
    report = scan_and_queue(engine, catalog, policy, now=at(d_minus_3, 0, 30, tz_hours=7))
    assert (report.reminders, report.messages, report.suppressed) == (2, 2, 0)
    by_key = {row.idempotency_key: row for row in outbox_rows(engine)}
    aceh_sms, sumba_sms = by_key[f"reminder:{aceh}:-3"], by_key[f"reminder:{sumba}:-3"]
    assert sumba_sms.not_before == datetime(2026, 11, 30, 23, 0, tzinfo=UTC) + timedelta(hours=1)  # 08:00 WITA
    assert aceh_sms.not_before == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 WIB, an hour later
    assert aceh_sms.expires_at == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 20:00 WIB
    assert aceh_sms.body.startswith(
        "Yth. Siti Aminah: angsuran Rp1.250.000 jatuh tempo 4 Des 2026. Balas BAYAR 1250000 "
    )
    assert sumba_sms.body.startswith("Dear Umbu Ndakularak: instalment Rp900,000 due 4 Dec 2026. Reply BAYAR 900000")
    assert aceh_sms.purpose == "reminder" and aceh_sms.status == OutboxStatus.PENDING.value
    links = {(r.instalment_id, r.offset_days): r.outbox_id for r in reminder_rows(engine)}
    assert links == {(aceh, -3): aceh_sms.id, (sumba, -3): sumba_sms.id}


def test_repeated_scans_write_nothing_twice(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    with Session(engine) as db, db.begin():
        for _ in range(5):
            add_loan(db, add_customer(db), [(DUE, 500_000)])
    now = at(DUE - timedelta(days=1), 9)
    first = scan_and_queue(engine, catalog, policy, now=now, batch_size=2)
    again = [scan_and_queue(engine, catalog, policy, now=now + timedelta(hours=h)) for h in (0, 1, 5)]
    assert first.reminders == first.messages == 5
    assert all(report.reminders == report.messages == 0 for report in again)
    assert len(outbox_rows(engine)) == len(reminder_rows(engine)) == 5


def test_each_offset_on_its_own_day(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    with Session(engine) as db, db.begin():
        instalment = add_loan(db, add_customer(db), [(DUE, 500_000)])[0].id
    for offset in range(-4, 9):
        scan_and_queue(engine, catalog, policy, now=at(DUE + timedelta(days=offset), 10))
    assert sorted(r.offset_days for r in reminder_rows(engine)) == [-3, -1, 0, 1, 7]
    assert {r.instalment_id for r in reminder_rows(engine)} == {instalment}


def test_two_instalments_due_the_same_day_share_one_message(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    with Session(engine) as db, db.begin():
        customer = add_customer(db)
        for _ in range(3):  # others in between, so a small page ends inside the borrower
            add_loan(db, add_customer(db), [(DUE, 100_000)])
        first = add_loan(db, customer, [(DUE, 300_000)], product="dairy_cow")[0].id
        second = add_loan(db, customer, [(DUE, 200_000)], product="patchouli")[0].id
    report = scan_and_queue(engine, catalog, policy, now=at(DUE, 7), batch_size=2)
    assert (report.reminders, report.messages) == (5, 4)
    (shared,) = [row for row in outbox_rows(engine) if "2 angsuran" in row.body]
    assert "2 angsuran Rp300.000 + Rp200.000 (jatuh tempo 4 Des 2026)" in shared.body and shared.segments == 1
    assert {r.instalment_id for r in reminder_rows(engine) if r.outbox_id == shared.id} == {first, second}


def test_written_off_and_paid_are_left_out(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    with Session(engine) as db, db.begin():
        add_loan(db, add_customer(db), [(DUE, 500_000)], status="written_off")
        add_loan(db, add_customer(db), [(DUE, 500_000)], status="paid")
        paid = add_loan(db, add_customer(db), [(DUE, 500_000)])[0]
        paid.paid_amount, paid.paid_at = 500_000, datetime(2026, 11, 20, tzinfo=UTC)
        partly = add_loan(db, add_customer(db), [(DUE, 500_000)])[0]
        partly.paid_amount = 200_000
        db.flush()
        partly_id = partly.id
    scan_and_queue(engine, catalog, policy, now=at(DUE - timedelta(days=3), 9))
    (only,) = outbox_rows(engine)
    assert only.idempotency_key == f"reminder:{partly_id}:-3" and "Rp300.000" in only.body


def test_rules_follow_products(engine: Engine, catalog: Catalog) -> None:
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace("      products: all", "      products: [patchouli]")
    policy, problems = read_policy(text)
    assert policy is not None, problems
    with Session(engine) as db, db.begin():
        add_loan(db, add_customer(db), [(DUE, 500_000)], product="dairy_cow")
        nilam = add_loan(db, add_customer(db), [(DUE, 500_000)], product="patchouli")[0].id
    scan_and_queue(engine, catalog, policy, now=at(DUE - timedelta(days=3), 9))
    assert [r.instalment_id for r in reminder_rows(engine)] == [nilam]


def test_overdue_waits_past_christmas_and_sunday(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    with Session(engine) as db, db.begin():
        sumba = add_loan(db, add_customer(db, MAKASSAR), [(date(2026, 12, 24), 500_000)])[0].id  # D+1: Fri 25 Dec
        aceh = add_loan(db, add_customer(db, JAKARTA), [(date(2026, 12, 5), 500_000)])[0].id  # D+1: Sunday 6 Dec
    scan_and_queue(engine, catalog, policy, now=at(date(2026, 12, 25), 9, tz_hours=8))
    scan_and_queue(engine, catalog, policy, now=at(date(2026, 12, 6), 9))
    sent = {row.idempotency_key: row for row in outbox_rows(engine)}
    assert sent[f"reminder:{sumba}:1"].not_before == at(date(2026, 12, 26), 8, tz_hours=8)  # Saturday, 08:00 WITA
    assert sent[f"reminder:{aceh}:1"].not_before == at(date(2026, 12, 7), 8)  # Monday, 08:00 WIB
    assert "terlambat sejak 24 Des 2026" in sent[f"reminder:{sumba}:1"].body


def test_due_date_reminder_too_late_is_dropped(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    with Session(engine) as db, db.begin():
        add_loan(db, add_customer(db), [(DUE, 500_000)])
    report = scan_and_queue(engine, catalog, policy, now=at(DUE, 20, 30))
    assert report.too_late == 1 and outbox_rows(engine) == [] and reminder_rows(engine) == []


def test_opted_out_borrower_is_suppressed_at_once(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    with Session(engine) as db, db.begin():
        customer = add_customer(db)
        add_loan(db, customer, [(DUE, 500_000)])
        set_opt_out(db, customer.msisdn, True, "BERHENTI", at(DUE, 0) - timedelta(days=10))
    report = scan_and_queue(engine, catalog, policy, now=at(DUE - timedelta(days=3), 9))
    assert report.suppressed == 1 and outbox_rows(engine)[0].status == OutboxStatus.SUPPRESSED.value


def test_bulk_outbox_matches_queue_sms(engine: Engine) -> None:
    now, start = at(DUE, 1), at(DUE, 8)
    with Session(engine) as db, db.begin():
        set_opt_out(db, "+6281200999999", True, "STOP", now)
        for n, to in enumerate(["+6281200999998", "+6281200999999"]):
            queue_sms(
                db,
                to=to,
                body="Halo",
                purpose="reminder",
                key=f"single:{n}",
                now=now,
                not_before=start,
                expires_at=start + timedelta(hours=12),
            )
        queued = queue_sms_many(
            db,
            [
                Outgoing(f"bulk:{n}", to, "Halo", start, start + timedelta(hours=12))
                for n, to in enumerate(["+6281200999998", "+6281200999999"])
            ],
            purpose="reminder",
            now=now,
        )
        again = queue_sms_many(
            db, [Outgoing("bulk:1", "+6281200999999", "Lain", start, start)], purpose="reminder", now=now
        )
    assert again[0].outbox_id == queued[1].outbox_id
    rows = outbox_rows(engine)
    columns = [c.key for c in OutboxRow.__table__.columns if c.key not in ("id", "idempotency_key")]
    singles = [tuple(getattr(r, c) for c in columns) for r in rows if r.idempotency_key.startswith("single")]
    bulks = [tuple(getattr(r, c) for c in columns) for r in rows if r.idempotency_key.startswith("bulk")]
    assert singles == bulks and [r.status for r in rows][:2] == ["pending", "suppressed"]


def test_preview_shows_the_days_plan(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    with Session(engine) as db, db.begin():
        add_loan(db, add_customer(db, MAKASSAR), [(DUE, 1_500_000)])
        add_loan(db, add_customer(db, JAKARTA), [(DUE + timedelta(days=1), 750_000)])
    lines = preview(engine, catalog, policy, DUE - timedelta(days=3))
    assert [(line.tz, line.offset_days) for line in lines] == [(MAKASSAR, -3)]
    (line,) = lines
    assert line.format().startswith("+62812****") and "2026-12-01 08:00-20:00 WITA  D-3  Yth. Siti Aminah" in (
        line.format()
    )
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(OutboxRow)) == 0


def test_a_week_late_the_reminder_names_the_late_fee(engine: Engine, catalog: Catalog, policy: Policy) -> None:
    """dairy_cow: 0.1 % a day after 3 days' grace. D+7 is 4 days charged: 4 x Rp500 = Rp2.000; D+1 none."""
    with Session(engine) as db, db.begin():
        add_loan(db, add_customer(db), [(DUE, 500_000)], product="dairy_cow")
    scan_and_queue(engine, catalog, policy, now=at(DUE + timedelta(days=1), 9))
    scan_and_queue(engine, catalog, policy, now=at(DUE + timedelta(days=7), 9))
    first, week = outbox_rows(engine)
    assert "angsuran Rp500.000 terlambat sejak 4 Des 2026. Mohon BAYAR 500000 / di kantor" in first.body
    assert "angsuran Rp500.000 + denda Rp2.000 terlambat sejak 4 Des 2026. Mohon BAYAR 502000" in week.body
    assert week.body.endswith("Telp 0800-1234-567 PT BPR Bank Desa Sejahtera") and week.segments == 1


def test_due_day_and_overdue_notices_reach_a_borrower_who_sent_berhenti(
    engine: Engine, catalog: Catalog, policy: Policy
) -> None:
    with Session(engine) as db, db.begin():
        customer = add_customer(db)
        add_loan(db, customer, [(DUE, 500_000)])
        set_opt_out(db, customer.msisdn, True, "BERHENTI", at(DUE, 0) - timedelta(days=10))
    for day in (DUE - timedelta(days=1), DUE, DUE + timedelta(days=1)):
        scan_and_queue(engine, catalog, policy, now=at(day, 9))
    statuses = [(row.idempotency_key.rsplit(":", 1)[1], row.status) for row in outbox_rows(engine)]
    assert statuses == [("-1", "suppressed"), ("0", "pending"), ("1", "pending")]


def test_a_waiver_counts_as_paid_and_a_part_payment_lowers_the_fee_from_its_day(
    engine: Engine, catalog: Catalog, policy: Policy
) -> None:
    """dairy_cow: 0.1 % a day after 3 days' grace. Waived in full: no reminder. Part-paid: Rp500.000 charged
    Rp500 a day for 2 days (Rp1.000, through D+5), then Rp200.000 unpaid for 2 days (2 x Rp200): Rp1.400."""
    with Session(engine) as db, db.begin():
        waived = add_loan(db, add_customer(db), [(DUE, 500_000)])[0]
        waived.paid_amount, waived.waived = 300_000, 200_000
        part = add_loan(db, add_customer(db, name="Made Wirawan"), [(DUE, 500_000)])[0]
        part.paid_amount, part.late_fee_charged, part.late_fee_through = 300_000, 1_000, DUE + timedelta(days=5)
    scan_and_queue(engine, catalog, policy, now=at(DUE + timedelta(days=7), 9))
    (only,) = outbox_rows(engine)
    assert "Yth. Made Wirawan: angsuran Rp200.000 + denda Rp1.400 terlambat sejak 4 Des 2026" in only.body
    assert "Mohon BAYAR 201400 / di kantor" in only.body
