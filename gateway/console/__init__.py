"""The operator console: staff logins, the phone simulator, the menu graph, drop-offs, the message log and
the officers' queues, served by the gateway itself under /console (templates and assets here, no CDN).

`init_console(app, runtime)` sets the session cookie and CSRF rules, the login manager and the login
rate limit (in the app's Redis), then registers the blueprint `bp`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from flask import Blueprint, Flask, current_app, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from gateway.runtime import Runtime

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates", static_folder="static")

SESSION_LIFETIME = timedelta(minutes=30)
"""A console session ends after this long without a request."""
LOGIN_LIMIT = "10 per minute;50 per hour"
"""Login attempts per address (each account also locks after MAX_FAILED_LOGINS wrong passwords)."""
LIMITER_PREFIX = "jmb:console-limit"
REDIS_TIMEOUT_S: Any = 0.5
"""The limiter's Redis waits (its options are typed as str | int, but redis-py takes seconds as a float)."""


@bp.before_request
def check_csrf() -> None:
    """Every form the console posts carries a CSRF token (the USSD and SMS webhooks have their own checks)."""
    if request.method == "POST":
        cast(CSRFProtect, current_app.extensions["csrf"]).protect()


@bp.after_request
def no_store(response: Any) -> Any:
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault(
        "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"
    )
    return response


@bp.app_context_processor
def helpers() -> dict[str, Any]:
    from gateway.console import texts
    from gateway.console.access import MENU, PAGES

    built = [page for page in MENU if f"console.{page}" in current_app.view_functions]
    return {"t": texts.t, "lang": texts.lang, "MENU": built, "PAGES": PAGES}


@bp.errorhandler(403)
def forbidden(_exc: Exception) -> tuple[str, int]:
    return render_template("console/forbidden.html"), 403


def init_console(app: Flask, runtime: Runtime) -> None:
    from gateway.console import auth, texts, views  # noqa: F401  (their routes join bp)
    from gateway.console.access import ConsoleUser
    from gateway.staff.accounts import staff_by_id

    settings = runtime.settings
    app.secret_key = settings.secret_key
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        SESSION_COOKIE_NAME="jembatan_console",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        REMEMBER_COOKIE_DURATION=timedelta(0),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked by the console's before_request only
        WTF_CSRF_TIME_LIMIT=int(SESSION_LIFETIME.total_seconds()),
    )
    CSRFProtect(app)
    app.extensions[texts.EXTENSION] = texts.load_texts(settings.locales_dir)

    logins = LoginManager(app)
    logins.login_view = "console.login"
    logins.session_protection = "strong"

    @logins.user_loader
    def load(user_id: str) -> ConsoleUser | None:
        staff_id, _, _stamp = user_id.partition(":")
        if not staff_id.isdigit() or runtime.db_engine is None:
            return None
        with Session(runtime.db_engine) as session:
            found = staff_by_id(session, int(staff_id))
        if found is None or found.disabled:
            return None
        user = ConsoleUser(found)
        return user if user.get_id() == user_id else None  # the password changed since: log in again

    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.redis_url,
        storage_options={"socket_timeout": REDIS_TIMEOUT_S, "socket_connect_timeout": REDIS_TIMEOUT_S},
        key_prefix=LIMITER_PREFIX,
        strategy="fixed-window",
        swallow_errors=True,  # Redis down: logins still work, and the account lock-out still holds
    )
    app.register_blueprint(bp)
    app.view_functions["console.login"] = limiter.limit(LOGIN_LIMIT, methods=["POST"])(auth.login)
