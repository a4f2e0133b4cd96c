"""Logging set-up with a last line of defence: anything that looks like a phone number is masked."""

from __future__ import annotations

import logging
import re

_PHONE = re.compile(r"(\+?62|0)(8\d{2})\d{3,6}(\d{4})")


class MaskPhones(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _PHONE.sub(lambda m: f"{m.group(1)}{m.group(2)}****{m.group(3)}", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(isinstance(f, MaskPhones) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskPhones())
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
