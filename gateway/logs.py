"""Logging set-up with a last line of defence: anything that looks like a phone number is masked.

The mask applies to the whole formatted record, tracebacks included: a database error's message can
carry the statement's parameters, phone numbers among them.
"""

from __future__ import annotations

import logging
import re

_PHONE = re.compile(r"(\+?62|0)(8\d{2})\d{3,6}(\d{4})")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def mask_phones(text: str) -> str:
    return _PHONE.sub(lambda m: f"{m.group(1)}{m.group(2)}****{m.group(3)}", text)


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_phones(super().format(record))


def configure(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(isinstance(h.formatter, MaskingFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(MaskingFormatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
