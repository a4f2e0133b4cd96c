"""A resumed session never replays protected data: the PIN is asked again and the data fetched afresh."""

from __future__ import annotations

import json

from gateway.dialog import make_sealer
from gateway.engine.api import Call, Result
from gateway.engine.model import PIN_SCREEN, RESUME_SCREEN
from gateway.engine.reader import read_menu
from gateway.engine.state import SessionState
from gateway.engine.step import Context, Outcome, advance, begin
from gateway.i18n import load_catalog
from gateway.money import Money
from tests.conftest import FIXTURES
from tests.engine_support import FixedServices
from tests.fixtures.basic.handlers import GOOD_PIN, REGISTRY

MENU = """
service_codes: ["*1#"]
start: start
pin: {handler: t.pin, prompt: t.pin_prompt, wrong: t.pin_wrong, on: {locked: locked}}
screens:
  start: {type: action, handler: t.lookup, on: {ok: main}}
  main:
    type: menu
    text: t.title
    options: [{label: t.balance, next: balance}, {label: t.amount, next: amount}]
  balance: {type: action, handler: t.balance, requires_pin: true, on: {ok: shown}}
  shown: {type: menu, text: t.balance_shown, options: [{label: t.amount, next: amount}]}
  amount: {type: input, text: t.ask_amount, validate: {kind: amount}, save_as: amount, next: confirm}
  confirm: {type: menu, text: t.confirm, options: [{label: t.yes, next: done}]}
  done: {type: end, text: t.done}
  locked: {type: end, text: t.locked}
"""
MAIN = "Menu uji\n1. Saldo\n2. Jumlah"
PIN_PROMPT = "Masukkan PIN:\n0 Kembali 00 Menu"


class Bank:
    """The balance the bank holds now: a resumed session must show this, not what it showed before."""

    balance = 1_500_000


def context(session_id: str, bank: type[Bank] = Bank) -> Context:
    menu, problems = read_menu([("resume.yaml", MENU)])
    assert menu is not None, problems
    catalog, _problems = load_catalog(FIXTURES / "basic" / "locales")

    def balance(call: Call) -> Result:
        return Result("ok", {"balance": Money(bank.balance), "account": "0012-3456"})

    handlers = {**REGISTRY, "t.balance": balance}
    return Context(menu, catalog, handlers, FixedServices(), make_sealer("k"), "+6281234567890", session_id)


def walk(ctx: Context, *inputs: str, resumable: SessionState | None = None) -> Outcome:
    outcome = begin(ctx, "id", resumable)
    for entry in inputs:
        outcome = advance(ctx, outcome.state, entry)
    return outcome


def test_resume_after_the_pin_asks_for_it_again_and_shows_todays_balance() -> None:
    Bank.balance = 1_500_000
    dropped = walk(context("first"), "1", GOOD_PIN)
    assert dropped.reply.text.startswith("Saldo Anda Rp1.500.000")
    Bank.balance = 900_000  # money moved while the caller was away
    second = context("second")
    offer = walk(second, resumable=dropped.state.for_resume())
    assert offer.state.screen == RESUME_SCREEN
    resumed = advance(second, offer.state, "1")
    assert resumed.reply.text == PIN_PROMPT
    assert not resumed.state.pin_ok
    shown = advance(second, resumed.state, GOOD_PIN)
    assert shown.reply.text.startswith("Saldo Anda Rp900.000")
    assert advance(second, shown.state, "0").reply.text == MAIN  # the way back survived the drop


def test_a_wrong_pin_on_resume_shows_nothing_protected() -> None:
    dropped = walk(context("first"), "1", GOOD_PIN)
    second = context("second")
    resumed = advance(second, walk(second, resumable=dropped.state.for_resume()).state, "1")
    wrong = advance(second, resumed.state, "111111")
    assert wrong.reply.text.startswith("PIN salah. Sisa 2 kali.\nMasukkan PIN:")
    assert "Saldo" not in wrong.reply.text


def test_the_resume_copy_keeps_no_money_no_handler_data_no_pin_and_is_small() -> None:
    dropped = walk(context("first"), "1", GOOD_PIN, "1", "2.000.000").state
    assert dropped.screen == "confirm" and dropped.pin_ok
    copy = dropped.for_resume()
    text = copy.dumps()
    assert not copy.pin_ok
    assert not any(isinstance(value, Money) for value in copy.vars.values())
    assert "balance" not in copy.vars and "name" not in copy.vars and "$m" not in text
    assert "1.500.000" not in text and "1500000" not in text and "2000000" not in text
    assert (copy.screen, copy.redo) == (PIN_SCREEN, "amount")  # PIN first, then the amount asked again
    assert len(text.encode()) < 200, text
    assert SessionState.loads(text).for_resume() == copy  # the copy of a copy is the same copy


def test_a_money_answer_is_asked_again_after_the_pin() -> None:
    dropped = walk(context("first"), "1", GOOD_PIN, "1", "2.000.000").state
    second = context("second")
    resumed = advance(second, walk(second, resumable=dropped.for_resume()).state, "1")
    assert resumed.reply.text == PIN_PROMPT
    asked = advance(second, resumed.state, GOOD_PIN)
    assert asked.reply.text == "Jumlah pinjaman:\n0 Kembali 00 Menu"
    assert advance(second, asked.state, "3jt").reply.text == "Pinjam Rp3.000.000?\n1. Ya\n0 Kembali 00 Menu"


def test_a_resumed_session_that_drops_again_resumes_at_the_same_place() -> None:
    dropped = walk(context("first"), "2").state
    second = context("second")
    resumed = advance(second, walk(second, resumable=dropped.for_resume()).state, "1")
    assert resumed.reply.text == "Jumlah pinjaman:\n0 Kembali 00 Menu"
    third = context("third")
    again = advance(third, walk(third, resumable=resumed.state.for_resume()).state, "1")
    assert again.reply.text == "Jumlah pinjaman:\n0 Kembali 00 Menu"


def test_dropped_at_the_pin_prompt_resumes_at_the_pin_prompt() -> None:
    dropped = walk(context("first"), "1").state
    assert dropped.screen == PIN_SCREEN
    second = context("second")
    resumed = advance(second, walk(second, resumable=dropped.for_resume()).state, "1")
    assert resumed.reply.text == PIN_PROMPT
    assert advance(second, resumed.state, GOOD_PIN).reply.text.startswith("Saldo Anda")


def test_dropped_at_the_offer_keeps_the_offer() -> None:
    dropped = walk(context("first"), "1", GOOD_PIN).state
    second = context("second")
    offer = walk(second, resumable=dropped.for_resume())
    third = context("third")
    again = walk(third, resumable=offer.state.for_resume())
    assert again.state.screen == RESUME_SCREEN
    assert advance(third, again.state, "1").reply.text == PIN_PROMPT


def test_a_live_session_is_stored_without_default_fields() -> None:
    state = walk(context("first")).state
    stored = json.loads(state.dumps())
    assert set(stored) <= {"v", "s", "l", "h", "va", "n"}  # menu_version, screen, lang, home, vars, step_no
    assert SessionState.loads(state.dumps()) == state
