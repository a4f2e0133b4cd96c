"""The pure state machine: one input in, the next screen out. No I/O happens here.

The host loads the session, calls `begin` or `advance`, stores the returned state, then carries out
the returned effects. Handlers reach the bank only through the services the host passes in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from gateway.engine.api import Call, Effect, Handler, HostServices, Result
from gateway.engine.model import ERROR_SCREEN, PIN_SCREEN, RESUME_SCREEN, Kind, Menu, PinRule, Screen
from gateway.engine.render import paginate
from gateway.engine.state import SessionState
from gateway.engine.validators import VALIDATORS, resolve_params
from gateway.i18n import Catalog

BACK = "0"
HOME = "00"
MORE = "99"
MAX_AUTOMATIC_SCREENS = 25


@dataclass(frozen=True)
class Context:
    menu: Menu
    catalog: Catalog
    handlers: Mapping[str, Handler]
    services: HostServices
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


class LocalizedServices:
    """The host's services plus `text()` in the caller's language, for handlers that build lists."""

    def __init__(self, services: HostServices, catalog: Catalog, lang: str) -> None:
        self._services, self._catalog, self._lang = services, catalog, lang

    @property
    def bank(self) -> Any:
        return self._services.bank

    def now(self) -> datetime:
        return self._services.now()

    def text(self, key: str, values: Mapping[str, Any] | None = None) -> str:
        return self._catalog.render(self._lang, key, values or {})

    def __getattr__(self, name: str) -> Any:
        return getattr(self._services, name)


class _Turn:
    def __init__(self, ctx: Context, state: SessionState) -> None:
        self.ctx, self.menu, self.state = ctx, ctx.menu, state
        self.effects: list[Effect] = []
        self.failures: list[str] = []
        self.origin: str | None = None
        self.pin_fresh = False
        self.notice: tuple[str, Mapping[str, Any]] | None = None

    # --- moving between screens -------------------------------------------------------------
    def enter(self, screen_id: str) -> Reply:
        for _ in range(MAX_AUTOMATIC_SCREENS):
            screen = self.menu.screens.get(screen_id)
            if screen is None:
                return self.fail(f"unknown screen {screen_id}")
            if screen.kind is Kind.ROUTER:
                screen_id = next(r.next for r in screen.routes if r.when is None or r.when.holds(self.state.vars))
                continue
            if screen.kind is Kind.ACTION:
                if self.needs_pin(screen):
                    return self.ask_pin(screen.id)
                result = self.call(screen.handler or "", screen, None)
                outcome = screen.on.get(result.category) or screen.on.get("default")
                if outcome is None or outcome.next is None:
                    return self.fail(f"{screen.handler} gave '{result.category}' that {screen.id} does not route")
                screen_id = outcome.next
                self.notice = (outcome.notice, {}) if outcome.notice else self.notice
                continue
            return self.land(screen)
        return self.fail("too many automatic screens in a row")

    def land(self, screen: Screen, notice: tuple[str, Mapping[str, Any]] | None = None) -> Reply:
        state = self.state
        if screen.id == state.home:
            state.history.clear()
        elif self.origin and self.origin != screen.id and screen.kind is not Kind.END:
            state.history.append(self.origin)
        self.origin = None
        state.screen, state.page = screen.id, 0
        if not state.home:
            state.home = screen.id
        return self.render(notice or self.notice)

    def needs_pin(self, screen: Screen) -> bool:
        if self.menu.pin is None or screen.requires_pin is PinRule.NONE or self.pin_fresh:
            return False
        return screen.requires_pin is PinRule.ALWAYS or not self.state.pin_ok

    def ask_pin(self, target: str, notice: tuple[str, Mapping[str, Any]] | None = None) -> Reply:
        if self.origin:
            self.state.history.append(self.origin)
            self.origin = None
        self.state.screen, self.state.pin_target, self.state.page = PIN_SCREEN, target, 0
        return self.render(notice)

    def fail(self, why: str) -> Reply:
        self.failures.append(why)
        self.state.screen = ERROR_SCREEN
        return Reply(self.ctx.catalog.render(self.state.lang, "engine.error"), end=True)

    def call(self, name: str, screen: Screen | None, value: str | None) -> Result:
        handler = self.ctx.handlers.get(name)
        state = self.state
        call = Call(
            msisdn=self.ctx.msisdn,
            lang=state.lang,
            channel=self.ctx.channel,
            session_id=self.ctx.session_id,
            idempotency_key=f"{self.ctx.session_id}:{state.step_no}:{screen.id if screen else PIN_SCREEN}",
            services=LocalizedServices(self.ctx.services, self.ctx.catalog, state.lang),
            vars=MappingProxyType(dict(state.vars)),
            params=screen.params if screen else MappingProxyType({}),
            value=value,
        )
        try:
            if handler is None:
                raise LookupError(f"handler {name} is not registered")
            result = handler(call)
        except Exception as exc:  # a handler's failure is a category, never a traceback to a phone
            self.failures.append(f"{name}: {type(exc).__name__}")
            return Result("error")
        state.vars.update(result.data)
        for key in result.forget:
            state.vars.pop(key, None)
        self.effects.extend(result.effects)
        return result

    # --- reading input ----------------------------------------------------------------------
    def advance(self, text: str) -> Reply:
        state = self.state
        state.step_no += 1
        entry = text.strip()
        if state.screen == RESUME_SCREEN:
            return self.on_resume(entry)
        if entry == HOME:
            state.history.clear()
            state.pin_target = None
            return self.enter(state.home or self.menu.start)
        if entry == BACK:
            return self.back()
        if state.screen == PIN_SCREEN:
            return self.on_pin(entry)
        screen = self.menu.screens.get(state.screen)
        if screen is None:
            state.history.clear()
            return self.enter(self.menu.start)
        if entry == MORE and state.page + 1 < self.page_count():
            state.page += 1
            return self.render()
        self.origin = screen.id
        if screen.kind is Kind.MENU:
            return self.on_menu(screen, entry)
        if screen.kind is Kind.INPUT:
            return self.on_input(screen, text)
        return self.render()

    def back(self) -> Reply:
        state = self.state
        state.pin_target = None if state.screen == PIN_SCREEN else state.pin_target
        if state.page > 0:
            state.page -= 1
            return self.render()
        if state.history:
            previous = state.history.pop()
            return (
                self.land(self.menu.screens[previous]) if previous in self.menu.screens else self.enter(self.menu.start)
            )
        return self.render()

    def on_menu(self, screen: Screen, entry: str) -> Reply:
        visible = [o for o in screen.options if o.when is None or o.when.holds(self.state.vars)]
        if not entry.isdigit() or not 1 <= int(entry) <= len(visible):
            return self.render(("engine.invalid.choice", {"count": len(visible)}))
        if self.state.page < self.unread_text_pages():
            return self.render(("engine.read_first", {}))
        option = visible[int(entry) - 1]
        if option.set_lang and option.set_lang in self.ctx.catalog.languages:
            self.state.lang = option.set_lang
            self.effects.append(Effect("remember_language", {"lang": option.set_lang}))
        return self.enter(option.next)

    def on_input(self, screen: Screen, text: str) -> Reply:
        assert screen.validate is not None
        state = self.state
        params = resolve_params(screen.validate.params, state.vars)
        checked = VALIDATORS[screen.validate.kind](text, params)
        if not checked.ok:
            return self.render((screen.error_text or checked.error or "engine.invalid.format", checked.error_values))
        same_as = params.get("same_as")
        if same_as:
            matches = state.vars.pop(same_as, None) == self.ctx.seal(checked.value)
            if not matches:
                self.origin = None
                return self.back_with(("engine.invalid.pin_mismatch", {}))
        if screen.save_as:
            state.vars[screen.save_as] = self.ctx.seal(checked.value) if screen.secret else checked.value
        if not screen.handler:
            return self.enter(screen.next or self.menu.start)
        result = self.call(screen.handler, screen, str(checked.value))
        outcome = screen.on.get(result.category) or screen.on.get("default")
        if outcome is None:
            return self.fail(f"{screen.handler} gave '{result.category}' that {screen.id} does not route")
        if outcome.retry_text:
            self.origin = None
            return self.render((outcome.retry_text, result.data))
        if outcome.notice:
            self.notice = (outcome.notice, {})
        return self.enter(outcome.next or self.menu.start)

    def back_with(self, notice: tuple[str, Mapping[str, Any]]) -> Reply:
        state = self.state
        previous = state.history.pop() if state.history else state.screen
        return self.land(self.menu.screens[previous], notice)

    def on_pin(self, entry: str) -> Reply:
        policy, state = self.menu.pin, self.state
        assert policy is not None
        target = state.pin_target or self.menu.start
        checked = VALIDATORS["pin"](entry, {})
        if not checked.ok:
            return self.ask_pin(target, (checked.error or "engine.invalid.pin", checked.error_values))
        result = self.call(policy.handler, None, checked.value)
        if result.category == "ok":
            state.pin_ok, state.pin_target, self.pin_fresh = True, None, True
            return self.enter(target)
        if result.category == "wrong":
            return self.ask_pin(target, (policy.wrong, result.data))
        state.pin_target = None
        next_screen = policy.on.get(result.category)
        return self.enter(next_screen) if next_screen else self.fail(f"pin gave '{result.category}'")

    def on_resume(self, entry: str) -> Reply:
        state = self.state
        saved = state.resume
        state.resume = None
        if entry == "1" and saved:
            restored = SessionState.from_dict(saved)
            restored.lang, restored.step_no = state.lang, state.step_no
            restored.pin_ok, restored.page, restored.resume = False, 0, None
            self.state = restored
            if restored.screen == PIN_SCREEN:
                return self.ask_pin(restored.pin_target or self.menu.start)
            return self.render()
        if entry not in ("2", HOME, BACK):
            state.resume = saved
            return self.render(("engine.invalid.choice", {"count": 2}))
        return self.enter(self.menu.start)

    # --- text -------------------------------------------------------------------------------
    def lines(self, notice: tuple[str, Mapping[str, Any]] | None) -> tuple[list[str], list[str]]:
        state, catalog, lang = self.state, self.ctx.catalog, self.state.lang
        body: list[str] = []
        values: dict[str, Any] = dict(state.vars)
        if notice:
            values.update(notice[1])
            body.extend(catalog.render(lang, notice[0], values).split("\n"))
        footer = [catalog.render(lang, "engine.nav")]
        if state.screen == PIN_SCREEN and self.menu.pin:
            body.extend(catalog.render(lang, self.menu.pin.prompt, values).split("\n"))
            return body, footer
        if state.screen == RESUME_SCREEN:
            return [*body, *catalog.render(lang, "engine.resume", values).split("\n")], []
        screen = self.menu.screens[state.screen]
        if screen.text:
            body.extend(catalog.render(lang, screen.text, values).split("\n"))
        visible = [o for o in screen.options if o.when is None or o.when.holds(state.vars)]
        body.extend(f"{n}. {catalog.render(lang, o.label, values)}" for n, o in enumerate(visible, 1))
        at_home = screen.id == state.home and not state.history
        return body, [] if screen.kind is Kind.END or at_home else footer

    def pages(self, notice: tuple[str, Mapping[str, Any]] | None = None) -> list[str]:
        body, footer = self.lines(notice)
        more = self.ctx.catalog.render(self.state.lang, "engine.more")
        return paginate(body, self.menu.limit, more, footer)

    def page_count(self) -> int:
        return len(self.pages())

    def unread_text_pages(self) -> int:
        """Pages of a screen's text that come before its options: a choice waits until they are read."""
        screen = self.menu.screens[self.state.screen]
        if not screen.text:
            return 0
        text = self.ctx.catalog.render(self.state.lang, screen.text, self.state.vars).split("\n")
        more = self.ctx.catalog.render(self.state.lang, "engine.more")
        return len(paginate(text, self.menu.limit, more, [self.ctx.catalog.render(self.state.lang, "engine.nav")])) - 1

    def render(self, notice: tuple[str, Mapping[str, Any]] | None = None) -> Reply:
        pages = self.pages(notice)
        page = min(self.state.page, len(pages) - 1)
        screen = self.menu.screens.get(self.state.screen)
        end = screen is not None and screen.kind is Kind.END and page == len(pages) - 1
        return Reply(pages[page], end)

    def outcome(self, reply: Reply) -> Outcome:
        return Outcome(self.state, reply, self.effects, self.failures)


def begin(ctx: Context, lang: str, resumable: SessionState | None = None) -> Outcome:
    """A new session: offer to resume a dropped one that stopped mid-way, else the start screen."""
    state = SessionState(menu_version=ctx.menu.version, screen=ctx.menu.start, lang=lang)
    turn = _Turn(ctx, state)
    if resumable is not None and _worth_resuming(ctx.menu, resumable):
        state.screen, state.resume = RESUME_SCREEN, resumable.to_dict()
        state.home = resumable.home
        state.vars = dict(resumable.vars)
        return turn.outcome(turn.render())
    return turn.outcome(turn.enter(ctx.menu.start))


def _worth_resuming(menu: Menu, saved: SessionState) -> bool:
    if saved.screen == PIN_SCREEN:
        return bool(saved.pin_target in menu.screens and saved.history)
    screen = menu.screens.get(saved.screen)
    return screen is not None and screen.kind is not Kind.END and bool(saved.history)


def advance(ctx: Context, state: SessionState, text: str) -> Outcome:
    turn = _Turn(ctx, state)
    reply = turn.advance(text)
    return turn.outcome(reply)
