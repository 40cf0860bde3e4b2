"""Webhook deliveries as the shop sent them: unreadable ones on their own page, an order's under More info."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from portal.extensions import get_session
from worker.models import WebhookDelivery

bp = Blueprint("deliveries", __name__, url_prefix="/deliveries")
SHOWN = 50


def _unreadable():
    """The tenant's deliveries we could not read an order from at all (no order id)."""
    return sa.select(WebhookDelivery).where(
        WebhookDelivery.tenant_id == current_user.tenant_id, WebhookDelivery.order_id.is_(None),
        WebhookDelivery.problem.is_not(None))


def unreadable_count() -> int:
    """How many deliveries the dashboard's notice points to."""
    return get_session().execute(sa.select(sa.func.count()).select_from(_unreadable().subquery())).scalar_one()


def of_order(order_id: int, limit: int = 5) -> list[WebhookDelivery]:
    """The newest raw deliveries of one of the tenant's orders."""
    return get_session().execute(sa.select(WebhookDelivery).where(
        WebhookDelivery.tenant_id == current_user.tenant_id, WebhookDelivery.order_id == order_id)
        .order_by(WebhookDelivery.id.desc()).limit(limit)).scalars().all()


@bp.route("/unreadable")
@login_required
def unreadable():
    """Deliveries from the shop we could not read an order from: why, and the raw body."""
    deliveries = get_session().execute(_unreadable().order_by(WebhookDelivery.id.desc()).limit(SHOWN)).scalars().all()
    return render_template("dashboard/unreadable.html", deliveries=deliveries, total=unreadable_count())
