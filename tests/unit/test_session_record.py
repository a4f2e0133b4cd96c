"""The stored session record: short names, deflated when long, and still readable in the older long form."""

from __future__ import annotations

import json
import zlib
from datetime import date

import pytest

from gateway.engine.model import PIN_SCREEN
from gateway.engine.state import SessionState
from gateway.money import Money
from gateway.sessions import (
    PACK_DICTIONARY,
    PACK_OVER,
    PACK_WINDOW_BITS,
    PACKED_V1,
    PACKED_V2,
    StoredSession,
    resumable,
)


def loan_state() -> SessionState:
    return SessionState(
        "eb52b8b41817",
        PIN_SCREEN,
        "id",
        home="main",
        history=["main", "loans", "loan_product", "loan_amount"],
        vars={
            "registered": True,
            "tz": "Asia/Jakarta",
            "product": 1,
            "tenor": 12,
            "amount": Money(3_000_000),
            "first_due": date(2026, 12, 27),
            "purpose": "beli sapi perah",
            "products_text": "1. Sapi Perah\n2. Rumput Laut Panen\n3. Rumput Laut Cicil\n4. Nilam",
        },
        pin_target="loan_submit",
        step_no=11,
        redo="loan_amount",
        redo_at=3,
        answers=["product", "tenor", "purpose"],
        notice=["loans.out_of_range", {"min": Money(1_000_000)}, 0],
    )


def test_a_short_record_is_plain_json_and_reads_back() -> None:
    record = StoredSession(SessionState("v1", "main", "id", home="main"), 0, "token", "Menu", False)
    raw = record.dumps()
    assert len(raw) <= PACK_OVER and json.loads(raw)["st"] == {"v": "v1", "s": "main", "l": "id", "h": "main"}
    assert StoredSession.loads(raw) == record


def test_a_long_record_is_deflated_smaller_and_reads_back_whole() -> None:
    record = StoredSession(loan_state(), 11, "a" * 32, "Masukkan PIN 6 angka:\n0 Kembali 00 Menu", False)
    plain = json.dumps({"n": 11, "st": loan_state().to_dict()}, default=str)
    raw = record.dumps()
    assert raw[:1] == PACKED_V2 and len(raw) < len(plain) * 0.7
    again = StoredSession.loads(raw)
    assert again == record and again.state.vars["amount"] == Money(3_000_000)
    assert again.state.vars["first_due"] == date(2026, 12, 27)


def test_a_record_deflated_with_the_first_dictionary_still_reads() -> None:
    record = StoredSession(loan_state(), 11, "a" * 32, "Masukkan PIN 6 angka:\n0 Kembali 00 Menu", False)
    assert record.dumps()[:1] == PACKED_V2  # written with the second dictionary now
    packer = zlib.compressobj(6, zlib.DEFLATED, -PACK_WINDOW_BITS, 5, zdict=PACK_DICTIONARY)
    head = json.dumps({"n": 11, "t": record.token, "r": record.reply, "e": False}, separators=(",", ":"))
    raw = (head[:-1] + ',"st":' + record.state.dumps() + "}").encode()
    stored_before = PACKED_V1 + packer.compress(raw) + packer.flush()
    assert StoredSession.loads(stored_before) == record


def test_a_damaged_deflated_record_raises_instead_of_reading_garbage() -> None:
    raw = StoredSession(loan_state(), 11, "t", "r", False).dumps()
    with pytest.raises((zlib.error, ValueError)):
        StoredSession.loads(raw[:1] + b"\xff" + raw[2:40])


def test_a_state_stored_under_the_long_field_names_still_reads() -> None:
    long_form = {
        "menu_version": "v1",
        "screen": "balance",
        "lang": "en",
        "history": ["main"],
        "vars": {"balance": {"$m": 5000}},
        "pin_ok": True,
        "step_no": 3,
    }
    state = SessionState.from_dict(long_form)
    assert (state.menu_version, state.screen, state.lang, state.pin_ok) == ("v1", "balance", "en", True)
    assert state.vars == {"balance": Money(5000)} and SessionState.loads(state.dumps()) == state


def test_the_resume_copy_is_derived_from_the_last_record_without_protected_data() -> None:
    state = loan_state()
    state.pin_ok, state.screen = True, "loan_submitted"
    copy = resumable(StoredSession(state, 12, "t", "Pengajuan diterima", False).dumps())
    assert copy is not None and not copy.pin_ok and copy.screen == PIN_SCREEN
    assert "$m" not in copy.dumps() and "products_text" not in copy.dumps()
    assert resumable(StoredSession(state, 12, "t", "Selesai", True).dumps()) is None  # a finished call
    assert resumable(None) is None
