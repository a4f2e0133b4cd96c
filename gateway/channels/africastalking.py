"""Africa's Talking: form fields in, `CON `/`END ` text out; `text` carries every input joined by '*'."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.channels.hop import BadHop, Hop, InputStyle, check_fields
from gateway.phones import UnusableNumber, normalize_msisdn

REQUIRED = ("sessionId", "serviceCode", "phoneNumber")


def parse(form: Mapping[str, str]) -> Hop:
    missing = [name for name in REQUIRED if not (form.get(name) or "").strip()]
    if missing:
        raise BadHop("engine.bad_request", f"missing {', '.join(missing)}")
    session_id, service_code = form["sessionId"].strip(), form["serviceCode"].strip()
    phone, text = form["phoneNumber"], form.get("text") or ""
    check_fields(session_id, service_code, phone, text)
    try:
        msisdn = normalize_msisdn(phone)
    except UnusableNumber as exc:
        raise BadHop("engine.bad_number", str(exc)) from exc
    return Hop(session_id=session_id, msisdn=msisdn, service_code=service_code, style=InputStyle.CUMULATIVE, text=text)


def render(text: str, end: bool) -> str:
    return f"{'END' if end else 'CON'} {text}"
