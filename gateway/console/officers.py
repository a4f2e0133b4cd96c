"""The officers' application queue: the list, one application with its score breakdown, reasons, records
and audit trail, and approve / decline (a reason code is required) / disburse.

Every read and action calls `gateway.decisions` (the same services as `jembatan applications` and the
JSON API), which checks the role again and writes the audit entry with the officer's name.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.console import bp
from gateway.console.access import me, requires
from gateway.console.texts import lang, t
from gateway.decisions import views
from gateway.decisions.desk import DecisionError, Desk
from gateway.decisions.model import Actor, CaseState, Payout
from gateway.decisions.reasons import OFFICER_PREFIX, SCORECARD_PREFIX, officer_reasons
from gateway.decisions.service import approve, decline, disburse
from gateway.decisions.web import desk as decisions_desk

REFERENCE_CHARS = 32
STATUS = {"not_found": 404, "forbidden": 403, "conflict": 409, "bad_request": 400}


def _desk() -> Desk:
    found = decisions_desk()
    if found is None:
        abort(404)
    return found


def _actor() -> Actor:
    return Actor(me().username, me().role.value)


def _reference(reference: str) -> str:
    if len(reference) > REFERENCE_CHARS or not reference.isalnum():
        abort(404)
    return reference.upper()


@bp.route("/applications")
@requires("applications")
def applications() -> str:
    raw = request.args.get("state", CaseState.REFERRED.value)
    try:
        state = CaseState(raw) if raw else None
    except ValueError:
        abort(400)
    rows = views.list_applications(_desk(), _actor(), state)
    return render_template("console/applications.html", rows=rows, state=raw, states=[s.value for s in CaseState])


@bp.route("/applications/<reference>")
@requires("applications")
def application(reference: str) -> Any:
    current = _desk()
    try:
        detail = views.application_detail(current, _actor(), _reference(reference))
    except DecisionError as exc:
        abort(STATUS.get(exc.code, 400))
    catalog, language = current.catalog(), lang()
    reasons = officer_reasons(catalog, language)

    def reason_text(code: str) -> str:
        """A scorecard or officer reason code in words, as the customer's SMS words it."""
        for key in (SCORECARD_PREFIX + code, OFFICER_PREFIX + code):
            if catalog.has(catalog.default_lang, key):
                return f"{code}: {catalog.render(language, key)}"
        return code

    return render_template(
        "console/application.html", app=detail, reasons=reasons, payouts=[p.value for p in Payout],
        reason_text=reason_text,
    )  # fmt: skip


@bp.route("/applications/<reference>/<action>", methods=["POST"])
@requires("decide")
def application_action(reference: str, action: str) -> Response:
    reference, current, actor = _reference(reference), _desk(), _actor()
    try:
        payout = Payout(request.form.get("payout") or Payout.SAVINGS.value)
    except ValueError:
        abort(400)
    note = (request.form.get("note") or "").strip()[:500]
    try:
        if action == "approve":
            approve(current, reference, actor, note, payout)
        elif action == "decline":
            code = (request.form.get("reason_code") or "").strip()
            if not code:
                flash(t("apps.reason_required"), "error")
                return redirect(url_for("console.application", reference=reference))
            decline(current, reference, actor, code, note)
        elif action == "disburse":
            disburse(current, reference, actor, payout)
        else:
            abort(404)
    except DecisionError as exc:
        flash(t("apps.refused", why=exc.message), "error")
        return redirect(url_for("console.application", reference=reference))
    flash(t(f"apps.done_{action}", reference=reference), "ok")
    return redirect(url_for("console.application", reference=reference))
