"""The optional TOTP second factor: enrolling in Profile, and the code step at login."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session as cookie, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from portal.auth import LoginUser, user_for
from portal.extensions import get_session
from portal.limits import refused
from worker import attempts, mfa
from worker.config import settings
from worker.models import User

bp = Blueprint("mfa", __name__)


def code_limit() -> attempts.Limit:
    """Wrong codes per account, as strict as wrong passwords."""
    return attempts.Limit("login-totp", settings.login_limit_account, settings.login_window_seconds)


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """Ask for the authenticator code after a correct password; log in when it matches."""
    pending = cookie.get("mfa_pending") or {}
    user = user_for(str(pending.get("user", "")))
    if user is None or not user.totp_secret:
        return redirect(url_for("auth.login"))
    if request.method == "GET":
        return render_template("auth/code.html")
    session, checks = get_session(), [(code_limit(), str(user.id))]
    if (stop := refused(session, checks, "auth/code.html")) is not None:
        return stop
    attempts.record(session, checks)
    if not mfa.verify(user, request.form.get("code", "")[:20]):
        session.commit()
        flash(_("That code is not right. Use the current code from your authenticator app."), "error")
        return render_template("auth/code.html"), 401
    attempts.forget(session, code_limit(), str(user.id))
    session.commit()
    cookie.pop("mfa_pending", None)
    login_user(LoginUser(user))
    return redirect(pending.get("next") or url_for("dashboard.index"))


def me() -> User:
    """The logged-in merchant's user row."""
    return get_session().get(User, current_user.user_id)


@bp.route("/profile/two-factor")
@login_required
def show():
    """Two-factor login: on or off; a QR code to scan while enrolling."""
    user = me()
    if user.totp_secret:
        return render_template("profile/two_factor.html", enabled=True)
    sealed = cookie.get("totp_enrolling")
    secret = mfa.unseal(user, sealed) if sealed else mfa.new_secret()
    cookie["totp_enrolling"] = mfa.seal(user, secret)
    return render_template("profile/two_factor.html", enabled=False, secret=secret, qr=mfa.qr_svg(user, secret))


@bp.route("/profile/two-factor", methods=["POST"])
@login_required
def enable():
    """Turn two-factor login on once a code from the scanned secret matches."""
    user, sealed = me(), cookie.get("totp_enrolling")
    step = mfa.matching_step(mfa.unseal(user, sealed), request.form.get("code", "")[:20]) if sealed else None
    if user.totp_secret or step is None:
        flash(_("That code is not right. Scan the QR code again and enter the code your app shows."), "error")
        return redirect(url_for("mfa.show"))
    user.totp_secret, user.totp_last_step = sealed, step
    get_session().commit()
    cookie.pop("totp_enrolling", None)
    flash(_("Two-factor login is on. From now on we ask for a code after your password."), "success")
    return redirect(url_for("mfa.show"))


@bp.route("/profile/two-factor/off", methods=["POST"])
@login_required
def disable():
    """Turn two-factor login off; needs a current code (re-authentication, ASVS 7.5.1)."""
    user = me()
    if not mfa.verify(user, request.form.get("code", "")[:20]):
        flash(_("That code is not right. Use the current code from your authenticator app."), "error")
        return redirect(url_for("mfa.show"))
    user.totp_secret, user.totp_last_step = None, None
    get_session().commit()
    flash(_("Two-factor login is off."), "success")
    return redirect(url_for("mfa.show"))
