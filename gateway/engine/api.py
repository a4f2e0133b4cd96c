"""What a handler sees and returns: the only engine types that `handlers/` import.

The engine does not know the bank: `Call`, `Handler` and the services are generic in its type, and
`handlers/` name it (`Call[Bank]`, with `gateway.banking.interface.Bank`), so mypy checks every use of
the bank in a handler and that the host hands over a bank of that type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

BankT = TypeVar("BankT")
BankT_co = TypeVar("BankT_co", covariant=True)


class HostServices(Protocol[BankT_co]):
    """What the host (web, CLI, tests) hands the engine: the bank and the clock."""

    @property
    def bank(self) -> BankT_co: ...

    def now(self) -> datetime: ...


class Services(HostServices[BankT_co], Protocol[BankT_co]):
    """The narrow services a handler may use: the host's, plus texts in the caller's language."""

    def text(self, key: str, values: Mapping[str, Any] | None = None) -> str:
        """The locale text `key` in the caller's language; raises KeyError if no locale has it."""
        ...


@dataclass(frozen=True)
class Call(Generic[BankT]):
    """One handler invocation.

    `value` is the input of the screen that called the handler (a PIN included: it is never saved).
    `vars` holds the session's answers and earlier handler data. `idempotency_key` is the same for a
    retried hop and different for every other hop, so a money movement keyed on it happens once.
    """

    msisdn: str
    lang: str
    channel: str
    session_id: str
    idempotency_key: str
    services: Services[BankT]
    vars: Mapping[str, Any] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    value: str | None = None


@dataclass(frozen=True)
class Effect:
    """Something the host does after the session is durably saved ("confirm after commit")."""

    kind: str
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """A handler's outcome: a category the menu routes on (`on: {ok: …, locked: …}`) and data for texts."""

    category: str = "ok"
    data: Mapping[str, Any] = field(default_factory=dict)
    effects: tuple[Effect, ...] = ()
    forget: tuple[str, ...] = ()


Handler = Callable[[Call[BankT]], Result]
"""`Handler[Bank]` in `handlers/`; a bare `Handler` takes a call with any bank."""


ERROR = "error"
"""The category of a handler that is not registered or that raised: menus route it (`on: {error: …}`)."""


def invoke(handlers: Mapping[str, Handler[BankT]], name: str, call: Call[BankT]) -> tuple[Result, str | None]:
    """Run the handler registered as `name`: the one way both channels (USSD screens, SMS keywords) call one.

    A name not registered, or a handler that raises, gives category `error`, never a traceback to a phone;
    the second value then says why, for the caller's log.
    """
    handler = handlers.get(name)
    if handler is None:
        return Result(ERROR), f"{name}: not registered"
    try:
        return handler(call), None
    except Exception as exc:  # a handler's failure is a category
        return Result(ERROR), f"{name}: {type(exc).__name__}"  # the type only: a message may hold input
