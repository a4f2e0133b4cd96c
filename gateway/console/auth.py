"""Logging in and out, the forced password change, the language switch, and the home page.

Flask-Login keeps the session, Flask-WTF checks the CSRF token of every form, Flask-Limiter limits login
attempts per address (in the app's Redis), and `gateway.staff.authenticate` locks an account after
repeated wrong passwords. Demo passwords never work in production mode.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from gateway.console import bp
from gateway.console.access import MENU, ConsoleUser, db, me, now, runtime
from gateway.console.texts import LANGUAGES, t
from gateway.staff import LoginRefusal, Refusal, Staff, StaffError, authenticate, change_password
from gateway.staff.accounts import MIN_PASSWORD_CHARS, record_logout
from gateway.staff.demo import DEMO_PASSWORDS

MAX_FIELD = 200


class LoginForm(FlaskForm):
    username = StringField(validators=[DataRequired(), Length(max=64)])
    password = PasswordField(validators=[DataRequired(), Length(max=MAX_FIELD)])


class PasswordForm(FlaskForm):
    current = PasswordField(validators=[DataRequired(), Length(max=MAX_FIELD)])
    new = PasswordField(validators=[DataRequired(), Length(min=MIN_PASSWORD_CHARS, max=MAX_FIELD)])
    again = PasswordField(validators=[DataRequired(), Length(max=MAX_FIELD)])


class EmptyForm(FlaskForm):
    """A button that changes something: only its CSRF token."""


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("console.home")


def _refusal_text(refusal: LoginRefusal) -> str:
    if refusal.reason is Refusal.LOCKED and refusal.locked_until is not None:
        return t("login.locked", until=refusal.locked_until.strftime("%H:%M UTC"))
    return t("login.refused")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        username, password = form.username.data.strip().lower(), form.password.data
        found: Staff | LoginRefusal = LoginRefusal(Refusal.DISABLED)
        if not (runtime().settings.production and password in DEMO_PASSWORDS):  # never, right or wrong
            with db() as session_:
                found = authenticate(session_, username, password, now(), origin=request.remote_addr or "")
        if isinstance(found, LoginRefusal):
            flash(_refusal_text(found), "error")
            return render_template("console/login.html", form=form), 401
        session.clear()  # a fresh session at login (no fixation)
        session.permanent = True
        login_user(ConsoleUser(found))
        return redirect(_safe_next(request.args.get("next")))
    return render_template("console/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    if EmptyForm().validate_on_submit():
        if current_user.is_authenticated:
            with db() as session_:
                record_logout(session_, me().username, now(), request.remote_addr or "")
        logout_user()
        session.clear()
    return redirect(url_for("console.login"))


@bp.route("/password", methods=["GET", "POST"])
def password() -> Any:
    if not current_user.is_authenticated:
        return redirect(url_for("console.login"))
    form = PasswordForm()
    if form.validate_on_submit():
        if form.new.data != form.again.data:
            flash(t("password.mismatch"), "error")
        else:
            try:
                with db() as session_:
                    change_password(session_, me().username, form.current.data, form.new.data, now())
            except StaffError as exc:
                flash(t(f"password.{exc}"), "error")
            else:
                logout_user()
                session.clear()
                flash(t("password.changed"), "ok")
                return redirect(url_for("console.login"))
    elif form.errors:
        flash(t("password.too_short", min=MIN_PASSWORD_CHARS), "error")
    return render_template("console/password.html", form=form, min_chars=MIN_PASSWORD_CHARS)


@bp.route("/lang/<code>", methods=["POST"])
def choose_language(code: str) -> Response:
    if code not in LANGUAGES or not EmptyForm().validate_on_submit():
        abort(400)
    session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/")
def home() -> Response:
    if not current_user.is_authenticated:
        return redirect(url_for("console.login"))
    if me().must_change_password:
        return redirect(url_for("console.password"))
    user: ConsoleUser = current_user
    first = next((page for page in MENU if user.may(page)), None)
    if first is None:
        abort(403)
    return redirect(url_for(f"console.{first}"))
