"""Every page of every screen fits, is reachable with 99, and offers 0/00; every option is on some page.

Checked over the shipped menus and the test menu, in every language, with the widest values the menu
declares, and after an invalid input typed on any page (the error line must not push options away).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.dialog import make_sealer
from gateway.engine.checks import DEFAULT_PLACEHOLDER_WIDTH
from gateway.engine.model import PIN_SCREEN, RESUME_SCREEN, Kind, Menu
from gateway.engine.state import SessionState
from gateway.engine.step import Context, advance
from gateway.engine.validators import VALIDATORS, resolve_params
from gateway.engine.view import notice_text, view, visible_options
from gateway.menus import load
from handlers import REGISTRY as SHIPPED_HANDLERS
from tests.conftest import FIXTURES, ROOT
from tests.engine_support import FixedServices
from tests.fixtures.basic.handlers import REGISTRY as TEST_HANDLERS

INVALID_CANDIDATES = ("x", "", "-1", "9" * 200)
NOTICES = ("engine.invalid", "engine.read_first")


def _context(menus: str, locales: str, handlers: Mapping[str, Any]) -> Context:
    loaded, problems = load(ROOT / menus, ROOT / locales, handlers)
    assert loaded is not None, problems
    return Context(loaded.menu, loaded.catalog, handlers, FixedServices(), make_sealer("k"), "+6281234567890", "s")


MENUS = {
    "shipped": _context("menus", "locales", SHIPPED_HANDLERS),
    "test": _context(
        str((FIXTURES / "basic" / "menus").relative_to(ROOT)),
        str((FIXTURES / "basic" / "locales").relative_to(ROOT)),
        TEST_HANDLERS,
    ),
}


def screens_of(menu: Menu) -> list[str]:
    shown = [s.id for s in menu.screens.values() if s.kind in (Kind.MENU, Kind.INPUT, Kind.END)]
    return shown + ([PIN_SCREEN] if menu.pin else []) + [RESUME_SCREEN]


def condition_names(menu: Menu) -> set[str]:
    return {o.when.name for s in menu.screens.values() for o in s.options if o.when}


def widest_values(ctx: Context, lengths: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Digits as wide as each placeholder may be (digits, so `$count` and friends stay numbers)."""
    names = {n for lang in ctx.catalog.languages for t in ctx.catalog.templates[lang].values() for n in t.placeholders}
    widths = ctx.menu.placeholder_widths
    return {n: "9" * (lengths or {}).get(n, widths.get(n, DEFAULT_PLACEHOLDER_WIDTH)) for n in names}


@dataclass
class Walk:
    ctx: Context
    state: SessionState

    def shown(self) -> str:
        return view(self.ctx.menu, self.ctx.catalog, self.state).pages[self.state.page]

    def page_count(self) -> int:
        return len(view(self.ctx.menu, self.ctx.catalog, self.state).pages)

    def send(self, entry: str) -> str:
        outcome = advance(self.ctx, self.state, entry)
        self.state = outcome.state
        return outcome.reply.text

    def all_pages(self) -> list[str]:
        """Back to page 1 with 0, then every page with 99: each key must move exactly one page."""
        while self.state.page > 0:
            page = self.state.page
            self.send("0")
            assert self.state.page == page - 1
        pages = [self.shown()]
        while self.state.page + 1 < self.page_count():
            page = self.state.page
            pages.append(self.send("99"))
            assert self.state.page == page + 1, pages
        return pages


def invalid_input(ctx: Context, state: SessionState) -> str | None:
    if state.screen in (PIN_SCREEN, RESUME_SCREEN):
        return "x"
    screen = ctx.menu.screens[state.screen]
    if screen.kind is Kind.MENU or (screen.kind is Kind.END and Walk(ctx, state).page_count() > 1):
        return "x"
    if screen.kind is Kind.INPUT and screen.validate:
        params = resolve_params(screen.validate.params, state.vars)
        check = VALIDATORS[screen.validate.kind]
        return next((text for text in INVALID_CANDIDATES if not check(text, params).ok), None)
    return None


def start_at(ctx: Context, screen_id: str, lang: str, values: dict[str, Any], at_home: bool) -> SessionState:
    home = screen_id if at_home else ("main" if "main" in ctx.menu.screens else ctx.menu.start)
    return SessionState(
        ctx.menu.version, screen_id, lang, home=home, history=[] if at_home else [home], vars=dict(values)
    )


