"""Browser tests: Playwright drives Debian's chromium against the console served on a free port.

Without chromium the tests are skipped with the line to install it, except under CI=true, where they fail.
Screenshots go to test-output/console-screenshots/ (not committed); each test prints the paths it saved.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import BaseWSGIServer, make_server

from gateway.banking.ledger import SqlBank
from gateway.decisions.web import EXTENSION as DECISIONS
from gateway.staff import Role
from gateway.storage.db import make_engine
from gateway.storage.migrate import upgrade
from tests.banking_fixtures import FAST_HASHER, NOW
from tests.console_support import PASSWORD, add_member, console_app
from tests.decision_support import Clock, FixedScorer, make_desk

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
INSTALL = "apt-get install -y chromium (Debian's chromium, driven by Playwright at /usr/bin/chromium)"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "console-screenshots"


def _chromium() -> Path:
    found = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or "/nonexistent")
    if not found.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"chromium is missing; CI must have it: {INSTALL}")
        pytest.skip(f"chromium is missing: {INSTALL}")
    return found


@dataclass
class Console:
    url: str
    app: Flask
    bank: SqlBank
    shots: list[Path]

    def shot(self, page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        print(f"screenshot: {path}")
        return path


@pytest.fixture
def console(redis_client: redis.Redis, tmp_path: Path) -> Iterator[Console]:
    engine = make_engine(f"sqlite:///{tmp_path / 'console.db'}")
    upgrade(engine)
    from gateway.banking.demo import seed

    bank = seed(SqlBank(engine, hasher=FAST_HASHER), NOW)
    app = console_app(bank, engine, NOW)
    app.extensions[DECISIONS] = make_desk(bank, Clock(), FixedScorer())
    for role in Role:
        add_member(engine, role.value, role, NOW)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Console(f"http://127.0.0.1:{server.server_port}", app, bank, [])
    finally:
        server.shutdown()
        thread.join(timeout=5)
        sandbox = app.extensions.get("jembatan.console_sandbox")
        if sandbox is not None:
            sandbox.close()
        engine.dispose()


@pytest.fixture
def page(console: Console) -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), headless=True, args=["--no-sandbox"])
        context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 800})
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def log_in(page: Page, console: Console, role: Role) -> None:
    page.goto(f"{console.url}/console/login")
    page.fill("#username", role.value)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")  # the keyboard alone logs in
    page.wait_for_url(lambda url: "/console/login" not in url)
