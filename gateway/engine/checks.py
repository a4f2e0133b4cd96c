"""Whole-menu checks after reading: the graph, the texts in every locale, handlers, worst-case length."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gateway.engine.model import Kind, Menu, Screen
from gateway.engine.page_checks import check_option_labels
from gateway.engine.problems import Problem, did_you_mean
from gateway.gsm7 import non_gsm7_characters
from gateway.i18n import Catalog, Template

ENGINE_TEXTS = (
    "engine.nav",
    "engine.more",
    "engine.error",
    "engine.resume",
    "engine.invalid.choice",
    "engine.invalid.number",
    "engine.invalid.range",
    "engine.invalid.amount",
    "engine.invalid.amount_range",
    "engine.invalid.format",
    "engine.invalid.text",
    "engine.invalid.date",
    "engine.invalid.pin",
    "engine.invalid.weak_pin",
    "engine.invalid.pin_mismatch",
)
OPTIONAL_ENGINE_TEXTS = ("engine.invalid.choice_one",)
"""Engine texts a locale may have; where the default language has one, every language must."""
DEFAULT_PLACEHOLDER_WIDTH = 20

NAV_ALLOWANCE_LINES = 2


def targets(screen: Screen) -> Iterator[tuple[str, int, str]]:
    """(target screen, line, what points there) for every exit of a screen."""
    for option in screen.options:
        yield option.next, option.line, "option 'next'"
    if screen.next:
        yield screen.next, screen.line, "'next'"
    for category, outcome in screen.on.items():
        if outcome.next:
            yield outcome.next, screen.line, f"'on.{category}'"
    for route in screen.routes:
        yield route.next, route.line, "route 'next'"


def check_graph(menu: Menu) -> list[Problem]:
    """Hard errors of the screen graph: exits to unknown screens, unreachable screens, dead ends."""
    screens = menu.screens
    if menu.start not in screens:
        first = next(iter(screens.values()), None)
        unknown = f"start screen '{menu.start}' does not exist{did_you_mean(menu.start, screens)}"
        return [Problem(first.source if first else "<menu>", 1, unknown)]
    return _dangling_exits(menu) + _unreachable_or_dead_ends(menu)


def _dangling_exits(menu: Menu) -> list[Problem]:
    screens = menu.screens
    problems = [
        Problem(
            screen.source,
            line,
            f"screen '{screen.id}': {what} goes to unknown screen '{target}'{did_you_mean(target, screens)}",
        )
        for screen in screens.values()
        for target, line, what in targets(screen)
        if target not in screens
    ]
    if menu.pin:
        problems.extend(
            Problem(menu.sources[0], menu.pin.line, f"pin: 'on.{category}' goes to unknown screen '{target}'")
            for category, target in menu.pin.on.items()
            if target not in screens
        )
    return problems


def _unreachable_or_dead_ends(menu: Menu) -> list[Problem]:
    screens = menu.screens
    reachable = _walk(screens, [menu.start, *(menu.pin.on.values() if menu.pin else ())])
    ending = _reaches_end(screens)
    problems = [
        Problem(
            screen.source,
            screen.line,
            f"screen '{screen.id}' cannot be reached from '{menu.start}'; link it from a menu or remove it",
        )
        for screen in screens.values()
        if screen.id not in reachable
    ]
    problems.extend(
        Problem(
            screen.source, screen.line, f"screen '{screen.id}' is a dead end: no path from it leads to an 'end' screen"
        )
        for screen in screens.values()
        if screen.id in reachable and screen.id not in ending
    )
    return problems


def _walk(screens: Mapping[str, Screen], roots: list[str]) -> set[str]:
    seen: set[str] = set()
    todo = [root for root in roots if root in screens]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(target for target, _line, _what in targets(screens[current]) if target in screens)
    return seen


def _reaches_end(screens: Mapping[str, Screen]) -> set[str]:
    ending = {screen.id for screen in screens.values() if screen.kind is Kind.END}
    changed = True
    while changed:
        changed = False
        for screen in screens.values():
            if screen.id not in ending and any(t in ending for t, _l, _w in targets(screen)):
                ending.add(screen.id)
                changed = True
    return ending


def used_texts(menu: Menu) -> Iterator[tuple[str, Screen | None, int]]:
    """(text key, screen, line) for every text the menu can show."""
    for screen in menu.screens.values():
        if screen.text:
            yield screen.text, screen, screen.line
        if screen.error_text:
            yield screen.error_text, screen, screen.line
        for option in screen.options:
            yield option.label, screen, option.line
        for outcome in screen.on.values():
            for key in (outcome.retry_text, outcome.notice):
                if key:
                    yield key, screen, screen.line
    if menu.pin:
        yield menu.pin.prompt, None, menu.pin.line
        yield menu.pin.wrong, None, menu.pin.line
    for key in ENGINE_TEXTS:
        yield key, None, 1


def _engine_texts(catalog: Catalog) -> Iterator[tuple[str, Screen | None, int]]:
    for key in OPTIONAL_ENGINE_TEXTS:
        if catalog.has(catalog.default_lang, key):
            yield key, None, 1


def check_texts(menu: Menu, catalog: Catalog) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    default = catalog.default_lang
    for key, screen, line in [*used_texts(menu), *_engine_texts(catalog)]:
        if key in seen:
            continue
        seen.add(key)
        source = screen.source if screen else menu.sources[0]
        if not catalog.has(default, key):
            problems.append(
                Problem(
                    source,
                    line,
                    f"text '{key}' is missing from {catalog.sources.get(default)}; "
                    f"add it there and in every other locale",
                )
            )
            continue
        base = catalog.template(default, key)
        for lang in catalog.languages:
            problems.extend(_compare(catalog, lang, key, base, source, line))
    return problems


def _compare(catalog: Catalog, lang: str, key: str, base: Template, source: str, line: int) -> list[Problem]:
    if not catalog.has(lang, key):
        return [Problem(source, line, f"text '{key}' is missing from {catalog.sources.get(lang, lang)}; add it")]
    template = catalog.templates[lang][key]
    file = template.source
    problems = []
    lacks, adds = base.placeholders - template.placeholders, template.placeholders - base.placeholders
    if lacks:
        problems.append(
            Problem(
                file,
                template.line,
                f"'{key}' lacks placeholder(s) {_names(lacks)} that {base.where} uses; add them",
            )
        )
    if adds:
        problems.append(
            Problem(
                file,
                template.line,
                f"'{key}' uses placeholder(s) {_names(adds)} that the "
                "handler does not provide; remove them or add them to every locale",
            )
        )
    bad = non_gsm7_characters("".join(literal for literal, _name in template.parts))
    if bad:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in bad)
        problems.append(
            Problem(
                file,
                template.line,
                f"'{key}' has character(s) outside GSM-7: {shown}; many "
                "feature phones cannot show them. Use plain letters, ' and \" instead",
            )
        )
    return problems


def _names(names: frozenset[str]) -> str:
    return ", ".join("{" + name + "}" for name in sorted(names))


def worst_case(template: Template, widths: Mapping[str, int]) -> list[str]:
    filler: dict[str, Any] = {name: "W" * widths.get(name, DEFAULT_PLACEHOLDER_WIDTH) for name in template.placeholders}
    return template.render(filler, "id").split("\n")


def check_lengths(menu: Menu, catalog: Catalog) -> list[Problem]:
    """Every line of every text must fit one page beside the navigation lines, with worst-case values."""
    problems: list[Problem] = []
    nav = max(len(catalog.render(lang, "engine.nav")) for lang in catalog.languages)
    more = max(len(catalog.render(lang, "engine.more")) for lang in catalog.languages)
    room = menu.limit - nav - more - NAV_ALLOWANCE_LINES
    for key, _screen, _line in used_texts(menu):
        for lang in catalog.languages:
            if not catalog.has(lang, key):
                continue
            template = catalog.templates[lang][key]
            for text in worst_case(template, menu.placeholder_widths):
                if len(text) > room:
                    problems.append(
                        Problem(
                            template.source,
                            template.line,
                            f"'{key}' has a line of {len(text)} characters with the widest values; "
                            f"a screen has room for {room} beside its navigation. Shorten it or "
                            "break it into lines",
                        )
                    )
                    break
    return problems


def check_handlers(menu: Menu, registry: Mapping[str, object]) -> list[Problem]:
    problems = []
    for screen in menu.screens.values():
        if screen.handler and screen.handler not in registry:
            problems.append(
                Problem(
                    screen.source,
                    screen.line,
                    f"screen '{screen.id}': handler '{screen.handler}' "
                    f"is not in handlers.REGISTRY{did_you_mean(screen.handler, registry)}",
                )
            )
    if menu.pin and menu.pin.handler not in registry:
        problems.append(
            Problem(menu.sources[0], menu.pin.line, f"pin: handler '{menu.pin.handler}' is not in handlers.REGISTRY")
        )
    return problems


def check_menu(menu: Menu, catalog: Catalog, registry: Mapping[str, object]) -> list[Problem]:
    problems = check_graph(menu) + check_handlers(menu, registry) + check_texts(menu, catalog)
    problems += check_option_labels(menu, catalog)
    if not problems:
        problems = check_lengths(menu, catalog)
    return sorted(set(problems))
