"""Africa's Talking: form fields in, `CON `/`END ` text out; `text` carries every input joined by '*'."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.channels.hop import MAX_ID_LENGTH, MAX_TEXT_LENGTH, BadHop, Hop, InputStyle
from gateway.phones import UnusableNumber, normalize_msisdn

REQUIRED = ("sessionId", "serviceCode", "phoneNumber")


def parse(form: Mapping[str, str]) -> Hop:
    missing = [name for name in REQUIRED if not (form.get(name) or "").strip()]
    if missing:
        raise BadHop("engine.bad_request", f"missing {', '.join(missing)}")
    session_id = form["sessionId"].strip()
    text = form.get("text") or ""
    if len(session_id) > MAX_ID_LENGTH or len(text) > MAX_TEXT_LENGTH:
        raise BadHop("engine.bad_request", "field too long")
    try:
        msisdn = normalize_msisdn(form["phoneNumber"])
    except UnusableNumber as exc:
        raise BadHop("engine.bad_number", str(exc)) from exc
    return Hop(
        session_id=session_id,
        msisdn=msisdn,
        service_code=form["serviceCode"].strip(),
        style=InputStyle.CUMULATIVE,
        text=text,
    )


def render(text: str, end: bool) -> str:
    return f"{'END' if end else 'CON'} {text}"
