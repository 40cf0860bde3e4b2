"""Template helpers that point the merchant somewhere: a shared connection's warning, an error code's FAQ link."""
from __future__ import annotations

import urllib.parse

from flask import Blueprint

from portal.extensions import get_session
from worker import sharing, subscription
from worker.config import settings

bp = Blueprint("hints", __name__)


@bp.app_template_global()
def shared_connection(connection) -> str | None:
    """The warning (untranslated) when another installation reaches the same shop or administration."""
    if connection is None or not sharing.shared(get_session(), connection):
        return None
    return sharing.WARNINGS[connection.role]


@bp.app_template_global()
def yearly_price() -> dict:
    """What a paid year costs (excl, rate, vat, total), for the Pay buttons."""
    return subscription.yearly_price()


@bp.app_template_global()
def faq_url(code: str | None) -> str | None:
    """Where the FAQ explains an error code: KOPPEL_FAQ_URL with the code as anchor; None when unset."""
    if not settings.faq_url or not code:
        return None
    return f"{settings.faq_url.split('#', 1)[0]}#{urllib.parse.quote(code, safe='')}"
