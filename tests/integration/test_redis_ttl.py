"""Every Redis key the gateway writes expires (gateway/redis_keys.py lists each kind and its TTL), and a
customer's language is kept by the bank, with Redis only caching it."""

from __future__ import annotations

from pathlib import Path

import redis
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from gateway import redis_keys
from gateway.app import create_app
from gateway.banking.interface import BankUnavailable
from gateway.runtime import build_runtime
from gateway.transcripts import Transcript
from tests.conftest import basic_settings
from tests.transcript_support import demo_app, replay, transcript_files
from tests.ussd_support import AfricasTalkingPhone, JsonPhone

CUSTOMER = "+6281234567890"
STRANGER = "+6281299990000"
LANGUAGE_TTL_S = 7 * 24 * 3600


class LanguageBook:
    """The language part of a bank (gateway.dialog.CustomerLanguages): all the basic test menus need."""

    def __init__(self, languages: dict[str, str]) -> None:
        self.languages = dict(languages)
        self.reads: list[str] = []
        self.down = False

    def customer_language(self, msisdn: str) -> str | None:
        self.reads.append(msisdn)
        if self.down:
            raise BankUnavailable("the core banking system does not answer")
        return self.languages.get(msisdn)

    def set_language(self, msisdn: str, lang: str) -> None:
        if self.down:
            raise BankUnavailable("the core banking system does not answer")
        if msisdn in self.languages:
            self.languages[msisdn] = lang


def client_for(book: LanguageBook) -> FlaskClient:
    settings = basic_settings(language_ttl_s=LANGUAGE_TTL_S)
    return create_app(runtime=build_runtime(settings, bank=book, db_engine=create_engine("sqlite://"))).test_client()


def gateway_keys(client: redis.Redis) -> list[bytes]:
    # RQ's own keys (rq:*) are left out: RQ expires jobs and results itself, and its registries and queue
    # lists are meant to live as long as the queues.
    return [key for key in client.scan_iter(count=500) if not key.startswith(b"rq:")]


def test_no_gateway_key_is_left_without_a_ttl_after_full_walks(tmp_path: Path, redis_client: redis.Redis) -> None:
    app = demo_app(tmp_path / "bank.db")  # one bank for every walk: the replies are test_transcripts.py's business
    for index, path in enumerate(transcript_files()):
        replay(app, Transcript.read(path), "africastalking" if index % 2 else "json", f"ttl-{path.stem}")
    AfricasTalkingPhone(app.test_client(), "081234567890", "ttl-dropped").dial()  # left in the middle: resumable

    keys = gateway_keys(redis_client)
    kinds = {key.decode().split(":")[2] for key in keys if key.startswith(b"jmb:{")}
    assert {"s", "lang", "resume"} <= kinds, kinds
    forever = [key for key in keys if redis_client.ttl(key) < 0 and redis_keys.expires(key.decode())]
    assert forever == [], "every key expires unless gateway/redis_keys.py says otherwise"


def test_a_language_choice_is_written_through_to_the_bank_and_cached_with_a_ttl(redis_client: redis.Redis) -> None:
    book = LanguageBook({CUSTOMER: "id"})
    phone = AfricasTalkingPhone(client_for(book), CUSTOMER, "lang-choice")
    phone.dial()
    phone.send("4")
    assert phone.send("2").startswith("CON Test menu")
    assert book.languages[CUSTOMER] == "en"
    key = redis_keys.language(CUSTOMER)
    assert redis_client.get(key) == b"en"
    assert 0 < redis_client.ttl(key) <= LANGUAGE_TTL_S


def test_a_cache_miss_reads_the_bank_once_and_caches_the_answer(redis_client: redis.Redis) -> None:
    book = LanguageBook({CUSTOMER: "en"})
    client = client_for(book)
    assert JsonPhone(client, CUSTOMER, "miss-1").dial().startswith("CON Test menu")
    assert JsonPhone(client, CUSTOMER, "miss-2").dial().startswith("CON Test menu")
    assert book.reads == [CUSTOMER], "one bank read, on the miss only"
    assert redis_client.get(redis_keys.language(CUSTOMER)) == b"en"
    assert redis_client.ttl(redis_keys.language(CUSTOMER)) > 0


def test_a_stranger_gets_the_default_language_and_no_cached_preference(redis_client: redis.Redis) -> None:
    book = LanguageBook({CUSTOMER: "en"})
    phone = AfricasTalkingPhone(client_for(book), STRANGER, "stranger")
    assert phone.dial().startswith("CON Menu uji")
    phone.send("4")
    phone.send("2")  # a stranger's choice is cached for a while, and the bank keeps nothing for them
    assert STRANGER not in book.languages
    assert 0 < redis_client.ttl(redis_keys.language(STRANGER)) <= LANGUAGE_TTL_S


def test_a_bank_outage_falls_back_to_the_default_language(redis_client: redis.Redis) -> None:
    book = LanguageBook({CUSTOMER: "en"})
    book.down = True
    phone = AfricasTalkingPhone(client_for(book), CUSTOMER, "bank-down")
    assert phone.dial().startswith("CON Menu uji")
    phone.send("4")
    assert phone.send("2").startswith("CON Test menu"), "the choice still works for this call"
    assert redis_client.get(redis_keys.language(CUSTOMER)) == b"en"
