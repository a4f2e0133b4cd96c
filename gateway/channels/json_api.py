"""Our JSON contract for aggregators that send only the newest input (as Hubtel and Infobip do).

Request:  {"sessionId": "abc", "msisdn": "+6281...", "serviceCode": "*123#", "sequence": 1, "input": ""}
Response: {"sessionId": "abc", "message": "...", "continue": true}
`sequence` starts at 1 for the dial and grows by one per input; a repeated sequence is a retry.
"""

from __future__ import annotations

from typing import Any

from gateway.channels.hop import MAX_ID_LENGTH, MAX_TEXT_LENGTH, BadHop, Hop, InputStyle
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
    if not isinstance(text, str) or len(text) > MAX_TEXT_LENGTH or len(session_id) > MAX_ID_LENGTH:
        raise BadHop("engine.bad_request", "input must be a short string")
    try:
        number = normalize_msisdn(msisdn)
    except UnusableNumber as exc:
        raise BadHop("engine.bad_number", str(exc)) from exc
    return Hop(
        session_id=session_id.strip(),
        msisdn=number,
        service_code=code.strip(),
        style=InputStyle.NEWEST,
        text=text,
        sequence=sequence,
    )


def render(session_id: str, text: str, end: bool) -> dict[str, Any]:
    return {"sessionId": session_id, "message": text, "continue": not end}
