"""Merchant login and logout (the TOTP step, when enrolled, is in portal.mfa)."""
from __future__ import annotations

import secrets
import urllib.parse

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, session as cookie, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from portal.extensions import get_session, login_manager
from portal.limits import client_ip, refused
from worker import attempts
from worker.models import User
from worker.passwords import MAX_LENGTH, check_password

bp = Blueprint("auth", __name__)
MAX_NEXT = 2000


class LoginUser(UserMixin):
    """The logged-in person; the session holds "<user id>:<session token>"."""

    def __init__(self, user: User):
        self.user_id, self.tenant_id, self.email = user.id, user.tenant_id, user.email
        self.username, self.language = user.username, user.tenant.language
        self.session_token = user.session_token

    def get_id(self) -> str:
        return f"{self.user_id}:{self.session_token}"


def user_for(value: str) -> User | None:
    """The user a "<user id>:<session token>" value names, while that token is current."""
    user_id, _, token = value.partition(":")
    user = get_session().get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 12 else None
    # A rotated token (logout elsewhere, password change) ends old sessions on the server side.
    if user is None or not secrets.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


@login_manager.user_loader
def load_user(value: str):
    user = user_for(value)
    return LoginUser(user) if user is not None else None


class LoginForm(FlaskForm):
    """Username (or e-mail) and password."""

    username = StringField(_l("Username or e-mail"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


def find_user(session, login: str) -> tuple[User | None, bool]:
    """The user for a username, or for an e-mail with one installation; (None, True) when ambiguous."""
    login = login.strip().lower()
    user = session.execute(sa.select(User).where(sa.func.lower(User.username) == login)).scalar()
    if user is not None:
        return user, False
    matches = session.execute(sa.select(User).where(User.email == login).limit(2)).scalars().all()
    return (matches[0], False) if len(matches) == 1 else (None, len(matches) > 1)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; log in with e-mail and password (limited per account and per IP)."""
    form = LoginForm(username=request.args.get("username", "")[:320])
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), (401 if request.method == "POST" else 200)
    session, name, ip = get_session(), form.username.data.strip().lower(), client_ip()
    account, per_ip = attempts.login_limits()
    checks = [(per_ip, ip), (account, name)]
    # The account's soft lockout spares addresses it logged in from before (no lockout abuse).
    applying = checks[:1] if attempts.known_address(session, name, ip) else checks
    if (stop := refused(session, applying, "auth/login.html", form=form)) is not None:
        return stop
    counted = attempts.record(session, checks)  # counted before argon2 runs, so parallel floods count
    session.commit()
    user, ambiguous = find_user(session, name)
    if not check_password(user.password_hash if user else None, form.password.data):
        return _wrong_login(form, ambiguous)
    attempts.forget(session, account, name)
    session.delete(counted[0])
    attempts.remember_address(session, name, ip)
    session.commit()
    return finish_login(user, request.args.get("next"))


def _wrong_login(form: LoginForm, ambiguous: bool):
    if ambiguous:
        flash(_("This e-mail address has several installations. Log in with the username from the "
                "installation e-mail of the one you want (its licence key)."), "error")
    else:
        flash(_("That username and password do not match. Check both and try again."), "error")
    return render_template("auth/login.html", form=form), 401


def finish_login(user: User, target: str | None):
    """Log ``user`` in, or ask for their TOTP code first when they enrolled one."""
    if user.totp_secret:
        cookie["mfa_pending"] = {"user": f"{user.id}:{user.session_token}", "next": safe_next(target)}
        return redirect(url_for("mfa.code"))
    login_user(LoginUser(user))
    return redirect(safe_next(target) or url_for("dashboard.index"))


def safe_next(target: str | None) -> str | None:
    """A ``next`` address only when it is a path this app routes for GET (no open redirect)."""
    if not target or len(target) > MAX_NEXT or not target.isascii() or "\\" in target:
        return None
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urllib.parse.urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    try:
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return None
    return urllib.parse.urlunsplit(("", "", parts.path, parts.query, ""))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out everywhere: the session token is rotated so old cookies stop working."""
    session = get_session()
    user = session.get(User, current_user.user_id)
    user.session_token = secrets.token_hex(16)
    session.commit()
    logout_user()
    return redirect(url_for("auth.login"))
