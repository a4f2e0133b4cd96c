from __future__ import annotations

import pytest

from gateway.engine.model import PIN_SCREEN, RESUME_SCREEN
from gateway.engine.step import advance, begin
from tests.engine_support import basic_context, walk

MAIN = "Menu uji\n1. Saldo\n2. Jumlah\n3. Teks panjang\n4. Bahasa\n5. Rahasia\n6. Rusak"


def test_start_runs_the_lookup_action_and_shows_the_main_menu_without_navigation() -> None:
    outcome = walk(basic_context())
    assert outcome.reply.text == MAIN
    assert not outcome.reply.end


def test_option_with_a_false_condition_is_hidden_and_numbering_stays_dense() -> None:
    outcome = walk(basic_context(msisdn="+6281234567891"))
    assert "Rahasia" not in outcome.reply.text
    assert outcome.reply.text.endswith("5. Rusak")


def test_pin_is_asked_before_the_balance_and_never_saved() -> None:
    outcome = walk(basic_context(), "1")
    assert outcome.state.screen == PIN_SCREEN
    assert outcome.reply.text == "Masukkan PIN:\n0 Kembali 00 Menu"
    outcome = walk(basic_context(), "1", "482913")
    assert outcome.reply.text == "Saldo Anda Rp1.500.000"
    assert outcome.reply.end
    assert "482913" not in outcome.state.dumps()


def test_wrong_pin_reprompts_with_attempts_left_then_locks() -> None:
    ctx = basic_context()
    outcome = walk(ctx, "1", "111111")
    assert outcome.reply.text.startswith("PIN salah. Sisa 2 kali.\nMasukkan PIN:")
    outcome = walk(ctx, "1", "111111", "222222", "333333")
    assert outcome.reply == outcome.reply.__class__("PIN terkunci.", True)


def test_pin_that_is_not_six_digits_reprompts_without_calling_the_handler() -> None:
    outcome = walk(basic_context(), "1", "12ab")
    assert outcome.reply.text.startswith("PIN harus 6 angka.")
    assert "pin_tries" not in outcome.state.vars


def test_amount_input_understands_dots_and_reprompts_out_of_range_with_the_range() -> None:
    ctx = basic_context()
    assert walk(ctx, "2", "abc").reply.text.startswith("Jumlah tidak terbaca. Contoh: 1500000\nJumlah pinjaman:")
    low = walk(ctx, "2", "100").reply.text
    assert low.startswith("Jumlah harus Rp500.000 sampai Rp10.000.000.")
    assert walk(ctx, "2", "Rp 2.000.000").reply.text == "Pinjam Rp2.000.000?\n1. Ya\n0 Kembali 00 Menu"


def test_back_goes_one_screen_back_and_home_clears_history() -> None:
    ctx = basic_context()
    back = walk(ctx, "2", "2.000.000", "0")
    assert back.reply.text == "Jumlah pinjaman:\n0 Kembali 00 Menu"
    assert walk(ctx, "2", "2.000.000", "0", "0").reply.text == MAIN
    home = walk(ctx, "2", "2.000.000", "00")
    assert home.reply.text == MAIN
    assert home.state.history == []


def test_back_at_home_stays_home() -> None:
    assert walk(basic_context(), "0").reply.text == MAIN


def test_invalid_menu_choice_reprompts_with_a_localized_error() -> None:
    outcome = walk(basic_context(), "9")
    assert outcome.reply.text.startswith("Pilihan tidak ada. Ketik 1-6.\nMenu uji")
    assert not outcome.reply.end


@pytest.mark.parametrize("limit", [160])
def test_long_text_is_paginated_with_more_and_every_page_fits(limit: int) -> None:
    ctx = basic_context()
    first = walk(ctx, "3")
    assert "\n99 Berikut\n0 Kembali 00 Menu" in first.reply.text
    assert not first.reply.end
    pages = [first.reply.text]
    state = first.state
    while "1. Ya" not in pages[-1] and len(pages) < 10:
        outcome = advance(ctx, state, "99")
        state = outcome.state
        pages.append(outcome.reply.text)
    assert all(len(page) <= limit for page in pages)
    assert len(pages) > 2
    joined = " ".join(pages)
    for n in range(1, 7):
        assert f"Baris {n}." in joined


def test_an_option_cannot_be_chosen_before_the_text_above_it_was_read() -> None:
    ctx = basic_context()
    early = walk(ctx, "3", "1")
    assert early.reply.text.startswith("Baca dulu sampai habis: ketik 99 untuk lanjut.\n")
    assert early.state.screen == "long"
    outcome = walk(ctx, "3")
    while "1. Ya" not in outcome.reply.text:
        outcome = advance(ctx, outcome.state, "99")
    assert advance(ctx, outcome.state, "1").reply.text == "Selesai"


def test_language_choice_switches_texts_and_asks_the_host_to_remember_it() -> None:
    outcome = walk(basic_context(), "4", "2")
    assert outcome.reply.text.startswith("Test menu\n1. Balance")
    assert [e.payload["lang"] for e in outcome.effects if e.kind == "remember_language"] == ["en"]


def test_a_failing_handler_becomes_a_polite_end_and_a_recorded_failure() -> None:
    outcome = walk(basic_context(), "6")
    assert outcome.reply.end
    assert outcome.reply.text == "Maaf, layanan sedang terganggu. Silakan coba lagi nanti."
    assert outcome.failures[0] == "t.fail: ConnectionError"


def test_a_dropped_session_is_offered_and_asks_again_for_an_answer_it_did_not_keep() -> None:
    ctx = basic_context()
    dropped = walk(ctx, "2", "2.000.000").state
    offer = begin(ctx, "id", resumable=dropped.for_resume())
    assert offer.state.screen == RESUME_SCREEN
    assert offer.reply.text == "Lanjutkan sesi sebelumnya?\n1. Ya, lanjutkan\n2. Tidak, mulai baru"
    resumed = advance(ctx, offer.state, "1")
    assert resumed.reply.text == "Jumlah pinjaman:\n0 Kembali 00 Menu"  # a money answer is not kept
    assert not resumed.state.pin_ok
    assert advance(ctx, resumed.state, "2jt").reply.text == "Pinjam Rp2.000.000?\n1. Ya\n0 Kembali 00 Menu"
    fresh = advance(ctx, begin(ctx, "id", resumable=dropped).state, "2")
    assert fresh.reply.text == MAIN


def test_a_session_at_home_is_not_offered_for_resume() -> None:
    ctx = basic_context()
    at_home = walk(ctx).state
    assert begin(ctx, "id", resumable=at_home).reply.text == MAIN


def test_state_round_trips_through_json_with_money() -> None:
    from gateway.engine.state import SessionState

    state = walk(basic_context(), "2", "2.000.000").state
    again = SessionState.loads(state.dumps())
    assert again == state
    assert type(again.vars["amount"]).__name__ == "Money"
