"""Forgotten password (an e-mailed link that works once) and changing the password in Profile."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.auth import LoginUser
from portal.extensions import get_session
from portal.install import PasswordForm
from portal.limits import client_ip, refused
from worker import attempts, onboarding, password_reset
from worker.models import User
from worker.passwords import MAX_LENGTH, check_password

bp = Blueprint("passwords", __name__)


class ForgotForm(FlaskForm):
    """The username or e-mail address of the forgotten login."""

    login = StringField(_l("Username or e-mail"), validators=[DataRequired(), Length(max=320)])


class ChangeForm(PasswordForm):
    """The current password, then the new one twice."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot():
    """Ask for a reset link; the answer is the same whether or not the address is known (limited like login)."""
    form = ForgotForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form)
    session, login = get_session(), form.login.data.strip().lower()
    per_account, per_ip = password_reset.limits()
    checks = [(per_ip, client_ip()), (per_account, login)]
    if (stop := refused(session, checks, "auth/forgot.html", form=form)) is not None:
        return stop
    attempts.record(session, checks)
    password_reset.request_reset(session, login)
    session.commit()
    return render_template("auth/forgot.html", form=None, sent_to=login)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Choose a new password through a reset link; the link then stops working and every session ends."""
    session = get_session()
    link = password_reset.valid_reset(session, token)
    if link is None:
        session.rollback()
        return render_template("auth/reset.html", form=None), 410
    user = session.get(User, link.user_id)
    form = PasswordForm(user)
    if not form.validate_on_submit():
        return render_template("auth/reset.html", form=form, user=user, token=token)
    password_reset.finish_reset(session, link, form.password.data)
    session.commit()
    flash(_("Your new password is saved and every session is logged out. Log in with the new password."),
          "success")
    return redirect(url_for("auth.login", username=user.username))


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change():
    """Change the password (the current one first); every other session is logged out."""
    session = get_session()
    user = session.get(User, current_user.user_id)
    form = ChangeForm(user)
    if not form.validate_on_submit():
        return render_template("profile/password.html", form=form, user=user)
    account = attempts.login_limits()[0]
    checks = [(account, user.username.lower())]
    if (stop := refused(session, checks, "profile/password.html", form=form, user=user)) is not None:
        return stop
    counted = attempts.record(session, checks)
    session.commit()
    if not check_password(user.password_hash, form.current.data):
        form.current.errors = [_("That is not your current password.")]
        return render_template("profile/password.html", form=form, user=user), 400
    session.delete(counted[0])
    onboarding.choose_password(user, form.password.data)
    session.commit()
    login_user(LoginUser(user))  # this session goes on under the new token; every other one has ended
    flash(_("Your new password is saved. You are logged out on every other device."), "success")
    return redirect(url_for("profile.index"))
