"""Rate limits in the portal: the client's address, and the 429 page when a limit is reached."""
from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import ngettext
from sqlalchemy import orm

from worker import attempts


def client_ip() -> str:
    """The client's address; X-Forwarded-For counts only behind trusted proxies (KOPPEL_TRUSTED_PROXIES)."""
    return request.remote_addr or "unknown"


def refused(session: orm.Session, checks: list[tuple[attempts.Limit, str]], template: str, **context):
    """A 429 page when any of ``checks`` is over its limit; None when the attempt may go ahead."""
    wait = attempts.first_refusal(session, checks)
    if wait is None:
        return None
    flash(ngettext("Too many attempts; try again in %(num)d minute.", "Too many attempts; try again in %(num)d minutes.",
                   attempts.minutes(wait)), "error")
    return render_template(template, **context), 429, {"Retry-After": str(wait)}
