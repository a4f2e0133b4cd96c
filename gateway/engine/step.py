"""The pure state machine: one input in, the next screen out. No I/O happens here.

The host loads the session, calls `begin` or `advance`, stores the returned state, then carries out
the returned effects. The state passed in is never changed: a turn works on its own copy and returns
it. Handlers reach the bank only through the services the host passes in.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gateway.engine.api import Effect, Result, invoke
from gateway.engine.host import Context, LocalizedServices, Outcome, Reply, make_call
from gateway.engine.model import ERROR_SCREEN, PIN_SCREEN, RESUME_SCREEN, Kind, PinRule, Screen
from gateway.engine.resume import pin_first_target, worth_resuming
from gateway.engine.state import SessionState, plain_answer
from gateway.engine.validators import VALIDATORS, resolve_params
from gateway.engine.view import Notice, page_count, show, view, visible_options

__all__ = ["Context", "LocalizedServices", "Outcome", "Reply", "advance", "begin"]

BACK = "0"
HOME = "00"
MORE = "99"
MAX_AUTOMATIC_SCREENS = 25


def _working_copy(state: SessionState) -> SessionState:
    """A copy this turn may change; the containers a turn edits in place are copied too."""
    return replace(state, history=list(state.history), vars=dict(state.vars), answers=list(state.answers))


class _Turn:
    def __init__(self, ctx: Context[Any], state: SessionState) -> None:
        self.ctx, self.menu, self.state = ctx, ctx.menu, _working_copy(state)
        self.effects: list[Effect] = []
        self.failures: list[str] = []
        self.origin: str | None = None
        self.pin_fresh = False
        self.notice: Notice | None = None
        self.producer: str | None = None

    # --- moving between screens -------------------------------------------------------------
    def enter(self, screen_id: str) -> Reply:
        first = screen_id
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
                self.producer = self.producer or first
                result = self.call(screen.handler or "", screen, None)
                outcome = screen.on.get(result.category) or screen.on.get("default")
                if outcome is None or outcome.next is None:
                    return self.fail(f"{screen.handler} gave '{result.category}' that {screen.id} does not route")
                screen_id = outcome.next
                self.notice = (outcome.notice, {}) if outcome.notice else self.notice
                continue
            return self.land(screen)
        return self.fail("too many automatic screens in a row")

    def land(self, screen: Screen, notice: Notice | None = None) -> Reply:
        state = self.state
        if screen.id == state.home:
            state.history.clear()
        elif self.origin and self.origin != screen.id:
            state.history.append(self.origin)
        self.origin = None
        state.screen, state.page, state.notice = screen.id, 0, None
        if not state.home:
            state.home = screen.id
        if screen.id == state.home:
            state.redo, state.redo_at = "", 0
        elif self.producer or not state.redo:
            state.set_redo(self.producer or screen.id)
        return self.render(notice or self.notice)

    def needs_pin(self, screen: Screen) -> bool:
        if self.menu.pin is None or screen.requires_pin is PinRule.NONE or self.pin_fresh:
            return False
        return screen.requires_pin is PinRule.ALWAYS or not self.state.pin_ok

    def ask_pin(self, target: str, notice: Notice | None = None) -> Reply:
        if self.origin:
            self.state.history.append(self.origin)
            self.origin = None
        state = self.state
        state.screen, state.pin_target, state.page, state.notice = PIN_SCREEN, target, 0, None
        if self.producer:
            state.set_redo(self.producer)
        return self.render(notice)

    def fail(self, why: str) -> Reply:
        self.failures.append(why)
        self.state.screen = ERROR_SCREEN
        return Reply(self.ctx.catalog.render(self.state.lang, "engine.error"), end=True)

    def call(self, name: str, screen: Screen | None, value: str | None) -> Result:
        state = self.state
        call = make_call(self.ctx, state, screen.id if screen else PIN_SCREEN, screen.params if screen else None, value)
        result, failure = invoke(self.ctx.handlers, name, call)
        if failure is not None:
            self.failures.append(failure)
            return result
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
        if entry == MORE and state.page + 1 < page_count(self.menu, self.ctx.catalog, state):
            state.page += 1
            return self.render()
        self.origin = screen.id
        if screen.kind is Kind.MENU:
            return self.on_menu(screen, entry)
        if screen.kind is Kind.INPUT:
            return self.on_input(screen, text)
        return self.render(("engine.read_first", {}))  # a long last screen: only 99, 0 and 00 go on

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
        state.notice = None
        return self.render()

    def on_menu(self, screen: Screen, entry: str) -> Reply:
        visible = visible_options(screen.options, self.state.vars)
        if not entry.isdigit() or not 1 <= int(entry) <= len(visible):
            return self.render(("engine.invalid.choice", {"count": len(visible)}))
        if self.state.page < view(self.menu, self.ctx.catalog, self.state).first_option_page():
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
            self.note_answer(screen, checked.value)
        if not screen.handler:
            return self.enter(screen.next or self.menu.start)
        self.producer = screen.id
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

    def note_answer(self, screen: Screen, value: Any) -> None:
        """A plain answer is kept for a resume; one that is not (a PIN, money) makes this screen ask again."""
        answers = self.state.answers
        if screen.save_as in answers:
            answers.remove(screen.save_as)
        if screen.secret or not plain_answer(value):
            self.producer = screen.id
        else:
            answers.append(screen.save_as or "")

    def back_with(self, notice: Notice) -> Reply:
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
            return self.resume(SessionState.from_dict(saved))
        if entry not in ("2", HOME, BACK):
            state.resume = saved
            return self.render(("engine.invalid.choice", {"count": 2}))
        return self.enter(self.menu.start)

    def resume(self, saved: SessionState) -> Reply:
        """Continue a dropped session: who is calling is looked up afresh, the PIN is asked again when the
        dropped session had it, and the step that fetched the screen's data runs again."""
        state = self.state
        reply = self.enter(self.menu.start)
        if reply.end or state.screen != saved.home:
            return reply
        self.producer, self.notice = None, None
        state.vars.update(saved.vars)
        state.answers = list(saved.answers)
        state.history = [screen for screen in saved.history if screen in self.menu.screens]
        if saved.screen != PIN_SCREEN:
            return self.enter(saved.screen)
        return self.ask_pin(pin_first_target(self.menu, saved))

    def render(self, notice: Notice | None = None) -> Reply:
        text, end = show(self.menu, self.ctx.catalog, self.state, notice)
        return Reply(text, end)

    def outcome(self, reply: Reply) -> Outcome:
        return Outcome(self.state, reply, self.effects, self.failures)


def begin(ctx: Context[Any], lang: str, resumable: SessionState | None = None) -> Outcome:
    """A new session: offer to resume a dropped one that stopped mid-way, else the start screen."""
    turn = _Turn(ctx, SessionState(menu_version=ctx.menu.version, screen=ctx.menu.start, lang=lang))
    resumable = resumable.for_resume() if resumable is not None else None
    if resumable is not None and worth_resuming(ctx.menu, resumable):
        turn.state.screen, turn.state.resume = RESUME_SCREEN, resumable.to_dict()
        return turn.outcome(turn.render())
    return turn.outcome(turn.enter(ctx.menu.start))


def advance(ctx: Context[Any], state: SessionState, text: str) -> Outcome:
    turn = _Turn(ctx, state)
    reply = turn.advance(text)
    return turn.outcome(reply)
