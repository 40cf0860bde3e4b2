"""Merchant login and logout."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from portal.extensions import get_session, login_manager
from worker.models import User
from worker.passwords import check_password

bp = Blueprint("auth", __name__)


class LoginUser(UserMixin):
    """The logged-in person; the session holds "<user id>:<session token>"."""

    def __init__(self, user: User):
        self.user_id, self.tenant_id, self.email = user.id, user.tenant_id, user.email
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
    email = EmailField("E-mail", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; log in with e-mail and password."""
    form = LoginForm()
    if form.validate_on_submit():
        session = get_session()
        user = session.execute(sa.select(User).where(User.email == form.email.data.strip().lower())).scalar()
        if check_password(user.password_hash if user else None, form.password.data):
            login_user(LoginUser(user))
            return redirect(url_for("dashboard.index"))
        flash("That e-mail address and password do not match. Check both and try again.", "error")
    return render_template("auth/login.html", form=form), (401 if request.method == "POST" else 200)


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
