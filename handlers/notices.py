"""SMS a handler asks the host to send once the hop is saved (effects after commit, gateway/effects.py)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from gateway.engine.api import Call, Effect

BANK_NAME = "sms.bank"
log = logging.getLogger("handlers")


def sms_to_caller(
    call: Call[Any], key: str, text_key: str, values: Mapping[str, Any], purpose: str
) -> tuple[Effect, ...]:
    """One SMS to the caller, keyed so it is sent once. None on the SMS channel, where the reply is the
    message, and none when the catalog lacks the text (an operator's locales without it): the money moved."""
    if call.channel == "sms":
        return ()
    try:
        body = call.services.text(text_key, {"bank": call.services.text(BANK_NAME), **values})
    except KeyError:
        log.warning("no %s SMS: the catalog lacks %s or %s", purpose, text_key, BANK_NAME)
        return ()
    return (Effect("sms", {"key": key, "body": body, "purpose": purpose}),)
