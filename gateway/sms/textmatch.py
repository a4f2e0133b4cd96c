"""Text helpers for SMS keywords: folding, tokens with their positions, and edit distance."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A token is a run of letters or digits; `.` and `,` may join two runs (`1.500.000`, `1,5jt`, `Rp.5000`).
# Everything else (spaces, punctuation, emoji, `*`, `#`) separates tokens.
_TOKEN = re.compile(r"[^\W_]+(?:[.,][^\W_]+)*")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def folded(self) -> str:
        return fold(self.text)


def fold(word: str) -> str:
    """Upper case without accents or compatibility forms: `Saldo`, `ＳＡＬＤＯ`, `sáldo` -> `SALDO`."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def osa_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): insert, delete, substitute, swap."""
    if a == b:
        return 0
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def within_one_edit(a: str, b: str) -> bool:
    return abs(len(a) - len(b)) <= 1 and osa_distance(a, b) <= 1
