"""Merchant login and logout."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from portal.extensions import get_session, login_manager
from worker.models import User
from worker.passwords import check_password

bp = Blueprint("auth", __name__)


class LoginUser(UserMixin):
    """The logged-in person; the session holds "<user id>:<session token>"."""

    def __init__(self, user: User):
        self.user_id, self.tenant_id, self.email = user.id, user.tenant_id, user.email
        self.username, self.language = user.username, user.tenant.language
        self.session_token = user.session_token

    def get_id(self) -> str:
        return f"{self.user_id}:{self.session_token}"


@login_manager.user_loader
def load_user(value: str):
    user_id, _, token = value.partition(":")
    user = get_session().get(User, int(user_id)) if user_id.isdigit() else None
    # A rotated token (logout elsewhere, password change) ends old sessions on the server side.
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    return LoginUser(user)


class LoginForm(FlaskForm):
    username = StringField(_l("Username or e-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


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
    """Show the login form; log in with e-mail and password."""
    form = LoginForm(username=request.args.get("username", ""))
    if form.validate_on_submit():
        user, ambiguous = find_user(get_session(), form.username.data)
        if check_password(user.password_hash if user else None, form.password.data):
            login_user(LoginUser(user))
            return redirect(safe_next(request.args.get("next")) or url_for("dashboard.index"))
        if ambiguous:
            flash(_("This e-mail address has several installations. Log in with the username from the "
                    "installation e-mail of the one you want (its licence key)."), "error")
        else:
            flash(_("That username and password do not match. Check both and try again."), "error")
    return render_template("auth/login.html", form=form), (401 if request.method == "POST" else 200)


def safe_next(target: str | None) -> str | None:
    """A ``next`` address only when it stays on this site (no open redirect)."""
    return target if target and target.startswith("/") and not target.startswith("//") else None


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
