"""The row of an arriving order: inserted whole in one statement, or found and locked when it is known.

Intake's hot path (issue 15). SQLAlchemy does not cache PostgreSQL ``INSERT … ON CONFLICT``
statements (its dialect ``Insert`` has no cache key), so building one per delivery cost a compile
of several milliseconds; this one is text, compiled once, and returns the ORM ``Order`` so the rest
of intake works on it as before. A new order is inserted with its shop version already applied,
so it needs no UPDATE for that.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects.postgresql import JSONB

from worker.canonical import Order as CanonicalOrder
from worker.models import Connection, Order
from worker.models.base import utcnow

CUSTOMER_NAME_LENGTH = 300  # orders.customer_name
_VALUES = ("tenant_id", "connection_id", "shop_order_id", "number", "shop_status", "order_date", "customer_name",
           "total", "currency", "payload", "shop_updated_at", "state", "status_checked_at", "created_at",
           "updated_at")
_COLUMNS = Order.__table__.c
_INSERT = sa.select(Order).from_statement(
    sa.text(f"INSERT INTO orders ({', '.join(_VALUES)}) VALUES ({', '.join(':' + name for name in _VALUES)}) "
            f"ON CONFLICT (connection_id, shop_order_id) DO NOTHING "
            f"RETURNING {', '.join(column.name for column in _COLUMNS)}")
    .bindparams(sa.bindparam("payload", type_=JSONB))
    .columns(*_COLUMNS))


def insert_new(session: orm.Session, source: Connection, payload: dict, canonical: CanonicalOrder) -> Order | None:
    """The order inserted as ``open`` with this version; None when the shop's order is already stored."""
    now = utcnow()
    return session.execute(_INSERT, {
        "tenant_id": source.tenant_id, "connection_id": source.id, "shop_order_id": canonical.source_id,
        "number": canonical.number, "shop_status": canonical.status, "order_date": canonical.date,
        "customer_name": canonical.customer.name[:CUSTOMER_NAME_LENGTH],  # for lists; the payload keeps it whole
        "total": canonical.total_incl, "currency": canonical.currency, "payload": payload,
        "shop_updated_at": canonical.updated_at, "state": "open", "status_checked_at": now, "created_at": now,
        "updated_at": now,
    }).scalar()


def locked(session: orm.Session, connection_id: int, shop_order_id: str) -> Order:
    """The stored order, locked until the transaction ends (a concurrent delivery of it waits)."""
    return session.execute(sa.select(Order).where(
        Order.connection_id == connection_id, Order.shop_order_id == shop_order_id).with_for_update()).scalar_one()
