from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
import redis
from sqlalchemy import Engine

from gateway.banking.demo import DAIRY, DAYS_UNTIL_DUE, SEAWEED
from gateway.banking.ledger import SqlBank
from gateway.reminders.due import due_batches
from gateway.reminders.policy import DailyWindow, Rule
from handlers import REGISTRY
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.sms_support import Clock, SmsPhone, make_world, worker_context_reset


def test_the_language_is_the_branch_choice_until_the_customer_chooses(demo_bank: SqlBank) -> None:
    assert demo_bank.customer_language(DAIRY.msisdn) == "id"
    demo_bank.set_language(DAIRY.msisdn, "en")
    assert demo_bank.customer_language(DAIRY.msisdn) == "en"
    assert demo_bank.customer_language(SEAWEED.msisdn) == "id"
    customer = demo_bank.customer_by_msisdn(DAIRY.msisdn)
    assert customer is not None and customer.lang == "en"


def test_a_stranger_has_no_language_and_setting_one_stores_nothing(demo_bank: SqlBank) -> None:
    stranger = "+6281199990000"
    demo_bank.set_language(stranger, "en")
    assert demo_bank.customer_language(stranger) is None
    assert demo_bank.customer_by_msisdn(stranger) is None


@pytest.mark.parametrize("lang", ["", "english-uk", "e n", "id;--"])
def test_a_malformed_language_is_refused(demo_bank: SqlBank, lang: str) -> None:
    with pytest.raises(ValueError):
        demo_bank.set_language(DAIRY.msisdn, lang)
    assert demo_bank.customer_language(DAIRY.msisdn) == "id"


def test_reminders_go_out_in_the_language_the_customer_chose(demo_bank: SqlBank, db_engine: Engine) -> None:
    local_day = NOW.astimezone(ZoneInfo(DAIRY.tz)).date()
    due = demo_bank.next_due(DAIRY.msisdn, None, NOW)
    assert due is not None  # DAYS_UNTIL_DUE days ahead, or the next business day after that
    days_before = (due.instalment.due_date - local_day).days
    assert DAYS_UNTIL_DUE <= days_before <= DAYS_UNTIL_DUE + 2
    rule = Rule("before", -days_before, "reminders.before", "reminders.before_two", DailyWindow())
    demo_bank.set_language(DAIRY.msisdn, "en")
    borrowers = [b for batch in due_batches(demo_bank, db_engine, rule, DAIRY.tz, local_day) for b in batch]
    langs = {item.msisdn: item.lang for borrower in borrowers for item in borrower}
    assert langs[DAIRY.msisdn] == "en"


def test_sms_bahasa_stores_the_choice_with_the_customer(
    demo_bank: SqlBank,
    db_engine: Engine,
    redis_client: redis.Redis,
    worker_context_reset: None,
) -> None:
    world = make_world(db_engine, redis_client, Clock(NOW), REGISTRY, bank=demo_bank)
    SmsPhone(world, DAIRY.msisdn).send("BAHASA EN")
    assert demo_bank.customer_language(DAIRY.msisdn) == "en"
    SmsPhone(world, "+6281199990000").send("BAHASA EN")  # a stranger: remembered in Redis only
    assert demo_bank.customer_language("+6281199990000") is None
