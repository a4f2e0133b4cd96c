"""Opening a complaint (pengaduan), over USSD (a topic, then a short text or "call me") or by SMS
(`PENGADUAN <text>`). The ticket number and the answer deadline come back at once; on USSD the same
acknowledgement goes out by SMS (on SMS the reply is that SMS). The text is personal data: never logged.
"""

from __future__ import annotations

from gateway.complaints.records import Channel, ComplaintRequest, Topic
from gateway.engine.api import Result
from handlers._common import BankCall, as_int, guarded
from handlers.notices import sms_to_caller

USSD_TOPICS = (Topic.LOAN, Topic.COSTS, Topic.COLLECTION, Topic.SAVINGS, Topic.OTHER)
"""The numbered list on the USSD topic screen, in this order (locales complaints.ussd.topics)."""
CALL_ME = "1"
"""Typed instead of a text on USSD: "call me back" (input there is short)."""
USAGE = "usage"


def _topic(call: BankCall) -> Topic:
    if call.channel == Channel.SMS.value:
        return Topic.OTHER
    number = as_int(call.vars.get("complaint_topic"))
    return USSD_TOPICS[number - 1] if number is not None and 1 <= number <= len(USSD_TOPICS) else Topic.OTHER


@guarded
def open_complaint(call: BankCall) -> Result:
    """Categories: ok (ticket: the number, answer_due: a local day), usage (no text)."""
    text = " ".join(str(call.vars.get("complaint_text") or call.value or "").split())
    if not text:
        return Result(USAGE)
    call_back = call.channel != Channel.SMS.value and text == CALL_ME
    request = ComplaintRequest(
        msisdn=call.msisdn,
        topic=_topic(call),
        text="" if call_back else text,
        channel=Channel.SMS if call.channel == Channel.SMS.value else Channel.USSD,
        idempotency_key=f"complaint:{call.idempotency_key}",
        now=call.services.now(),
        call_back=call_back,
        lang=call.lang,
    )
    opened = call.services.bank.open_complaint(request)
    data = {"ticket": opened.reference, "answer_due": opened.answer_due}
    ack = sms_to_caller(call, f"complaint:{opened.reference}", "complaints.sms.ack", data, "complaint_ack")
    return Result("ok", data, effects=ack)
