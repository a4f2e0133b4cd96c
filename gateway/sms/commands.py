"""SMS system commands (`handler: sms.*` in menus/sms.yaml): help, opt-out, opt-in, language.

Channel mechanics, not banking: they need no bank and work for any sender, a stranger included (opt-out
must always be honoured). Every banking keyword names a handler in `handlers.REGISTRY`, the one registry
USSD menus use too; `SYSTEM_COMMANDS` names no bank action, and `sms.` is never a handler module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from types import MappingProxyType
from typing import Any, Protocol

from gateway.engine.api import Effect
from gateway.sms.matching import Match

REPLY_VALIDITY = timedelta(hours=1)
"""A reply to a command that could not be delivered within an hour answers a question nobody still has."""


class LanguageMemory(Protocol):
    """`gateway.sessions.SessionStore`: the language a number chose, shared by USSD and SMS."""

    def language(self, msisdn: str) -> str | None: ...
    def remember_language(self, msisdn: str, lang: str) -> None: ...


@dataclass(frozen=True)
class SmsReply:
    key: str
    """Locale key; the values below (and `bank`) fill its placeholders."""
    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    purpose: str = "reply"
    required_by_contract: bool = False
    validity: timedelta = REPLY_VALIDITY


@dataclass(frozen=True)
class Decision:
    """What one inbound SMS comes to: the outcome recorded on `sms_inbound`, and the reply (if any)."""

    outcome: str
    keyword: str = ""
    reply: SmsReply | None = None
    lang: str = "id"
    opt_out: bool | None = None
    """True/False: set the sender's SMS preference (in the same transaction as the reply)."""
    effects: tuple[Effect, ...] = ()
    """The handler's effects (gateway/effects.py), applied in the inbox's transaction."""
    durable: bool = False
    """A handler ran (money may have moved): the reply is recorded before the transaction, so a crash before
    the commit leaves it to the effects sweeper instead of losing it (a BAYAR receipt)."""

    def silent(self, outcome: str) -> Decision:
        return replace(self, outcome=outcome, reply=None)


@dataclass(frozen=True)
class CommandRequest:
    msisdn: str
    match: Match
    lang: str
    languages: LanguageMemory


Command = Callable[[CommandRequest], Decision]


def help_command(request: CommandRequest) -> Decision:
    keyword = request.match.keyword
    return Decision("help", keyword.name, SmsReply(keyword.replies["ok"]), request.lang)


def opt_out(request: CommandRequest) -> Decision:
    """One final confirmation goes out even though the number is now opted out: the contract requires it."""
    keyword = request.match.keyword
    reply = SmsReply(keyword.replies["ok"], purpose="opt_out", required_by_contract=True)
    return Decision("opted_out", keyword.name, reply, request.lang, opt_out=True)


def opt_in(request: CommandRequest) -> Decision:
    keyword = request.match.keyword
    return Decision("opted_in", keyword.name, SmsReply(keyword.replies["ok"]), request.lang, opt_out=False)


def language(request: CommandRequest) -> Decision:
    """`BAHASA EN`: remembered for USSD too; the confirmation is in the new language."""
    keyword = request.match.keyword
    chosen = str(request.match.args["lang"]).lower()
    request.languages.remember_language(request.msisdn, chosen)
    return Decision("language", keyword.name, SmsReply(keyword.replies["ok"]), chosen)


SYSTEM_NAMESPACE = "sms."
"""The prefix of every system command's name; no handler in `handlers.REGISTRY` may use it."""
SYSTEM_COMMANDS: Mapping[str, Command] = MappingProxyType(
    {"sms.help": help_command, "sms.opt_out": opt_out, "sms.opt_in": opt_in, "sms.language": language}
)
