"""What the virtual users send: Africa's Talking form bodies that walk a menu, a new session per walk.

Virtual user `u` sends requests `i = 0, 1, 2, ...` one after another on its own connection (`i` moves on
when an answer arrives; a request lost to a socket error is sent again). Request `i`
is hop `i % K` of the walk (K hops) in session `bench-<tag>-<u>-<i // K>`: so every walk starts with a
dial (text "") in a session id never seen before, and the tag is new for every load run (warm-up and
measured runs never share a session). The phone is `phones[u % len(phones)]`, or when no phones are
given a synthetic `+62812xxxxxxxx` per session, so that no new session is offered to resume another.
The wrk Lua script (`wrk_driver`) builds the very same bytes as `Workload.body`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from enum import Enum
from urllib.parse import quote

__all__ = ["NETWORK_CODE", "SERVICE_CODE", "Expect", "Workload", "expectations", "form_quote"]

SERVICE_CODE = "*123#"
NETWORK_CODE = "51010"  # Telkomsel's MCC+MNC, as Africa's Talking sends it
SESSION_PREFIX = "bench"
SYNTHETIC_PREFIX = "+62812"
SYNTHETIC_DIGITS = 8
SYNTHETIC_SPACE = 10**SYNTHETIC_DIGITS
USER_STRIDE = 100_000  # sessions one virtual user may start in a run before its synthetic numbers repeat


class Expect(str, Enum):
    """What a 2xx answer to a hop should start with."""

    CON = "CON"
    END = "END"
    ANY = "ANY"


def expectations(hops: int, final: Expect) -> tuple[Expect, ...]:
    """Every hop but the last continues the session; the last one is `final`."""
    return tuple([Expect.CON] * (hops - 1) + [final])


def form_quote(value: str) -> str:
    """application/x-www-form-urlencoded with %20 for spaces, the same bytes the Lua side sends."""
    return quote(value, safe="-._~")


@dataclass(frozen=True)
class Workload:
    path: str
    walk: tuple[str, ...]
    expect: tuple[Expect, ...]
    phones: tuple[str, ...] = ()
    service_code: str = SERVICE_CODE
    network_code: str = NETWORK_CODE
    run_tag: str = "0"
    phone_offset: int = 0

    def __post_init__(self) -> None:
        if not self.walk:
            raise ValueError("a walk needs at least one hop")
        if len(self.expect) != len(self.walk):
            raise ValueError("one expectation per hop of the walk")
        if not self.path.startswith("/"):
            raise ValueError("the path must start with '/'")

    def fresh(self) -> Workload:
        """The same walk with a new run tag and synthetic-number offset: sessions no earlier run used."""
        return replace(self, run_tag=secrets.token_hex(3), phone_offset=secrets.randbelow(SYNTHETIC_SPACE))

    def on_path(self, path: str, expect: tuple[Expect, ...] | None = None) -> Workload:
        return replace(self, path=path, expect=expect or self.expect)

    def hop(self, index: int) -> int:
        return index % len(self.walk)

    def session_id(self, user: int, index: int) -> str:
        return f"{SESSION_PREFIX}-{self.run_tag}-{user}-{index // len(self.walk)}"

    def phone(self, user: int, index: int) -> str:
        if self.phones:
            return self.phones[user % len(self.phones)]
        number = (self.phone_offset + user * USER_STRIDE + index // len(self.walk)) % SYNTHETIC_SPACE
        return f"{SYNTHETIC_PREFIX}{number:0{SYNTHETIC_DIGITS}d}"

    def body(self, user: int, index: int) -> bytes:
        fields = (
            ("sessionId", self.session_id(user, index)),
            ("serviceCode", self.service_code),
            ("phoneNumber", self.phone(user, index)),
            ("networkCode", self.network_code),
            ("text", self.walk[self.hop(index)]),
        )
        return "&".join(f"{name}={form_quote(value)}" for name, value in fields).encode("ascii")

    def unexpected(self, index: int, reply: bytes) -> bool:
        want = self.expect[self.hop(index)]
        return want is not Expect.ANY and not reply.startswith(want.value.encode())
