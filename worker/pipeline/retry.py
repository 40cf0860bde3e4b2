"""Sending orders through the pipeline again after their cause was fixed."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker.models import Order
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
