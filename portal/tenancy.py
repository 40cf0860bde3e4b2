"""Queries scoped to the logged-in merchant's tenant: another tenant's ids answer 404."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from portal.extensions import get_session
from worker.models import Connection, Order, Tenant


def tenant() -> Tenant:
    return get_session().get(Tenant, current_user.tenant_id)


def order_or_404(order_id: int, lock: bool = False) -> Order:
    """The tenant's order ``order_id`` (row-locked with ``lock``); 404 whether it belongs to another tenant or does not exist."""
    query = sa.select(Order).where(Order.id == order_id, Order.tenant_id == current_user.tenant_id)
    order = get_session().execute(query.with_for_update() if lock else query).scalar()
    if order is None:
        abort(404)
    return order


def connections() -> dict[str, Connection]:
    """The tenant's connections by role ("source", "target")."""
    rows = get_session().execute(sa.select(Connection).where(Connection.tenant_id == current_user.tenant_id))
    return {c.role: c for c in rows.scalars()}
