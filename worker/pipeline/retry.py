"""Sending orders through the pipeline again after their cause was fixed."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors, jobs, rawjson
from worker.models import Connection, Order
from worker.models.orders import ORDER_STATES
from worker.pipeline import intake

# Errors that a new login to the accounting system fixes by itself.
FIXED_BY_RECONNECT = ("REAUTH_REQUIRED", "NOT_CONNECTED")


def requeue_reauth_failures(session: orm.Session, tenant_id: int) -> int:
    """Queue again every order that failed only because the connection needed a new login."""
    orders = session.execute(sa.select(Order).where(
        Order.tenant_id == tenant_id, Order.state == "failed",
        Order.error_code.in_(FIXED_BY_RECONNECT)).with_for_update()).scalars().all()
    for order in orders:
        intake.queue(session, order)
    return len(orders)


def reread_from_shop(session: orm.Session, order: Order) -> None:
    """Replace our copy of the order with what the shop has now."""
    source = session.get(Connection, order.connection_id)
    source_cls = connectors.get(source.system)
    payload = source_cls.reader(source).order(order.shop_order_id)
    payload, found = rawjson.clean(payload)
    if found is not None:
        raise found  # what JSONB refuses (NUL, NaN) is never written over our copy
    intake.apply_version(order, payload, source_cls.to_canonical(payload))


def process_again(session: orm.Session, order: Order) -> None:
    """The Process button: read the order from the shop again and queue it when its status allows."""
    reread_from_shop(session, order)
    source = session.get(Connection, order.connection_id)
    intake.follow_status(session, order, source, from_states=ORDER_STATES)
    if order.state not in ("queued", "held", "skipped", "posted"):
        order.state = "open"
        order.error_code = order.error_message = order.error_help = order.error_values = None


def process_group(session: orm.Session, tenant_id: int, code: str, message: str) -> int:
    """Queue a retry job for every failed order of the tenant with this error code and message; returns how many."""
    ids = list(session.execute(sa.select(Order.id).where(
        Order.tenant_id == tenant_id, Order.state == "failed", Order.error_code == code,
        Order.error_message == message)).scalars())
    for order_id in ids:
        jobs.defer(session, "retry_order", order_id=order_id)
    return len(ids)
