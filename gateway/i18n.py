"""Message catalogues from `locales/<lang>.yaml`, rendered with values formatted for the language."""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from gateway.money import Money
from gateway.yamlsource import LineMap, YamlError, display_path, read_yaml

DEFAULT_LANG = "id"
_BABEL_LOCALES = {"id": "id_ID", "en": "en_GB"}
_FORMATTER = string.Formatter()


FORMAT_CACHE_SIZE = 4096
"""Formatted amounts and days kept per process: babel takes ~20 us a value, and a screen shows the same ones
on every hop (a balance, today's date)."""


@functools.lru_cache(maxsize=FORMAT_CACHE_SIZE)
def format_money(amount: int, lang: str) -> str:
    sign = "-" if amount < 0 else ""
    digits = format_decimal(abs(int(amount)), locale=_BABEL_LOCALES.get(lang, "id_ID"), group_separator=True)
    return f"{sign}Rp{digits}"


@functools.lru_cache(maxsize=FORMAT_CACHE_SIZE)
def format_day(day: date, lang: str) -> str:
    return format_date(day, "d MMM y", locale=_BABEL_LOCALES.get(lang, "id_ID"))


def format_value(value: Any, lang: str) -> str:
    if isinstance(value, Money):
        return format_money(value, lang)
    if isinstance(value, datetime):
        return format_day(value.date(), lang)
    if isinstance(value, date):
        return format_day(value, lang)
    if isinstance(value, Decimal):  # a rate: 1,25 in Indonesian, 1.25 in English
        return format_decimal(value, locale=_BABEL_LOCALES.get(lang, "id_ID"), group_separator=False)
    if value is None:
        return ""
    return str(value)


@dataclass(frozen=True)
class Template:
    """A locale string split once into literal text and `{placeholder}` names."""

    parts: tuple[tuple[str, str | None], ...]
    line: int
    source: str = ""

    @classmethod
    def parse(cls, text: str, line: int, source: str = "") -> Template:
        parts = tuple((literal, name) for literal, name, _spec, _conv in _FORMATTER.parse(text))
        return cls(parts, line, source)

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(name for _literal, name in self.parts if name)

    def render(self, values: Mapping[str, Any], lang: str) -> str:
        out: list[str] = []
        for literal, name in self.parts:
            out.append(literal)
            if name:
                out.append(format_value(values.get(name), lang))
        return "".join(out)


@dataclass(frozen=True)
class Catalog:
    templates: Mapping[str, Mapping[str, Template]]
    sources: Mapping[str, str] = field(default_factory=dict)
    default_lang: str = DEFAULT_LANG

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.templates)

    def has(self, lang: str, key: str) -> bool:
        return key in self.templates.get(lang, {})

    def template(self, lang: str, key: str) -> Template:
        table = self.templates.get(lang) or self.templates[self.default_lang]
        found = table.get(key) or self.templates[self.default_lang].get(key)
        if found is None:
            raise KeyError(f"no text '{key}' in any locale")
        return found

    def render(self, lang: str, key: str, values: Mapping[str, Any] | None = None) -> str:
        return self.template(lang, key).render(values or {}, lang)


def _flatten(node: LineMap, prefix: str, out: dict[str, Template], source: str, problems: list[str]) -> None:
    for key, value in node.items():
        full = f"{prefix}{key}"
        line = node.line_of(key)
        if isinstance(value, LineMap):
            _flatten(value, f"{full}.", out, source, problems)
        elif isinstance(value, str):
            try:
                out[full] = Template.parse(value, line, source)
            except ValueError as exc:
                problems.append(
                    f"{source}:{line}: text '{full}' has a broken placeholder ({exc}); "
                    "write placeholders as {name}, and a literal brace as {{ or }}"
                )
        else:
            problems.append(f"{source}:{line}: '{full}' must be text in quotes, not {type(value).__name__}")


def read_catalog_text(text: str, source_name: str) -> tuple[dict[str, Template], list[str]]:
    problems: list[str] = []
    try:
        data = read_yaml(text, source_name)
    except YamlError as exc:
        return {}, [f"{source_name}:{exc.line}: {exc.message}"]
    if not isinstance(data, LineMap):
        return {}, [f"{source_name}:1: a locale file must be a mapping of keys to texts"]
    out: dict[str, Template] = {}
    _flatten(data, "", out, source_name, problems)
    return out, problems


def load_catalog(directory: Path, default_lang: str = DEFAULT_LANG) -> tuple[Catalog, list[str]]:
    """`<lang>.yaml` and its parts `<lang>.<part>.yaml` in `directory`, default language first.

    Returns the problems found too; a key defined in two parts of one language is one of them.
    """
    files = [(path.name, display_path(path), path.read_text(encoding="utf-8")) for path in directory.glob("*.yaml")]
    return build_catalog(files, display_path(directory), default_lang)


def build_catalog(
    files: Iterable[tuple[str, str, str]], folder: str, default_lang: str = DEFAULT_LANG
) -> tuple[Catalog, list[str]]:
    """The catalogue from `(file name, source name, text)` triples (a folder's files, or a stored release's)."""
    templates: dict[str, dict[str, Template]] = {}
    sources: dict[str, str] = {}
    problems: list[str] = []
    for name, source, text in sorted(files, key=lambda f: (f[0].split(".")[0] != default_lang, f[0])):
        lang = name.split(".")[0]
        table, found = read_catalog_text(text, source)
        merged = templates.setdefault(lang, {})
        for key, template in table.items():
            if key in merged:
                found.append(f"{source}:{template.line}: '{key}' is already defined at {merged[key].where}")
            merged[key] = template
        sources.setdefault(lang, f"{folder}/{lang}.yaml")
        problems.extend(found)
    if default_lang not in templates:
        problems.append(f"{folder}/{default_lang}.yaml:1: the default language's file is missing")
        templates.setdefault(default_lang, {})
    return Catalog(templates, sources, default_lang), problems
