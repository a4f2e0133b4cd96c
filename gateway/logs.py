"""Logging set-up with a last line of defence: phone numbers and credentials are masked in every line.

The mask applies to the whole formatted record, tracebacks included: a database error's message can
carry the statement's parameters, phone numbers among them. It masks:

- phone numbers of any country: `+6281220150101` -> `+62812****0101`, `081220150101` -> `0812****0101`,
  `+14155550123` -> `+141****0123`, also written with spaces or dashes (`+62 812-2015-0101`);
- credentials in query strings and headers (`password=`, `credential=`, `X-Aggregator-Credential:`);
- the configured secrets themselves (`hide_values`, called by `gateway.safety.check_start`).

gunicorn.conf.py applies the same mask to gunicorn's own error and access logs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "****"
MIN_HIDDEN_CHARS = 6
"""Shorter configured values are not hidden literally (they would mask ordinary words)."""

_INDONESIAN = re.compile(r"(?<![\w*])(\+?62|0)(8\d{2})\d{3,6}(\d{4})(?![\w*])")
_ANY_NUMBER = re.compile(r"(?<![\w*])(\+\d{3}|\d{3})\d{1,8}(\d{4})(?![\w*])")
"""8 to 15 digits standing alone, with or without `+`: any country's number (and some other long numbers)."""
_SPACED = re.compile(r"(?<![\w*+])(?:\+|0)\d{1,4}(?:[ -]\d{2,5}){2,4}(?![\w*])")
_SECRET_PARAM = re.compile(
    r"(?i)\b(password|passwd|credential|auth_?token|secret|pin|X-Aggregator-Credential)(=|:\s*|%3D)([^&\s\"',;]+)"
)
_hidden: set[str] = set()
"""Process-wide, like the logging configuration itself: every handler masks the same values."""


def hide_values(values: Iterable[str]) -> None:
    """Mask these exact values (credentials, keys) wherever they appear in a log line."""
    _hidden.update(value for value in values if value and len(value) >= MIN_HIDDEN_CHARS)


def mask_phones(text: str) -> str:
    text = _SPACED.sub(_mask_spaced, text)
    text = _INDONESIAN.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}{m.group(3)}", text)
    return _ANY_NUMBER.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2)}", text)


def mask_secrets(text: str) -> str:
    for value in sorted(_hidden, key=len, reverse=True):
        text = text.replace(value, MASK)
    return _SECRET_PARAM.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)


def mask(text: str) -> str:
    """Everything a log line must not show, masked."""
    return mask_phones(mask_secrets(text))


def _mask_spaced(found: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", found.group())
    if len(digits) < 9:
        return found.group()
    lead = "+" if found.group().startswith("+") else ""
    return mask_phones(lead + digits)


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


class MaskingFilter(logging.Filter):
    """For handlers whose formatter is not ours (gunicorn's): masks the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let the handler report it as it would
            return True
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


def configure(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(isinstance(h.formatter, MaskingFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(MaskingFormatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
