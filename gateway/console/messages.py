"""The message log page: inbound and outbound SMS with masked numbers, keyword or purpose, status, the
provider's error code and the attempts; filtered by day, status and keyword.

No code or PIN reaches the page: every standalone run of 4 to 8 digits in a body is masked (inbound
bodies are scrubbed at rest already; an outbound confirmation may still hold its code while pending).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.console import bp
from gateway.console.access import db, requires
from gateway.console.audit_views import day_range
from gateway.phones import mask_msisdn
from gateway.sms.outbox import SECRET_MASK
from gateway.storage.sms_tables import InboundMessageRow, OutboxRow, OutboxStatus

PAGE_SIZE = 200
CODE_LIKE = re.compile(r"(?<![0-9])[0-9]{4,8}(?![0-9])")
FILTER = re.compile(r"[a-z0-9_ -]{0,40}")
IN, OUT = "in", "out"


@dataclass(frozen=True)
class LogLine:
    at: datetime
    direction: str
    number: str
    keyword: str
    status: str
    error_code: str
    attempts: int | None
    body: str


def safe_body(body: str) -> str:
    return CODE_LIKE.sub(SECRET_MASK, body)


def _filter(name: str) -> str:
    value = (request.args.get(name) or "").strip().lower()
    if not FILTER.fullmatch(value):
        abort(400)
    return value


def outbound(
    session: Session, since: datetime | None, until: datetime | None, status: str, keyword: str
) -> list[LogLine]:
    query = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(PAGE_SIZE)
    if since is not None and until is not None:
        query = query.where(OutboxRow.created_at >= since, OutboxRow.created_at < until)
    if status:
        query = query.where(OutboxRow.status == status)
    if keyword:
        query = query.where(OutboxRow.purpose == keyword)
    return [
        LogLine(row.created_at, OUT, mask_msisdn(row.to_msisdn), row.purpose, row.status, row.error_code or "",
                row.attempts, safe_body(row.body))
        for row in session.scalars(query)
    ]  # fmt: skip


def inbound(
    session: Session, since: datetime | None, until: datetime | None, status: str, keyword: str
) -> list[LogLine]:
    query = select(InboundMessageRow).order_by(InboundMessageRow.id.desc()).limit(PAGE_SIZE)
    if since is not None and until is not None:
        query = query.where(InboundMessageRow.received_at >= since, InboundMessageRow.received_at < until)
    if status:
        query = query.where(InboundMessageRow.outcome == status)
    if keyword:
        query = query.where(InboundMessageRow.keyword == keyword.upper())
    return [
        LogLine(row.received_at, IN, mask_msisdn(row.from_msisdn), row.keyword, row.outcome, "", None,
                safe_body(row.body))
        for row in session.scalars(query)
    ]  # fmt: skip


@bp.route("/messages")
@requires("messages")
def messages() -> str:
    since, until, day = day_range(request.args.get("day"))
    status, keyword, direction = _filter("status"), _filter("keyword"), _filter("direction")
    if direction not in ("", IN, OUT):
        abort(400)
    with db() as session:
        lines = (outbound(session, since, until, status, keyword) if direction != IN else []) + (
            inbound(session, since, until, status, keyword) if direction != OUT else []
        )
    lines.sort(key=lambda line: line.at, reverse=True)
    return render_template(
        "console/messages.html", lines=lines[:PAGE_SIZE], day=day, status=status, keyword=keyword,
        direction=direction, statuses=[s.value for s in OutboxStatus],
    )  # fmt: skip
