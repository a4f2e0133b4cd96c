"""An operator's change takes effect for new calls; a call in flight finishes on the release it started on,
whichever process serves its next hop, even after a restart."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from gateway.app import create_app
from gateway.cli import main as jembatan
from gateway.runtime import build_runtime
from gateway.storage.db import make_engine
from gateway.storage.migrate import upgrade
from tests.conftest import ROOT, basic_settings, redis_test_url
from tests.release_support import copy_fixture, rename_amount_screen
from tests.ussd_support import AfricasTalkingPhone

START_TIMEOUT_S = 30.0
HTTP_TIMEOUT_S = 5.0
GONE = "END Maaf, menu layanan baru saja diperbarui. Silakan tekan kode layanan lagi dari awal."


def test_edit_applies_to_new_sessions_and_spares_sessions_in_flight(tmp_path: Path, redis_client: object) -> None:
    menus, locales = copy_fixture(tmp_path)
    runtime = build_runtime(
        basic_settings(menus_dir=menus, locales_dir=locales), bank=object(), db_engine=create_engine("sqlite://")
    )
    client = create_app(runtime=runtime).test_client()
    in_flight = AfricasTalkingPhone(client, "+6281234567890", "old-1")
    in_flight.dial()
    assert in_flight.send("2") == "CON Jumlah pinjaman:\n0 Kembali 00 Menu"

    texts = locales / "id.test.yaml"
    texts.write_text(
        texts.read_text().replace('"Menu uji"', '"Menu baru"').replace('"Pinjam {amount}?"', '"Jadi pinjam {amount}?"')
    )
    runtime.menus.refresh(now=1e12)

    assert in_flight.send("2jt") == "CON Pinjam Rp2.000.000?\n1. Ya\n0 Kembali 00 Menu"
    fresh = AfricasTalkingPhone(client, "+6281234567899", "new-1")
    assert fresh.dial().startswith("CON Menu baru\n1. Saldo")
    fresh.send("2")
    assert fresh.send("2jt") == "CON Jadi pinjam Rp2.000.000?\n1. Ya\n0 Kembali 00 Menu"


def test_an_invalid_edit_is_refused_and_the_old_menu_keeps_serving(tmp_path: Path, redis_client: object) -> None:
    menus, locales = copy_fixture(tmp_path)
    runtime = build_runtime(
        basic_settings(menus_dir=menus, locales_dir=locales), bank=object(), db_engine=create_engine("sqlite://")
    )
    version = runtime.menus.current.menu.version
    main = menus / "ussd" / "main.yaml"
    main.write_text(main.read_text().replace("next: balance}", "next: nowhere}"))
    runtime.menus.refresh(now=1e12)
    assert runtime.menus.current.menu.version == version


def test_a_call_whose_release_is_gone_ends_politely(tmp_path: Path, redis_client: object) -> None:
    """A process whose store never held the call's release (another bank's database, say) ends the call."""
    hops = []
    for name, edit in (("before", False), ("after", True)):
        menus, locales = copy_fixture(tmp_path / name)
        if edit:
            rename_amount_screen(menus, locales)
        engine = make_engine(f"sqlite:///{tmp_path / name / 'bank.db'}")
        upgrade(engine)
        runtime = build_runtime(basic_settings(menus_dir=menus, locales_dir=locales), bank=object(), db_engine=engine)
        hops.append(AfricasTalkingPhone(create_app(runtime=runtime).test_client(), "+6281234567890", "gone-1"))
    hops[0].dial()
    assert hops[0].send("2") == "CON Jumlah pinjaman:\n0 Kembali 00 Menu"
    hops[1].inputs = list(hops[0].inputs)
    assert hops[1].send("2jt") == GONE


class WebProcess:
    """`gunicorn gateway.app:create_app()` with two workers on a free port, as production runs it."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        self.log.write_bytes(b"")
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--bind",
                    "127.0.0.1:0",
                    "--workers",
                    "2",
                    "--worker-class",
                    "gthread",
                    "--threads",
                    "2",
                    "gateway.app:create_app()",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.url:
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", self.log.read_text(errors="replace"))
            self.url = found.group(1) if found else ""
            assert self.process.poll() is None, f"the web process exited:\n{self.log.read_text()}"
            assert time.monotonic() < deadline, f"the web process did not listen:\n{self.log.read_text()}"
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL to the master and its workers: no clean shutdown, as a crash or an OOM kill."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.url = ""

    def post(self, session_id: str, phone: str, text: str) -> str:
        body = urllib.parse.urlencode(
            {
                "sessionId": session_id,
                "serviceCode": "*123#",
                "phoneNumber": phone,
                "networkCode": "51010",
                "text": text,
            }
        ).encode()
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:  # the workers may still be booting a moment after the master listens
            try:
                with urllib.request.urlopen(f"{self.url}/ussd/africastalking", body, timeout=HTTP_TIMEOUT_S) as reply:
                    return str(reply.read().decode())
            except (ConnectionError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


@pytest.fixture
def web(tmp_path: Path, redis_client: object) -> Iterator[tuple[WebProcess, Path, Path, str]]:
    menus, locales = copy_fixture(tmp_path, operator_files=True)
    database_url = f"sqlite:///{tmp_path / 'jembatan.db'}"
    upgrade(database_url)
    env = dict(
        os.environ,
        REDIS_URL=redis_test_url(),
        DATABASE_URL=database_url,
        MENUS_DIR=str(menus),
        LOCALES_DIR=str(locales),
        HANDLERS_MODULE="tests.fixtures.basic.handlers",
        SECRET_KEY="test-secret",
        MENU_WATCH="0",
        JEMBATAN_ENV="development",
        PYTHONPATH=str(ROOT),
    )
    process = WebProcess(env, tmp_path / "web.log")
    try:
        yield process, menus, locales, database_url
    finally:
        process.kill()


def test_a_call_finishes_on_its_release_across_a_restart_while_the_menu_changes(
    web: tuple[WebProcess, Path, Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    process, menus, locales, database_url = web
    process.start()
    phone, call = "+6281234567890", "restart-1"
    assert process.post(call, phone, "").startswith("CON Menu uji\n1. Saldo")
    assert process.post(call, phone, "2") == "CON Jumlah pinjaman:\n0 Kembali 00 Menu"  # on screen `amount`

    rename_amount_screen(menus, locales)  # the new release has no screen `amount`
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("HANDLERS_MODULE", "tests.fixtures.basic.handlers")
    assert jembatan(["menus", "publish", str(menus), "--by", "test", "--note", "rename amount"]) == 0
    process.kill()
    process.start()

    assert process.post(call, phone, "2*2jt") == "CON Pinjam Rp2.000.000?\n1. Ya\n0 Kembali 00 Menu"
    assert process.post(call, phone, "2*2jt*1") == "END Selesai"
    fresh = "restart-2"
    assert process.post(fresh, phone, "").startswith("CON Menu baru\n1. Saldo")
    assert process.post(fresh, phone, "2") == "CON Berapa pinjaman Anda:\n0 Kembali 00 Menu"
