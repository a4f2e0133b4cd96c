"""Safe YAML reading that remembers where each mapping key stands in its file.

Operators hand-edit these files, so every error must name a line. YAML 1.1 turns `yes`, `no`,
`on` and `off` into booleans; here they stay strings (only `true` and `false` are booleans).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class LineMap(dict[str, Any]):
    """A mapping read from YAML; `line` is where it starts, `lines[key]` where each key stands."""

    line: int
    lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    pass


_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise YamlError(f"duplicate key '{key}'", key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class YamlError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def read_yaml(text: str, source_name: str = "<text>") -> Any:
    """Parse operator YAML; raises YamlError with the line of the first syntax problem."""
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader derives from SafeLoader
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(f"YAML syntax: {exc.problem or exc.context}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML syntax: {exc}", 1) from exc


class OperatorFileError(ValueError):
    """An operator file with problems; the message is one `file:line: problem` per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def display_path(path: Path) -> str:
    """How errors name an operator file: relative to where the command runs, when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class ProblemLines(list[str]):
    """Problems found while reading one operator file, each `source:line: problem — fix`."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def add(self, line: int, problem: str, fix: str) -> None:
        self.append(f"{self.source}:{line}: {problem} — {fix}")

    def unknown_keys(self, node: LineMap, allowed: tuple[str, ...], where: str) -> None:
        for key in node:
            if key not in allowed:
                self.add(node.line_of(key), f"{where} has unknown key '{key}'", f"use one of {', '.join(allowed)}")
