"""Staff login: password, then TOTP (enrolled with a QR code at the first login), and logout."""
from __future__ import annotations

import secrets

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from portal.auth import safe_next
from portal.extensions import get_session
from portal.staff import session as staff_session
from portal.staff.blueprint import bp, public, requires
from worker.staff import accounts, audit


class LoginForm(FlaskForm):
    """E-mail and password of a staff account."""

    email = StringField("E-mail", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class CodeForm(FlaskForm):
    """A six-digit code from the authenticator app."""

    code = StringField("Code", validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """First step: e-mail and password; a merchant logged in in this browser is logged out."""
    form = LoginForm()
    if form.validate_on_submit():
        staff = accounts.authenticate(get_session(), form.email.data, form.password.data)
        get_session().commit()  # a failed attempt counts towards the lock
        if staff is not None:
            logout_user()  # one browser is never a merchant and staff at once
            staff_session.begin(staff, second_factor=False)
            step = "staff.second_factor" if staff.totp_confirmed_at else "staff.enrol"
            return redirect(url_for(step, next=safe_next(request.args.get("next"))))
        flash("That e-mail and password do not match an active staff account (five wrong tries lock it for "
              "15 minutes).", "error")
    return render_template("staff/login.html", form=form), (401 if request.method == "POST" else 200)


def _pending_staff():
    """The staff member who passed the password step in this browser, or None."""
    return g.staff if g.get("staff") is not None else None


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_factor():
    """Second step: a code from the authenticator app."""
    staff = _pending_staff()
    if staff is None:
        return redirect(url_for("staff.login"))
    if staff.totp_confirmed_at is None:
        return redirect(url_for("staff.enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        right = not accounts.is_locked(staff) and accounts.check_code(staff, form.code.data)
        if accounts.note_attempt(staff, right):
            return _logged_in(staff, "login")
        get_session().commit()
        if accounts.is_locked(staff):
            staff_session.end()
            flash("Too many wrong codes: the account is locked for 15 minutes.", "error")
            return redirect(url_for("staff.login"))
        flash("That code is not right (or was used already). Wait for the next one.", "error")
    return render_template("staff/code.html", form=form), (401 if request.method == "POST" else 200)


@bp.route("/login/enrol", methods=["GET", "POST"])
@public
def enrol():
    """First login: scan the QR code into an authenticator app and confirm it with a code."""
    staff = _pending_staff()
    if staff is None:
        return redirect(url_for("staff.login"))
    if staff.totp_confirmed_at is not None:
        return redirect(url_for("staff.second_factor"))
    secret = accounts.start_enrolment(staff)
    get_session().commit()
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.confirm_enrolment(staff, form.code.data):
            return _logged_in(staff, "enrolled")
        flash("That code is not right. Check the app's clock and try the next code.", "error")
    return render_template("staff/enrol.html", form=form, secret=secret,
                           qr=accounts.provisioning_qr(staff, secret))


def _logged_in(staff, how: str):
    audit.record(get_session(), staff, None, "staff_" + how)
    get_session().commit()
    staff_session.begin(staff, second_factor=True)
    return redirect(safe_next(request.args.get("next")) or url_for("staff.index"))


@bp.route("/logout", methods=["POST"])
@requires("support")
def logout():
    """Log out: the account's session token rotates, so a copied cookie stops working too."""
    g.staff.session_token = secrets.token_hex(16)
    get_session().commit()
    staff_session.end()
    return redirect(url_for("staff.login"))
