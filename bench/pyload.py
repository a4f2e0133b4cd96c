"""The fallback load generator: pure Python, asyncio streams, HTTP/1.1 keep-alive when the server allows it.

One coroutine per connection is one virtual user (see `workload`): it sends a request, reads the whole
answer, records the latency (from the first byte written to the last byte read, like wrk), and
reconnects when the server closes (gunicorn's sync workers close after every answer). Everything runs on
one core, which the servers share: its figures are lower than wrk's; compare ratios, not absolutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from dataclasses import dataclass, field

from bench.figures import LoadResult, percentile
from bench.workload import Workload

__all__ = ["MAX_REQUESTS_PER_USER", "RESPONSE_TIMEOUT_S", "run_python"]

CONNECT_TIMEOUT_S = 5.0
RESPONSE_TIMEOUT_S = 10.0
ERROR_BACKOFF_S = 0.05
MAX_REQUESTS_PER_USER = 1_000_000
MAX_BODY_BYTES = 1024 * 1024
MAX_CHUNKS = 1024
STOP_GRACE_S = RESPONSE_TIMEOUT_S + 5.0
_NETWORK_ERRORS = (OSError, EOFError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError)


@dataclass
class _Tally:
    latencies_s: list[float] = field(default_factory=list)
    non2xx: int = 0
    socket_errors: int = 0
    unexpected: int = 0


@dataclass(frozen=True)
class _Answer:
    status: int
    keep_alive: bool
    body: bytes


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    for _ in range(MAX_CHUNKS):
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
    raise ValueError("too many chunks")


async def _read_answer(reader: asyncio.StreamReader) -> _Answer:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status_line, *header_lines = head.split("\r\n")
    version, status = status_line.split(" ", 2)[:2]
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    keep_alive = version == "HTTP/1.1" and headers.get("connection") != "close"
    if "chunked" in headers.get("transfer-encoding", ""):
        body = await _read_chunked(reader)
    elif "content-length" in headers:
        body = await reader.readexactly(min(int(headers["content-length"]), MAX_BODY_BYTES))
    else:
        body, keep_alive = await reader.read(MAX_BODY_BYTES), False
    return _Answer(int(status), keep_alive, body)


def _request(port: int, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _close(stream: Stream | None) -> None:
    if stream is not None:
        stream[1].close()
        with contextlib.suppress(OSError):
            await stream[1].wait_closed()


async def _connect(port: int) -> Stream | None:
    try:
        return await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), CONNECT_TIMEOUT_S)
    except _NETWORK_ERRORS:
        return None


async def _exchange(stream: Stream, payload: bytes) -> _Answer | None:
    reader, writer = stream
    try:
        writer.write(payload)
        await writer.drain()
        return await asyncio.wait_for(_read_answer(reader), RESPONSE_TIMEOUT_S)
    except _NETWORK_ERRORS:
        return None


async def _user(port: int, workload: Workload, user: int, deadline: float, tally: _Tally) -> None:
    stream: Stream | None = None
    index = sent = 0
    try:
        while sent < MAX_REQUESTS_PER_USER and time.monotonic() < deadline:
            if stream is None:
                stream = await _connect(port)
                if stream is None:
                    tally.socket_errors += 1
                    await asyncio.sleep(ERROR_BACKOFF_S)
                    continue
            payload = _request(port, workload.path, workload.body(user, index))
            started = time.perf_counter()
            sent += 1
            answer = await _exchange(stream, payload)
            if answer is None:
                tally.socket_errors += 1
                await _close(stream)
                stream = None
                continue  # the same hop again on a new connection, as wrk does
            if time.monotonic() <= deadline:  # an answer that lands after the bell is not counted
                tally.latencies_s.append(time.perf_counter() - started)
                if not 200 <= answer.status <= 299:
                    tally.non2xx += 1
                elif workload.unexpected(index, answer.body):
                    tally.unexpected += 1
                    if os.environ.get("BENCH_SHOW_UNEXPECTED"):
                        print(f"unexpected at hop {index}: {answer.body[:120]!r}", file=sys.stderr)
            index += 1
            if not answer.keep_alive:
                await _close(stream)
                stream = None
    finally:
        await _close(stream)


async def _run(port: int, workload: Workload, duration_s: float, connections: int) -> tuple[_Tally, float]:
    tally = _Tally()
    started = time.monotonic()
    deadline = started + duration_s
    users = [asyncio.create_task(_user(port, workload, u, deadline, tally)) for u in range(connections)]
    _finished, late = await asyncio.wait(users, timeout=duration_s + STOP_GRACE_S)
    for task in late:
        task.cancel()
    await asyncio.gather(*users, return_exceptions=True)
    return tally, min(time.monotonic(), deadline) - started


def run_python(port: int, workload: Workload, duration_s: float, connections: int) -> LoadResult:
    tally, elapsed_s = asyncio.run(_run(port, workload, duration_s, connections))
    latencies = sorted(tally.latencies_s)
    return LoadResult(
        tool="python",
        requests=len(latencies),
        duration_s=elapsed_s,
        p50_ms=percentile(latencies, 50) * 1000.0,
        p99_ms=percentile(latencies, 99) * 1000.0,
        errors=tally.non2xx + tally.socket_errors,
        unexpected=tally.unexpected,
    )
