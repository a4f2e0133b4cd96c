"""Decide what one inbound SMS means: system command, banking handler (behind a one-time code), or help.

Banking handlers are called by name through `gateway.engine.api.invoke` and the one `handlers.REGISTRY`, as
USSD calls them; the reply to a result category is the keyword's own `replies`, else the book's defaults
(top-level `replies:` in menus/sms.yaml).

`Dispatcher.decide` writes nothing to the database: the inbox records the decision, the preference
change and the reply in one transaction. It does use Redis (codes, the remembered language) and the
bank (the customer, and the handler's own work, which moves money once per idempotency key).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from gateway.banking.interface import BankUnavailable, Customer
from gateway.engine.api import Call, Handler, HostServices, invoke
from gateway.engine.step import LocalizedServices
from gateway.i18n import Catalog
from gateway.phones import is_indonesian, mask_msisdn
from gateway.sms.book import KeywordBook
from gateway.sms.commands import SYSTEM_COMMANDS, Command, CommandRequest, Decision, LanguageMemory, SmsReply
from gateway.sms.inbound import InboundSms
from gateway.sms.matching import Ambiguous, BadArgs, Match, NoMatch, match
from gateway.sms.otp import OneTimeCodes, Verdict

PROVIDER_OPT_OUT = {"STOP": True, "START": False}
"""Twilio Advanced Opt-Out verdicts: Twilio already acted and answered; we record, and send nothing."""
SMS_BANKING_OFF = "sms_banking_off"
LANGUAGE_CHOSEN = "language"
"""The outcome of `sms.language`: the choice is stored with the customer, for every channel and reminders."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dispatcher:
    book_source: Callable[[], KeywordBook]
    handlers: Mapping[str, Handler]
    services: HostServices
    codes: OneTimeCodes
    languages: LanguageMemory
    catalog: Callable[[], Catalog]
    default_lang: str = "id"
    system_commands: Mapping[str, Command] = field(default_factory=lambda: SYSTEM_COMMANDS)
    opted_out: Callable[[str], bool] = field(default=lambda _msisdn: False)
    """Whether a number opted out of SMS: it gets no one-time code (none issued, none counted)."""

    def decide(self, sms: InboundSms) -> Decision:
        book = self.book_source()
        found = match(book, sms.body)
        keyword = found.keyword.name if isinstance(found, Match | BadArgs) else ""
        if sms.opt_out_type in PROVIDER_OPT_OUT:
            opted = PROVIDER_OPT_OUT[sms.opt_out_type]
            return Decision("provider_opted_out" if opted else "provider_opted_in", keyword, opt_out=opted)
        foreign = not is_indonesian(sms.sender)
        if isinstance(found, Match) and found.keyword.handler in self.system_commands:
            request = CommandRequest(sms.sender, found, self._lang(sms.sender, None), self.languages)
            decision = self.system_commands[found.keyword.handler](request)
            if foreign:
                return decision.silent(f"foreign_{decision.outcome}")
            if decision.outcome == LANGUAGE_CHOSEN:
                self._store_language(sms.sender, decision.lang)
            return decision
        if foreign:
            return Decision("foreign_sender", keyword)
        try:
            customer = self.services.bank.customer_by_msisdn(sms.sender)
        except BankUnavailable:
            log.warning("sms from %s: bank unavailable", mask_msisdn(sms.sender))
            return Decision("bank_unavailable", keyword, SmsReply("sms.error"), self._lang(sms.sender, None))
        lang = self._lang(sms.sender, customer)
        if isinstance(found, NoMatch):
            return Decision("unknown", "", SmsReply("sms.unknown"), lang)
        if isinstance(found, Ambiguous):
            choices = " / ".join(candidate.word for candidate in found.candidates)
            return Decision("ambiguous", "", SmsReply("sms.ambiguous", {"choices": choices}), lang)
        if isinstance(found, BadArgs):
            return Decision("usage", keyword, SmsReply(found.keyword.replies.get("usage", "sms.help")), lang)
        return self._banking(sms, found, customer, lang, book)

    def _lang(self, msisdn: str, customer: Customer | None) -> str:
        """A customer's language is the bank's (the one source every channel and reminders share)."""
        known = self.catalog().languages
        if customer is not None and customer.lang in known:
            return customer.lang
        remembered = self.languages.language(msisdn)
        if remembered in known:
            return str(remembered)
        return self.default_lang

    def _store_language(self, msisdn: str, lang: str) -> None:
        try:
            self.services.bank.set_language(msisdn, lang)
        except BankUnavailable:
            log.warning("sms language for %s not stored: bank unavailable", mask_msisdn(msisdn))

    def _banking(
        self, sms: InboundSms, found: Match, customer: Customer | None, lang: str, book: KeywordBook
    ) -> Decision:
        name = found.keyword.name
        if found.keyword.open_to_all:
            return self._run(sms, found, lang, book)
        if customer is None:
            return Decision("not_registered", name, SmsReply("sms.not_registered"), lang)
        if customer.locked:
            return Decision("locked", name, SmsReply("sms.locked"), lang)
        closed = self._sms_banking_gate(sms.sender, name, lang)
        if closed is not None:
            return closed
        if found.keyword.requires_auth:
            refused = self._authorise(sms, found, lang, book)
            if refused is not None:
                return refused
        return self._run(sms, found, lang, book)

    def _sms_banking_gate(self, msisdn: str, keyword: str, lang: str) -> Decision | None:
        """Every bank keyword shows money or personal loan data, or moves money: none works until the
        customer switches SMS banking on over USSD with the PIN (gateway/banking/access.py)."""
        try:
            if self.services.bank.use_sms_banking(msisdn, self.services.now()):
                return None
        except BankUnavailable:
            log.warning("sms from %s: bank unavailable", mask_msisdn(msisdn))
            return Decision("bank_unavailable", keyword, SmsReply("sms.error"), lang)
        return Decision(SMS_BANKING_OFF, keyword, SmsReply("access.sms_gate"), lang)

    def _authorise(self, sms: InboundSms, found: Match, lang: str, book: KeywordBook) -> Decision | None:
        """None when the code is right; otherwise the decision that asks for (or refuses) a code. A keyword
        with a `preview` handler sends its preview with the code, or, for another category, its reply alone."""
        msisdn, name, command = sms.sender, found.keyword.name, found.command
        if found.code is None:
            if self.opted_out(msisdn):
                return Decision("code_opted_out", name, None, lang)
            return self._send_code(sms, found, lang, book)
        seen = self.codes.seen(msisdn) if found.keyword.preview else ""
        verdict = self.codes.verify(msisdn, command, found.code)
        if verdict is Verdict.OK:
            if seen:  # the code confirms the preview it came with: if that reads differently now, quote again
                shown = self._run(sms, found, lang, book, found.keyword.preview)
                if shown.outcome != "ok" or shown.reply is None:
                    return shown
                if _digest(shown.reply.values) != seen:
                    return self._send_code(sms, found, lang, book, shown, outcome="code_requoted")
            return None
        if verdict is Verdict.WRONG:
            values = {"tries_left": self.codes.tries_left(msisdn), "command": command}
            return Decision("code_wrong", name, SmsReply("sms.auth.code_wrong", values), lang)
        if verdict is Verdict.BURNED:
            values = {"attempts": self.codes.max_attempts, "command": command}
            return Decision("code_burned", name, SmsReply("sms.auth.code_burned", values), lang)
        return Decision("code_missing", name, SmsReply("sms.auth.code_missing", {"command": command}), lang)

    def _send_code(
        self, sms: InboundSms, found: Match, lang: str, book: KeywordBook,
        shown: Decision | None = None, outcome: str = "code_sent",
    ) -> Decision:  # fmt: skip
        """A new one-time code for the command; with a `preview` handler, sent in its preview (`shown`, or
        run now), whose digest the code keeps so that the confirmation files what was read."""
        name, command = found.keyword.name, found.command
        preview: dict[str, Any] = {}
        if found.keyword.preview:
            shown = shown or self._run(sms, found, lang, book, found.keyword.preview)
            if shown.outcome != "ok" or shown.reply is None:
                return shown
            preview = dict(shown.reply.values)
        code = self.codes.issue(sms.sender, command, _digest(preview) if preview else "")
        if code is None:
            return Decision("code_limit", name, SmsReply("sms.auth.too_many"), lang)
        values = {**preview, "code": code, "command": command, "minutes": self.codes.ttl_s // 60}
        text = found.keyword.replies["preview"] if preview else "sms.auth.code_sent"
        reply = SmsReply(text, values, "auth_code", validity=timedelta(seconds=self.codes.ttl_s))
        return Decision(outcome, name, reply, lang)

    def _run(self, sms: InboundSms, found: Match, lang: str, book: KeywordBook, handler: str = "") -> Decision:
        """Run the keyword's handler (or `handler`, its preview) and answer its category as the keyword says."""
        keyword = found.keyword
        key = f"sms:{sms.provider}:{sms.provider_message_id}"
        call = Call(
            sms.sender,
            lang,
            "sms",
            key,
            key,
            LocalizedServices(self.services, self.catalog(), lang),
            vars=dict(found.args),
        )
        handler = handler or keyword.handler
        result, failure = invoke(self.handlers, handler, call)
        if failure is not None:
            log.error("sms keyword %s from %s failed: %s", keyword.name, mask_msisdn(sms.sender), failure)
            outcome = "error" if handler in self.handlers else "no_handler"
            return Decision(outcome, keyword.name, SmsReply("sms.error"), lang)
        reply_key = book.reply_key(keyword, result.category)
        if reply_key is None:
            log.warning("sms keyword %s: no reply for category %r", keyword.name, result.category)
            return Decision(
                f"unmapped_{result.category}"[:40],
                keyword.name,
                SmsReply("sms.error"),
                lang,
                effects=result.effects,
                durable=True,
            )
        return Decision(
            result.category,
            keyword.name,
            SmsReply(reply_key, {**result.data, "command": found.command}),
            lang,
            effects=result.effects,
            durable=True,
        )


def _digest(values: Mapping[str, Any]) -> str:
    """What a preview showed (its values but the command, which the code's MAC binds anyway), as a short digest."""
    shown = {key: value for key, value in values.items() if key != "command"}
    text = json.dumps(shown, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
