"""What the host hands the engine (`Context`) and gets back (`Reply`, `Outcome`), and what handlers see."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Generic

from gateway.engine.api import BankT, Call, Effect, Handler, HostServices
from gateway.engine.model import Menu
from gateway.engine.state import SessionState
from gateway.i18n import Catalog


@dataclass(frozen=True)
class Context(Generic[BankT]):
    """One hop's fixed inputs; the handlers and the services agree on the bank's type."""

    menu: Menu
    catalog: Catalog
    handlers: Mapping[str, Handler[BankT]]
    services: HostServices[BankT]
    seal: Callable[[str], str]
    msisdn: str
    session_id: str
    channel: str = "ussd"


@dataclass(frozen=True)
class Reply:
    text: str
    end: bool


@dataclass
class Outcome:
    state: SessionState
    reply: Reply
    effects: list[Effect] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class LocalizedServices(Generic[BankT]):
    """The host's services plus `text()` in the caller's language, for handlers that build lists."""

    def __init__(self, services: HostServices[BankT], catalog: Catalog, lang: str) -> None:
        self._services, self._catalog, self._lang = services, catalog, lang

    @property
    def bank(self) -> BankT:
        return self._services.bank

    def now(self) -> datetime:
        return self._services.now()

    def text(self, key: str, values: Mapping[str, Any] | None = None) -> str:
        return self._catalog.render(self._lang, key, values or {})


def make_call(
    ctx: Context[BankT], state: SessionState, step: str, params: Mapping[str, Any] | None, value: str | None
) -> Call[BankT]:
    """A handler's view of this hop; the idempotency key differs for every hop and step, and repeats on a retry."""
    return Call(
        msisdn=ctx.msisdn,
        lang=state.lang,
        channel=ctx.channel,
        session_id=ctx.session_id,
        idempotency_key=f"{ctx.session_id}:{state.step_no}:{step}",
        services=LocalizedServices(ctx.services, ctx.catalog, state.lang),
        vars=MappingProxyType(dict(state.vars)),
        params=params if params is not None else MappingProxyType({}),
        value=value,
    )
