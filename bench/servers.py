"""Gunicorn on a free loopback port, in its own process group, with the same settings for every app."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GUNICORN_SETTINGS", "PROJECT_ROOT", "Server", "ServerFailed", "running", "venv_tool"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = PROJECT_ROOT / "bench" / "results"
READY_TIMEOUT_S = 30.0
READY_POLL_S = 0.1
PROBE_TIMEOUT_S = 2.0
STOP_TIMEOUT_S = 10.0
LOG_TAIL_CHARS = 1500
GUNICORN_SETTINGS = (
    "--workers",
    "2",
    "--worker-class",
    "gthread",
    "--threads",
    "4",
    "--timeout",
    "30",
    "--log-level",
    "warning",
)


class ServerFailed(RuntimeError):
    """A server did not start or did not become ready; the message carries its log's tail."""


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL_CHARS:]
        except OSError:
            return ""


def venv_tool(name: str) -> list[str]:
    """`.venv/bin/NAME`, else the one beside the running interpreter."""
    for folder in (PROJECT_ROOT / ".venv" / "bin", Path(sys.executable).parent):
        if (folder / name).exists():
            return [str(folder / name)]
    raise FileNotFoundError(f"{name} is not installed in .venv; run 'make install'")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tcp_ready(port: int) -> str | None:
    """None when something accepts connections on the port, else why not."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=PROBE_TIMEOUT_S):
            return None
    except OSError as exc:
        return str(exc)


def healthz_ready(port: int) -> str | None:
    """None when `GET /healthz` answers 200, else why not."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PROBE_TIMEOUT_S)
    try:
        connection.request("GET", "/healthz")
        answer = connection.getresponse()
        body = answer.read(500).decode("utf-8", "replace")
        return None if answer.status == 200 else f"/healthz answered {answer.status}: {body}"
    except (OSError, http.client.HTTPException) as exc:
        return str(exc)
    finally:
        connection.close()


def _start(name: str, app_spec: str, env: Mapping[str, str]) -> Server:
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"{name}.log"
    command = [*venv_tool("gunicorn"), "--bind", f"127.0.0.1:{port}", "--chdir", str(PROJECT_ROOT)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, *GUNICORN_SETTINGS, app_spec],
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, port, process, log_path)


def _wait_ready(server: Server, probe: str) -> None:
    check = healthz_ready if probe == "healthz" else tcp_ready
    deadline = time.monotonic() + READY_TIMEOUT_S
    why = "not probed yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerFailed(f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}")
        why = check(server.port) or ""
        if not why:
            return
        time.sleep(READY_POLL_S)
    raise ServerFailed(f"{server.name} not ready after {READY_TIMEOUT_S:.0f} s ({why}):\n{server.log_tail()}")


def _signal_group(server: Server, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(server.process.pid, sig)


def _stop(server: Server) -> None:
    """SIGTERM to the whole process group (master and workers), SIGKILL for whatever lingers."""
    _signal_group(server, signal.SIGTERM)
    try:
        server.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _signal_group(server, signal.SIGKILL)
        server.process.wait(timeout=STOP_TIMEOUT_S)
    _signal_group(server, signal.SIGKILL)  # a worker that outlived its master


@contextmanager
def running(name: str, app_spec: str, env: Mapping[str, str], probe: str) -> Iterator[Server]:
    """A gunicorn serving `app_spec` until the block ends; `probe` is "healthz" or "tcp"."""
    server = _start(name, app_spec, env)
    try:
        _wait_ready(server, probe)
        yield server
    finally:
        _stop(server)
