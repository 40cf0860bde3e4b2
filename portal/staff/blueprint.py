"""The /staff blueprint and its guard: every route needs a staff login with TOTP and a role, unless public.

Roles are declared on each view (``requires("support")``); a view without a declaration is
admin-only, so a route added without thought is closed rather than open. The merchant's
Flask-Login session plays no part here: a merchant cookie opens nothing under /staff.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, request, url_for

from portal.staff import session as staff_session
from worker.config import settings

bp = Blueprint("staff", __name__, url_prefix="/staff")
ROLE_RANK = {"support": 1, "admin": 2}


def public(view):
    """Mark a view as open without a staff login (the login steps themselves)."""
    view.staff_public = True
    return view


def requires(role: str):
    """Mark a view as open to staff of ``role`` or higher."""
    def mark(view):
        view.staff_role = role
        return view
    return mark


def passive(view):
    """Mark a polled view: it needs a session but does not keep it alive."""
    view.staff_passive = True
    return view


def monitoring(view):
    """Mark a view that a monitoring system may read with the bearer token ``KOPPEL_MONITORING_TOKEN``."""
    view.staff_monitoring = True
    return view


def _monitoring_token_ok(view) -> bool:
    token = settings.monitoring_token
    sent = request.headers.get("Authorization", "")
    return bool(getattr(view, "staff_monitoring", False) and token and sent == f"Bearer {token}")


@bp.before_request
def guard():
    """Let a request through only with the login, second factor and role its view asks for."""
    view = current_app.view_functions.get(request.endpoint)
    g.staff, data = staff_session.load()
    if data:
        g.staff_cookie = data
    g.staff_passive = getattr(view, "staff_passive", False)
    if getattr(view, "staff_public", False):
        return None
    if g.staff is None:
        if _monitoring_token_ok(view):
            return None
        return redirect(url_for("staff.login", next=request.full_path if request.method == "GET" else None))
    if not data.get("mfa"):
        return redirect(url_for("staff.second_factor"))
    if ROLE_RANK[g.staff.role] < ROLE_RANK[getattr(view, "staff_role", "admin")]:
        abort(403)
    return None


@bp.after_request
def refresh_cookie(response):
    """Sign the staff cookie again (the idle timeout restarts), or delete it after logout."""
    response.headers["Cache-Control"] = "no-store"
    return staff_session.save(response)