def check_screen(ctx: Context, state: SessionState, error_on_page: int | None) -> None:
    walk = Walk(ctx, state)
    first_layout = walk.all_pages()
    typed = invalid_input(ctx, state) if error_on_page is not None else None
    if typed is not None and error_on_page is not None:
        walk.all_pages()
        for _ in range(error_on_page % len(first_layout)):
            walk.send("99")
        reprompt = walk.send(typed)
        notice = walk.state.notice
        assert notice is not None and walk.state.screen == state.screen, reprompt
        values = {**walk.state.vars, **notice[1]}
        error_line = notice_text(ctx.catalog, walk.state.lang, notice[0], values)[0]
        assert reprompt.startswith(error_line[:20]), (error_line, reprompt)  # on the page the caller is on
    pages = walk.all_pages()
    assert_pages(ctx, walk.state, pages)
    if walk.state.screen not in (PIN_SCREEN, RESUME_SCREEN) and ctx.menu.screens[walk.state.screen].kind is Kind.MENU:
        walk.send("1")
        assert walk.state.notice is None or not walk.state.notice[0].startswith(NOTICES), walk.shown()


def assert_pages(ctx: Context, state: SessionState, pages: list[str]) -> None:
    catalog, lang = ctx.catalog, state.lang
    nav, more = catalog.render(lang, "engine.nav"), catalog.render(lang, "engine.more")
    special = state.screen in (PIN_SCREEN, RESUME_SCREEN)
    screen = None if special else ctx.menu.screens[state.screen]
    at_home = state.screen == state.home and not state.history
    for number, page in enumerate(pages):
        lines = page.split("\n")
        last = number == len(pages) - 1
        assert len(page) <= ctx.menu.limit, (number, page)
        assert (more in lines) is not last, (number, page)
        session_goes_on = not (last and screen is not None and screen.kind is Kind.END)
        if session_goes_on and state.screen != RESUME_SCREEN and not (at_home and len(pages) == 1):
            assert nav in lines, (number, page)
    if screen is not None:
        values = {**state.vars, **(state.notice[1] if state.notice else {})}
        options = visible_options(screen.options, state.vars)
        shown = [line for page in pages for line in page.split("\n")]
        for n, option in enumerate(options, 1):
            assert f"{n}. {catalog.render(lang, option.label, values)}" in shown, (n, pages)


CASES = [
    (name, screen_id, lang, at_home)
    for name, ctx in MENUS.items()
    for screen_id in screens_of(ctx.menu)
    for lang in ctx.catalog.languages
    for at_home in (False, True)
]


@pytest.mark.parametrize(("menu", "screen_id", "lang", "at_home"), CASES)
def test_every_page_of_every_screen_with_the_widest_values_and_an_error_on_any_page(
    menu: str, screen_id: str, lang: str, at_home: bool
) -> None:
    ctx = MENUS[menu]
    values = {**widest_values(ctx), **{name: True for name in condition_names(ctx.menu)}}
    pages = len(Walk(ctx, start_at(ctx, screen_id, lang, values, at_home)).all_pages())
    for error_on_page in [None, *range(pages)]:
        check_screen(ctx, start_at(ctx, screen_id, lang, values, at_home), error_on_page)


@st.composite
def screen_cases(draw: st.DrawFn) -> tuple[str, str, str, dict[str, int], dict[str, bool], bool, int]:
    """(menu, screen, language, placeholder lengths, option conditions, at home, page of the error)."""
    menu = draw(st.sampled_from(sorted(MENUS)))
    ctx = MENUS[menu]
    widths = ctx.menu.placeholder_widths
    lengths = {
        name: draw(st.integers(1, widths.get(name, DEFAULT_PLACEHOLDER_WIDTH))) for name in sorted(widest_values(ctx))
    }
    flags = {name: draw(st.booleans()) for name in sorted(condition_names(ctx.menu))}
    return (
        menu,
        draw(st.sampled_from(screens_of(ctx.menu))),
        draw(st.sampled_from(sorted(ctx.catalog.languages))),
        lengths,
        flags,
        draw(st.booleans()),
        draw(st.integers(0, 5)),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(screen_cases())
def test_paging_holds_for_any_values_and_options_shown(
    case: tuple[str, str, str, dict[str, int], dict[str, bool], bool, int],
) -> None:
    menu, screen_id, lang, lengths, flags, at_home, error_on_page = case
    ctx = MENUS[menu]
    check_screen(ctx, start_at(ctx, screen_id, lang, {**widest_values(ctx, lengths), **flags}, at_home), error_on_page)
