"""The console's simulator: the real engine on a sandbox bank, screens as the handset gets them, transcripts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import redis
import yaml
from flask import Flask
from sqlalchemy import Engine

from gateway.banking.demo import DAIRY
from gateway.banking.ledger import SqlBank
from gateway.console.access import runtime
from gateway.console.sandbox import EXTENSION
from gateway.i18n import format_money
from gateway.releases import Release
from gateway.staff import Role
from tests.banking_fixtures import NOW, bank, demo_bank, sqlite_engine
from tests.conftest import redis_test_url
from tests.console_support import Browser, add_member, console_app

WALK = re.compile(r'name="walk" value="([^"]+)"')


@pytest.fixture
def db_engine(sqlite_engine: Engine) -> Engine:
    """The simulator's own bank is SQLite whatever the gateway runs on: one database is enough here."""
    return sqlite_engine


@pytest.fixture
def app(redis_client: redis.Redis, demo_bank: SqlBank, sqlite_engine: Engine) -> Iterator[Flask]:
    app = console_app(demo_bank, sqlite_engine, NOW)
    yield app
    sandbox = app.extensions.get(EXTENSION)
    if sandbox is not None:
        sandbox.close()


@pytest.fixture
def browser(app: Flask, sqlite_engine: Engine) -> Browser:
    add_member(sqlite_engine, "ana", Role.OPERATOR, NOW)
    browser = Browser(app.test_client())
    assert browser.login("ana").status_code == 302
    return browser


class Phone:
    def __init__(self, browser: Browser) -> None:
        self.browser, self.walk, self.page = browser, "", ""

    def _post(self, path: str, data: dict[str, str]) -> str:
        response = self.browser.post(path, data, token_from="/console/simulator")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        self.page = response.get_data(as_text=True)
        found = WALK.search(self.page)
        self.walk = found.group(1) if found else ""
        return self.page

    def dial(self, phone: str = DAIRY.msisdn, lang: str = "") -> str:
        return self._post("/console/simulator/dial", {"phone": phone, "lang": lang, "release": ""})

    def send(self, entry: str) -> str:
        return self._post("/console/simulator/send", {"walk": self.walk, "input": entry})


def test_a_walk_to_the_balance_shows_each_screen_and_saves_a_transcript(browser: Browser, demo_bank: SqlBank) -> None:
    phone = Phone(browser)
    assert "CON Selamat datang" in phone.dial()
    phone.send("1")
    assert 'type="password"' in phone.send("1")  # the PIN prompt hides what is typed
    page = phone.send(DAIRY.pin or "")
    real = demo_bank.savings_balance(DAIRY.msisdn)
    assert real is not None
    assert "CON Saldo rekening" in page and format_money(real.balance, "id") in page  # the sandbox: a copy of the demo
    assert page.count(DAIRY.pin or "") == 1 and DAIRY.pin not in phone.walk  # once: the demo table, never echoed
    response = browser.post(
        "/console/simulator/transcript", {"walk": phone.walk, "name": "saldo dari konsol"}, "/console/simulator"
    )
    assert response.headers["Content-Disposition"] == 'attachment; filename="saldo_dari_konsol.yaml"'
    saved = yaml.safe_load(response.get_data(as_text=True))
    assert [turn["input"] for turn in saved["turns"]] == ["", "1", "1", "<PIN>"]
    assert saved["phone"] == DAIRY.msisdn and saved["turns"][-1]["screen"].startswith("Saldo rekening")


def test_the_screen_facts_count_characters_against_the_limit(browser: Browser) -> None:
    page = Phone(browser).dial(lang="en")
    assert "CON Welcome" in page and "of 160 characters" not in page  # the page speaks Indonesian
    assert re.search(r"\d+ dari 160 karakter", page) and "GSM-7" in page


def test_a_tampered_walk_or_an_unknown_number_is_refused(browser: Browser) -> None:
    phone = Phone(browser)
    phone.dial()
    token_page = "/console/simulator"
    assert (
        browser.post("/console/simulator/send", {"walk": phone.walk + "x", "input": "1"}, token_page).status_code == 400
    )
    dial = {"phone": "+6281111111111", "lang": "", "release": ""}
    assert browser.post("/console/simulator/dial", dial, token_page).status_code == 400
    assert browser.post("/console/simulator/send", {"walk": phone.walk, "input": "\x00"}, token_page).status_code == 400


def test_in_production_the_simulator_needs_a_redis_database_of_its_own(
    redis_client: redis.Redis, demo_bank: SqlBank, db_engine: Engine
) -> None:
    app = console_app(demo_bank, db_engine, NOW, jembatan_env="production")
    add_member(db_engine, "ana", Role.OPERATOR, NOW)
    browser = Browser(app.test_client())
    assert browser.login("ana").status_code == 302
    assert browser.page("/console/simulator")[0] == 503
    app.config["CONSOLE_SANDBOX_REDIS_URL"] = redis_test_url()
    assert browser.page("/console/simulator")[0] == 200
    app.extensions[EXTENSION].close()


def test_a_walk_on_a_stored_release_that_is_not_current(app: Flask, browser: Browser) -> None:
    with app.app_context():
        store, current = runtime().menus.store, runtime().menus.current.release
    assert store is not None
    files = dict(current.files)
    files["locales/id.yaml"] = files["locales/id.yaml"].replace(
        "Selamat datang. Pilih layanan:", "Halo. Pilih layanan:"
    )
    older = Release(files)
    store.put(older, "test")
    page = Phone(browser)._post("/console/simulator/dial", {"phone": DAIRY.msisdn, "lang": "", "release": older.hash})
    assert "CON Halo. Pilih layanan:" in page
    assert "CON Selamat datang" in Phone(browser).dial()  # new calls elsewhere stay on the current release


def test_a_simulated_walk_is_no_caller_in_the_drop_off_counters(browser: Browser, redis_client: redis.Redis) -> None:
    phone = Phone(browser)
    phone.dial()
    phone.send("1")
    phone.send("0")
    assert list(redis_client.scan_iter(match="jmb:{*}:funnel")) == []
