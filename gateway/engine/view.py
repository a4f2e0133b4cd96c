"""What the caller sees on the current screen: its lines in the caller's language, laid out in pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.engine.model import PIN_SCREEN, RESUME_SCREEN, Kind, Menu, Option
from gateway.engine.render import Footers, Paged, paginate
from gateway.engine.state import SessionState
from gateway.i18n import Catalog

NAV = "engine.nav"
MORE = "engine.more"
CHOICE = "engine.invalid.choice"
CHOICE_ONE = "engine.invalid.choice_one"

Notice = tuple[str, Mapping[str, Any]]
"""An error line for the current screen: its locale key and values."""


@dataclass(frozen=True)
class View:
    paged: Paged
    options_from: int
    """Index of the first option line: the lines before it are the screen's own text."""

    @property
    def pages(self) -> list[str]:
        return self.paged.pages

    def first_option_page(self) -> int:
        return self.paged.page_of_line(self.options_from)


def visible_options(options: tuple[Option, ...], values: Mapping[str, Any]) -> list[Option]:
    return [option for option in options if option.when is None or option.when.holds(values)]


def notice_text(catalog: Catalog, lang: str, key: str, values: Mapping[str, Any]) -> list[str]:
    """A notice's lines; "type 1-1" reads oddly, so a single choice has its own wording where a locale has it."""
    if key == CHOICE and str(values.get("count")) == "1" and catalog.has(lang, CHOICE_ONE):
        key = CHOICE_ONE
    return catalog.render(lang, key, values).split("\n")


def view(menu: Menu, catalog: Catalog, state: SessionState) -> View:
    lang, values = state.lang, dict(state.vars)
    notice: list[str] = []
    at = 0
    if state.notice:
        key, extra, at = state.notice
        values.update(extra)
        notice = notice_text(catalog, lang, key, values)
    nav = (catalog.render(lang, NAV),)
    more = catalog.render(lang, MORE)
    if state.screen == PIN_SCREEN and menu.pin:
        lines = catalog.render(lang, menu.pin.prompt, values).split("\n")
        return View(paginate(lines, menu.limit, more, Footers(nav, nav, nav), notice, at), len(lines))
    if state.screen == RESUME_SCREEN:
        lines = catalog.render(lang, "engine.resume", values).split("\n")
        return View(paginate(lines, menu.limit, more, Footers(nav, (), ()), notice, at), len(lines))
    screen = menu.screens[state.screen]
    lines = catalog.render(lang, screen.text, values).split("\n") if screen.text else []
    text_count = len(lines)
    options = visible_options(screen.options, state.vars)
    lines.extend(f"{n}. {catalog.render(lang, o.label, values)}" for n, o in enumerate(options, 1))
    return View(paginate(lines, menu.limit, more, footers(menu, state, nav), notice, at), text_count)


def footers(menu: Menu, state: SessionState, nav: tuple[str, ...]) -> Footers:
    """Navigation on every page the caller can answer, but not on the home screen when it fits one page."""
    screen = menu.screens[state.screen]
    if screen.kind is Kind.END:
        return Footers(nav, (), ())
    if screen.id == state.home and not state.history:
        return Footers(nav, (), nav)
    return Footers(nav, nav, nav)


def page_count(menu: Menu, catalog: Catalog, state: SessionState) -> int:
    return len(view(menu, catalog, state).pages)


def show(menu: Menu, catalog: Catalog, state: SessionState, notice: Notice | None = None) -> tuple[str, bool]:
    """The current page and whether it ends the session. Sets `state.page` (and `state.notice`): a notice
    opens the page the caller is on, and paging keeps it until they leave the screen."""
    if notice is not None:
        current = view(menu, catalog, state).paged
        at = current.spans[min(state.page, len(current.pages) - 1)][0]
        state.notice = [notice[0], dict(notice[1]), at]
        state.page = view(menu, catalog, state).paged.page_starting(at)
    pages = view(menu, catalog, state).pages
    page = state.page = min(state.page, len(pages) - 1)
    screen = menu.screens.get(state.screen)
    return pages[page], screen is not None and screen.kind is Kind.END and page == len(pages) - 1
