"""The synthetic history seeds once and fast; `scoring fit` proposes a scorecard that reads back, measured on
held-back loans; the live scorecard is never overwritten by default; demo farmers score from their records."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from gateway import cli
from gateway.banking.demo import DAIRY, UNREGISTERED, seed
from gateway.banking.ledger import SqlBank
from gateway.config import Settings
from gateway.phones import UnusableNumber, normalize_msisdn
from gateway.scoring import Decision, ScoringRequest, load_policy, load_scorecard, score_one
from gateway.scoring.demo_history import HISTORY_PREFIX, seed_history, seed_scoring_demo
from gateway.scoring.fit import propose
from gateway.scoring.history import past_loans
from gateway.scoring.scorecard import read_scorecard
from gateway.storage.ledger_tables import CustomerRow, LoanRow
from gateway.storage.migrate import upgrade
from tests.banking_fixtures import FAST_HASHER, NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine

SMALL_HISTORY = 1500


def _run(*argv: str) -> int:
    args = cli.parser().parse_args(list(argv))
    return int(args.func(args, Settings.from_env()))


def test_the_history_is_seeded_once_with_closed_loans_and_numbers_no_sms_can_reach(db_engine: Engine) -> None:
    upgrade(db_engine)
    assert seed_history(db_engine, NOW, loans=300) == 300
    assert seed_history(db_engine, NOW, loans=300) == 0
    with db_engine.connect() as connection:
        statuses = set(connection.scalars(select(LoanRow.status)))
        phones = list(connection.scalars(select(CustomerRow.msisdn).limit(20)))
        customers = connection.scalar(select(func.count()).select_from(CustomerRow))
    assert statuses == {"paid", "written_off"}
    assert customers == 300
    for phone in phones:
        assert phone.startswith(HISTORY_PREFIX)
        with pytest.raises(UnusableNumber):
            normalize_msisdn(phone)
    loans = past_loans(db_engine)
    assert len(loans) > 300 and 0 < sum(loan.bad for loan in loans) < len(loans) / 2


def test_fit_proposes_a_scorecard_that_reads_back_and_separates_good_from_bad(sqlite_engine: Engine) -> None:
    upgrade(sqlite_engine)
    seed_history(sqlite_engine, NOW, loans=SMALL_HISTORY)
    fitted = propose(sqlite_engine, load_scorecard(), datetime(2026, 1, 1, tzinfo=UTC))
    card, problems = read_scorecard(fitted.text)
    assert card is not None, problems
    assert card.version == fitted.scorecard.version
    assert fitted.held_back == pytest.approx(0.3 * fitted.loans, abs=2)
    assert fitted.auc > 0.6 and fitted.ks > 0.15
    assert "sms_use" in fitted.dropped  # nobody in the history sent an SMS: no bins
    kept = {f.name for f in card.features}
    assert kept | set(fitted.dropped) == {f.name for f in load_scorecard().features}
    assert {"deposit_months", "average_balance", "on_time_share"} <= kept


def test_fit_never_writes_over_the_live_scorecard_by_default(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    upgrade(sqlite_engine)
    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    live = Settings.from_env().menus_dir / "scorecard.yaml"
    before = live.read_text(encoding="utf-8")
    assert _run("scoring", "fit", "--out", str(live)) == 2
    assert "is the live scorecard" in capsys.readouterr().err
    assert live.read_text(encoding="utf-8") == before
    assert _run("scoring", "fit", "--out", str(tmp_path / "p.yaml")) == 1  # an empty bank has no history
    assert "not enough history" in capsys.readouterr().err


def test_demo_farmers_score_from_their_records_and_a_farmer_without_records_is_referred(db_engine: Engine) -> None:
    upgrade(db_engine)
    bank = seed(SqlBank(db_engine, hasher=FAST_HASHER), NOW)
    note = seed_scoring_demo(db_engine, NOW, [(DAIRY.msisdn, "dairy")], history_loans=30)
    assert note == "scoring demo: 24 value-chain records for the demo farmers, 30 past loans of synthetic history"
    card, policy = load_scorecard(), load_policy()
    results = {}
    for who in (DAIRY, UNREGISTERED):
        customer = bank.customer_by_msisdn(who.msisdn)
        assert customer is not None
        request = ScoringRequest(customer.id, "dairy_cow", 2_000_000, NOW, consent=True)
        results[who.name] = score_one(db_engine, card, policy, request)
    dairy, maria = results[DAIRY.name], results[UNREGISTERED.name]
    assert dairy.features.has_records and dairy.result.values["delivery_regularity"] == 1.0
    assert (maria.features.flags, maria.outcome.outcome, maria.outcome.reasons[0]) == (
        ("no_records",),
        Decision.REFER,
        "no_records",
    )
