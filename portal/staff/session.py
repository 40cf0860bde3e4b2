"""The staff session: its own signed cookie (not Flask's session, not Flask-Login), with a short idle timeout.

The cookie holds the staff id, the account's session token (rotated on logout), whether the
second factor was passed, and when the login happened. It is signed again on every staff request,
so the signature's age is the idle time; a login also ends after ``staff_max_hours`` whatever happens.
"""
from __future__ import annotations

import secrets
import time

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from portal.extensions import get_session
from worker.config import settings
from worker.models import StaffUser

COOKIE = "koppel_staff"
SALT = "koppel-staff-session"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def load() -> tuple[StaffUser | None, dict]:
    """The staff member of this request's cookie and the cookie's data; (None, {}) when there is none valid."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None, {}
    try:
        data = _serializer().loads(raw, max_age=settings.staff_idle_minutes * 60)
    except BadSignature:  # also SignatureExpired: idle too long
        return None, {}
    if time.time() - data.get("login", 0) > settings.staff_max_hours * 3600:
        return None, {}
    staff = get_session().get(StaffUser, data.get("id", 0))
    if staff is None or staff.disabled_at is not None or not secrets.compare_digest(staff.session_token,
                                                                                    data.get("tok", "")):
        return None, {}
    return staff, data


def begin(staff: StaffUser, second_factor: bool) -> None:
    """Start (or step up) the staff session of this browser; written to the cookie after the view."""
    old = g.get("staff_cookie") or {}
    login = old.get("login") if second_factor and old.get("id") == staff.id else None
    g.staff_cookie = {"id": staff.id, "tok": staff.session_token, "mfa": second_factor, "login": login or time.time()}


def end() -> None:
    """Forget this browser's staff session."""
    g.staff_cookie = None


def save(response):
    """Write (refresh) or delete the staff cookie; passive views (polling) leave it as it is."""
    if "staff_cookie" not in g or g.get("staff_passive"):
        return response
    if g.staff_cookie is None:
        response.delete_cookie(COOKIE, path="/staff")
        return response
    response.set_cookie(COOKIE, _serializer().dumps(g.staff_cookie), path="/staff", httponly=True,
                        samesite="Strict", secure=settings.is_production,
                        max_age=settings.staff_idle_minutes * 60)
    return response
