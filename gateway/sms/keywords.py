"""Read and check `menus/sms.yaml` into an immutable KeywordBook; every problem names its line."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from types import MappingProxyType
from typing import Any

from gateway.engine.problems import Problem
from gateway.sms.book import MIN_FUZZY_LENGTH, ArgKind, ArgSpec, Keyword, KeywordBook
from gateway.sms.textmatch import fold, tokenize, within_one_edit
from gateway.yamlsource import LineMap, OperatorFileError, ProblemLines, YamlError, display_path, read_yaml

KEYWORD_FIELDS = frozenset(
    {
        "word",
        "synonyms",
        "handler",
        "args",
        "requires_auth",
        "replies",
        "exact",
        "multi_segment",
        "preview",
        "open_to_all",
    }
)
EXACT_HANDLERS = frozenset({"sms.opt_out"})
"""Keywords with these handlers match only exactly, whatever the YAML says: an opt-out by typo is wrong."""
ARG_FIELDS = frozenset({"name", "kind", "optional", "choices"})
_HANDLER = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class KeywordError(OperatorFileError):
    pass


def read_keywords(text: str, source_name: str = "menus/sms.yaml") -> KeywordBook:
    """Parse keyword YAML; raises KeywordError listing every problem found."""
    book, problems = _read(text, source_name, known_handlers=None)
    if problems or book is None:
        raise KeywordError(problems)
    return book


def load_keywords(path: Path) -> KeywordBook:
    return read_keywords(path.read_text(encoding="utf-8"), display_path(path))


def check_keywords(path: Path, known_handlers: Collection[str] | None = None) -> list[Problem]:
    """Problems (all errors) for `jembatan menus check`; empty when all is well."""
    source = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return [Problem(source, 1, f"cannot read the file ({exc.strerror}) — check the path")]
    return [Problem.parse(line) for line in _read(text, source, known_handlers)[1]]


def _read(text: str, source: str, known_handlers: Collection[str] | None) -> tuple[KeywordBook | None, list[str]]:
    problems = ProblemLines(source)
    try:
        data = read_yaml(text, source)
    except YamlError as exc:
        problems.add(exc.line, exc.message, "fix the YAML syntax")
        return None, problems
    if not isinstance(data, LineMap) or not isinstance(data.get("keywords"), LineMap):
        line = data.line if isinstance(data, LineMap) else 1
        problems.add(line, "no 'keywords:' mapping", "add 'keywords:' with one entry per keyword")
        return None, problems
    table: LineMap = data["keywords"]
    keywords = [k for name, node in table.items() if (k := _keyword(name, node, table, problems))]
    _check_words(keywords, problems)
    named = [(k, h) for k in keywords for h in (k.handler, k.preview) if h and known_handlers is not None]
    for keyword, handler in [(k, h) for k, h in named if h not in (known_handlers or ())]:
        problems.add(
            keyword.line,
            f"handler '{handler}' is not registered",
            "use a name from handlers.REGISTRY (or an SMS system command, sms.*) or register the handler",
        )
    on_empty = _on_empty(data, table, keywords, problems)
    defaults = _default_replies(data, problems)
    if problems or on_empty is None:
        return None, problems
    return KeywordBook(tuple(keywords), on_empty, source, defaults), problems


def _keyword(name: str, node: Any, table: LineMap, problems: ProblemLines) -> Keyword | None:
    line = table.line_of(name)
    if not _NAME.match(name):
        problems.add(line, f"keyword id '{name}' is not snake_case", "use lower case letters, digits and _")
    if not isinstance(node, LineMap):
        problems.add(line, f"keyword '{name}' must be a mapping", "give it word, handler and replies")
        return None
    node.line = line  # a missing field is reported at the keyword's own line
    before = len(problems)
    for key in sorted(set(node) - KEYWORD_FIELDS):
        problems.add(
            node.line_of(key),
            f"unknown field '{key}' in keyword '{name}'",
            f"use only {', '.join(sorted(KEYWORD_FIELDS))}",
        )
    word = _word(node.get("word"), node.line_of("word"), f"keyword '{name}'", problems, required=True)
    synonyms = _synonyms(node, name, problems)
    handler = node.get("handler")
    if not isinstance(handler, str) or not _HANDLER.match(handler):
        problems.add(
            node.line_of("handler"),
            f"keyword '{name}' needs 'handler: module.function'",
            "name the handler as in handlers.REGISTRY, e.g. savings.balance",
        )
    flags = {flag: _flag(node, flag, problems) for flag in ("requires_auth", "exact", "multi_segment", "open_to_all")}
    if flags["open_to_all"] and flags["requires_auth"]:
        problems.add(
            node.line_of("open_to_all"),
            f"keyword '{name}' is open to all but requires a code",
            "a keyword that shows money or moves it is not open_to_all",
        )
    args = _args(node, name, problems)
    replies = _replies(node, name, bool(args), problems)
    if len(problems) > before or word is None:
        return None
    exact = flags["exact"] or handler in EXACT_HANDLERS
    preview = _preview(node, name, flags["requires_auth"], replies, problems)
    auth, multi = flags["requires_auth"], flags["multi_segment"]
    return Keyword(
        name, word, synonyms, str(handler), args, auth, replies, line, exact, multi, preview, flags["open_to_all"]
    )


def _preview(node: LineMap, name: str, requires_auth: bool, replies: Any, problems: ProblemLines) -> str:
    preview = node.get("preview", "")
    if preview and (not isinstance(preview, str) or not _HANDLER.match(preview)):
        problems.add(node.line_of("preview"), f"keyword '{name}': 'preview' must name a handler", "e.g. loans.offer")
    elif preview and (not requires_auth or "preview" not in replies):
        problems.add(
            node.line_of("preview"),
            f"keyword '{name}': a preview comes with the one-time code",
            "set requires_auth: true and add replies: {preview: <locale key with {code}>}",
        )
    return str(preview or "")


def _flag(node: LineMap, flag: str, problems: ProblemLines) -> bool:
    value = node.get(flag, False)
    if not isinstance(value, bool):
        problems.add(node.line_of(flag), f"'{flag}' must be true or false", "write true or false")
    return value is True


def _word(value: Any, line: int, where: str, problems: ProblemLines, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            problems.add(line, f"{where} has no word", "add word: followed by one word, e.g. SALDO")
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    tokens = tokenize(value) if isinstance(value, str) else []
    if len(tokens) != 1 or tokens[0].text != value.strip():
        problems.add(
            line,
            f"{where} needs one word of letters or digits, not {value!r}",
            "write a single word without spaces or punctuation, e.g. SALDO",
        )
        return None
    return fold(tokens[0].text)


def _synonyms(node: LineMap, name: str, problems: ProblemLines) -> tuple[str, ...]:
    raw = node.get("synonyms", [])
    line = node.line_of("synonyms")
    if not isinstance(raw, list):
        problems.add(line, f"'synonyms' of '{name}' must be a list", "write synonyms: [WORD, WORD]")
        return ()
    words = (_word(item, line, f"a synonym of '{name}'", problems, required=True) for item in raw)
    return tuple(word for word in words if word)


def _args(node: LineMap, name: str, problems: ProblemLines) -> tuple[ArgSpec, ...]:
    raw = node.get("args", [])
    line = node.line_of("args")
    if not isinstance(raw, list):
        problems.add(line, f"'args' of '{name}' must be a list", "write args: [{name: amount, kind: amount}]")
        return ()
    specs: list[ArgSpec] = []
    for item in raw:
        spec = _arg(item, line, name, problems)
        if spec and specs and specs[-1].optional and not spec.optional:
            problems.add(
                line,
                f"required argument '{spec.name}' follows an optional one in '{name}'",
                "put optional arguments last",
            )
        if spec:
            specs.append(spec)
    return tuple(specs)


def _arg(item: Any, line: int, name: str, problems: ProblemLines) -> ArgSpec | None:
    if not isinstance(item, LineMap) or not isinstance(item.get("name"), str):
        problems.add(line, f"an argument of '{name}' has no name", "write {name: amount, kind: amount}")
        return None
    line = item.line
    for key in sorted(set(item) - ARG_FIELDS):
        problems.add(
            item.line_of(key),
            f"unknown field '{key}' in an argument of '{name}'",
            f"use only {', '.join(sorted(ARG_FIELDS))}",
        )
    kinds = ", ".join(kind.value for kind in ArgKind)
    try:
        kind = ArgKind(item.get("kind"))
    except ValueError:
        problems.add(
            item.line_of("kind"), f"unknown argument kind {item.get('kind')!r} in '{name}'", f"use one of: {kinds}"
        )
        return None
    optional = item.get("optional", False)
    if not isinstance(optional, bool):
        problems.add(item.line_of("optional"), "'optional' must be true or false", "write true or false")
    choices = _choices(item, name, problems) if kind is ArgKind.CHOICE else {}
    if kind is not ArgKind.CHOICE and "choices" in item:
        problems.add(
            item.line_of("choices"),
            f"'choices' only applies to kind choice in '{name}'",
            "remove 'choices' or use kind: choice",
        )
    return ArgSpec(item["name"], kind, optional is True, MappingProxyType(choices))


def _choices(item: LineMap, name: str, problems: ProblemLines) -> dict[str, str]:
    raw = item.get("choices")
    line = item.line_of("choices")
    if not isinstance(raw, LineMap) or not raw:
        problems.add(
            line,
            f"a choice argument of '{name}' needs 'choices'",
            "write choices: {EN: [EN, ENGLISH], ID: [ID, INDONESIA]}",
        )
        return {}
    aliases: dict[str, str] = {}
    for value, words in raw.items():
        listed = words if isinstance(words, list) else [value]
        for word in (w for w in (_word(x, raw.line_of(value), f"choice '{value}'", problems) for x in listed) if w):
            if aliases.setdefault(word, str(value)) != str(value):
                problems.add(
                    raw.line_of(value),
                    f"'{word}' stands for two choices in '{name}'",
                    "keep each word under one choice",
                )
    return aliases


def _replies(node: LineMap, name: str, has_args: bool, problems: ProblemLines) -> MappingProxyType[str, str]:
    raw = node.get("replies")
    line = node.line_of("replies")
    if not isinstance(raw, LineMap) or not all(isinstance(v, str) for v in raw.values()):
        problems.add(
            line,
            f"keyword '{name}' needs 'replies' mapping results to locale keys",
            "write replies: {ok: sms.<name>.ok}",
        )
        return MappingProxyType({})
    if "ok" not in raw:
        problems.add(line, f"keyword '{name}' has no 'ok' reply", "add ok: <locale key>")
    if has_args and "usage" not in raw:
        problems.add(
            line,
            f"keyword '{name}' takes arguments but has no 'usage' reply",
            "add usage: <locale key> explaining how to type it",
        )
    return MappingProxyType(dict(raw))


def _default_replies(data: LineMap, problems: ProblemLines) -> MappingProxyType[str, str]:
    """Top-level `replies:`: the locale key for a result category no keyword lists (`error: sms.error`)."""
    raw = data.get("replies") or {}
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and _NAME.match(k) and isinstance(v, str) for k, v in raw.items()
    ):
        problems.add(
            data.line_of("replies"),
            "top-level 'replies' must map result categories to locale keys",
            "write replies: {error: sms.error}",
        )
        return MappingProxyType({})
    return MappingProxyType(dict(raw))


def _check_words(keywords: list[Keyword], problems: ProblemLines) -> None:
    owner: dict[str, Keyword] = {}
    for keyword in keywords:
        for word in keyword.words:
            first = owner.setdefault(word, keyword)
            if first is not keyword or keyword.words.count(word) > 1:
                where = "twice" if first is keyword else f"in '{first.name}' and '{keyword.name}'"
                problems.add(keyword.line, f"the word {word} is listed {where}", "keep each word in one place")
    reported: set[frozenset[str]] = set()
    for keyword in keywords:
        for word in keyword.words:
            for other, other_kw in owner.items():
                pair = frozenset({word, other})
                if (
                    other_kw is not keyword
                    and word != other
                    and pair not in reported
                    and min(len(word), len(other)) >= MIN_FUZZY_LENGTH
                    and within_one_edit(word, other)
                ):
                    reported.add(pair)
                    problems.add(
                        keyword.line,
                        f"{word} ('{keyword.name}') is one typo away from {other} "
                        f"('{other_kw.name}'), so a typo in either is ambiguous",
                        "drop or change one of the two words",
                    )


def _on_empty(data: LineMap, table: LineMap, keywords: list[Keyword], problems: ProblemLines) -> Keyword | None:
    name = data.get("on_empty")
    found = next((k for k in keywords if k.name == name), None)
    if not isinstance(name, str) or name not in table:
        problems.add(
            data.line_of("on_empty"),
            f"'on_empty' names no keyword ({name!r})",
            "set on_empty to the id of the help keyword, e.g. bantuan",
        )
    return found
