"""Our JSON contract for aggregators that send only the newest input (as Hubtel and Infobip do).

Request:  {"sessionId": "abc", "msisdn": "+6281...", "serviceCode": "*123#", "sequence": 1, "input": ""}
Response: {"sessionId": "abc", "message": "...", "continue": true}
`sequence` starts at 1 for the dial and grows by one per input; a repeated sequence is a retry.
"""

from __future__ import annotations

from typing import Any

from gateway.channels.hop import BadHop, Hop, InputStyle, check_fields, is_clean_id
from gateway.phones import UnusableNumber, normalize_msisdn

MAX_SEQUENCE = 10_000


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def parse(body: Any) -> Hop:
    if not isinstance(body, dict):
        raise BadHop("engine.bad_request", "body must be a JSON object")
    session_id, msisdn, code = body.get("sessionId"), body.get("msisdn"), body.get("serviceCode")
    sequence, text = body.get("sequence"), body.get("input", "")
    if not (_filled(session_id) and _filled(msisdn) and _filled(code)):
        raise BadHop("engine.bad_request", "sessionId, msisdn and serviceCode must be non-empty strings")
    assert isinstance(session_id, str) and isinstance(msisdn, str) and isinstance(code, str)
    if isinstance(sequence, bool) or not isinstance(sequence, int) or not 1 <= sequence <= MAX_SEQUENCE:
        raise BadHop("engine.bad_request", "sequence must be a whole number from 1")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise BadHop("engine.bad_request", "input must be a string")
    session_id, code = session_id.strip(), code.strip()
    check_fields(session_id, code, msisdn, text)
    try:
        number = normalize_msisdn(msisdn)
    except UnusableNumber as exc:
        raise BadHop("engine.bad_number", str(exc)) from exc
    return Hop(
        session_id=session_id, msisdn=number, service_code=code, style=InputStyle.NEWEST, text=text, sequence=sequence
    )


def echo_id(body: Any) -> str:
    """The request's session id when it is safe to repeat in the reply, else ""."""
    raw = body.get("sessionId") if isinstance(body, dict) else None
    return raw.strip() if isinstance(raw, str) and is_clean_id(raw) else ""


def render(session_id: str, text: str, end: bool) -> dict[str, Any]:
    return {"sessionId": session_id, "message": text, "continue": not end}
