"""One-time codes against the real Redis (db 14)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from gateway import redis_keys as keys
from gateway.sms.otp import CODE_DIGITS, CODE_TTL_S, OneTimeCodes, Verdict
from tests.fakes.redis_db import flushed_redis

NUMBER = "+6281234567890"


@pytest.fixture
def sms_redis() -> Iterator[redis.Redis]:
    with flushed_redis() as client:
        yield client


@pytest.fixture
def codes(sms_redis: redis.Redis) -> OneTimeCodes:
    return OneTimeCodes(sms_redis, b"test-secret")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def test_a_code_works_once(codes: OneTimeCodes) -> None:
    code = codes.issue(NUMBER, "SALDO")
    assert code is not None and len(code) == CODE_DIGITS and code.isdigit()
    assert codes.verify(NUMBER, "SALDO", code) is Verdict.OK
    assert codes.verify(NUMBER, "SALDO", code) is Verdict.MISSING


def test_only_an_hmac_is_stored_with_a_ttl(codes: OneTimeCodes, sms_redis: redis.Redis) -> None:
    code = codes.issue(NUMBER, "SALDO")
    assert code is not None
    stored = sms_redis.hgetall(keys.sms_code(NUMBER))
    assert set(stored) == {b"mac", b"tries", b"seen"} and stored[b"seen"] == b""  # no preview came with it
    assert code.encode() not in stored[b"mac"]
    assert 0 < sms_redis.ttl(keys.sms_code(NUMBER)) <= CODE_TTL_S


def test_a_code_keeps_the_digest_of_the_quote_it_came_with(codes: OneTimeCodes) -> None:
    code = codes.issue(NUMBER, "PINJAM 2000000 6", seen="a1b2c3")
    assert code is not None and codes.seen(NUMBER) == "a1b2c3"
    assert codes.verify(NUMBER, "PINJAM 2000000 6", code) is Verdict.OK
    assert codes.seen(NUMBER) == ""  # used up


def test_a_code_is_bound_to_the_number_and_the_command(codes: OneTimeCodes) -> None:
    code = codes.issue(NUMBER, "BAYAR 500000")
    assert code is not None
    assert codes.verify(NUMBER, "BAYAR 5000000", code) is Verdict.WRONG
    assert codes.verify("+6281299999999", "BAYAR 500000", code) is Verdict.MISSING
    assert codes.verify(NUMBER, "BAYAR 500000", code) is Verdict.OK


def test_three_wrong_tries_burn_the_code(codes: OneTimeCodes) -> None:
    code = codes.issue(NUMBER, "SALDO")
    assert code is not None
    assert codes.verify(NUMBER, "SALDO", wrong(code)) is Verdict.WRONG
    assert codes.verify(NUMBER, "SALDO", wrong(code)) is Verdict.WRONG
    assert codes.verify(NUMBER, "SALDO", wrong(code)) is Verdict.BURNED
    assert codes.verify(NUMBER, "SALDO", code) is Verdict.MISSING


def test_a_new_code_replaces_the_old_one(codes: OneTimeCodes) -> None:
    first = codes.issue(NUMBER, "SALDO")
    second = codes.issue(NUMBER, "SALDO")
    assert first is not None and second is not None
    if first != second:
        assert codes.verify(NUMBER, "SALDO", first) is Verdict.WRONG
    assert codes.verify(NUMBER, "SALDO", second) is Verdict.OK


def test_an_expired_code_is_missing(codes: OneTimeCodes, sms_redis: redis.Redis) -> None:
    code = codes.issue(NUMBER, "SALDO")
    assert code is not None
    sms_redis.delete(keys.sms_code(NUMBER))  # what the TTL does after CODE_TTL_S
    assert codes.verify(NUMBER, "SALDO", code) is Verdict.MISSING


def test_issuing_is_capped_per_hour(sms_redis: redis.Redis) -> None:
    codes = OneTimeCodes(sms_redis, b"test-secret", max_per_hour=2)
    assert codes.issue(NUMBER, "SALDO") is not None
    assert codes.issue(NUMBER, "SALDO") is not None
    assert codes.issue(NUMBER, "SALDO") is None
    assert 0 < sms_redis.ttl(keys.sms_codes_issued(NUMBER)) <= 3600
    assert codes.issue("+6281299999999", "SALDO") is not None


def test_concurrent_right_answers_succeed_once(codes: OneTimeCodes) -> None:
    code = codes.issue(NUMBER, "BAYAR 500000")
    assert code is not None
    with ThreadPoolExecutor(max_workers=8) as pool:
        verdicts = list(pool.map(lambda _: codes.verify(NUMBER, "BAYAR 500000", code), range(8)))
    assert verdicts.count(Verdict.OK) == 1
    assert set(verdicts) <= {Verdict.OK, Verdict.MISSING}


def test_a_secret_is_required(sms_redis: redis.Redis) -> None:
    with pytest.raises(ValueError):
        OneTimeCodes(sms_redis, b"")
