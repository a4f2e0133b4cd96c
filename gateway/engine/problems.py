"""Problems found in operator files: each names the file, the line, what is wrong and the fix.

Every check of an operator file (menus, texts, products, SMS keywords, reminder policy) returns these.
An `error` stops `jembatan menus check`, `menus publish` and the app's start; a `warning` is advice
(the file still works, e.g. a missing translation that falls back to the default language).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

_LOCATED = re.compile(r"^(?P<source>.+?):(?P<line>\d+): (?P<message>.*)$", re.DOTALL)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    source: str
    line: int
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @classmethod
    def parse(cls, text: str, severity: Severity = Severity.ERROR) -> Problem:
        """A `file:line: what — fix` line as a Problem (one naming no line is placed at line 1)."""
        found = _LOCATED.match(text)
        if found is None:
            source, _, message = text.partition(": ")
            return cls(source, 1, message, severity)
        return cls(found["source"], int(found["line"]), found["message"], severity)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.is_error]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if not problem.is_error]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
