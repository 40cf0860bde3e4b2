"""The row of an arriving order: inserted whole in one statement, or found and locked when it is known.

Intake's hot path (issue 15). A new order is first decided on as a draft (an ``Order`` not in the
session: version applied, state chosen) and then inserted as it will stay, so it needs no UPDATE.
SQLAlchemy does not cache PostgreSQL ``INSERT … ON CONFLICT`` statements (its dialect ``Insert``
has no cache key), so building one per delivery cost a compile of milliseconds; this one is text,
compiled once. It returns only the id: the draft becomes the persistent ``Order`` as it is, rather
than reading back every column (the payload parsed from JSON again).
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import orjson
import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects.postgresql import JSONB

from worker.canonical import Order as CanonicalOrder
from worker.models import Connection, Order
from worker.models.base import utcnow

CUSTOMER_NAME_LENGTH = 300  # orders.customer_name
# What intake decides for a new order; any other column keeps its database default.
_VALUES = ("tenant_id", "connection_id", "shop_order_id", "number", "shop_status", "order_date", "customer_name",
           "total", "currency", "payload", "shop_updated_at", "state", "error_code", "error_message", "error_help",
           "error_values", "failed_at", "status_checked_at", "remote_failures", "retry_at", "created_at",
           "updated_at")
_INSERT = sa.text(
    f"INSERT INTO orders ({', '.join(_VALUES)}) VALUES ({', '.join(':' + name for name in _VALUES)}) "
    f"ON CONFLICT (connection_id, shop_order_id) DO NOTHING RETURNING id"
).bindparams(sa.bindparam("payload", type_=JSONB), sa.bindparam("error_values", type_=JSONB))

# Many rows as one JSON array that Postgres turns back into rows of ``orders`` (its column types, and
# lengths: an over-long value is refused, as the one-row insert refuses it). One parameter instead of
# an array per column: psycopg's per-array work was most of a batch's insert (issue 15).
_INSERT_MANY = (
    f"INSERT INTO orders ({', '.join(_VALUES)}) SELECT {', '.join(_VALUES)} "
    f"FROM json_populate_recordset(NULL::orders, %b::json) "
    f"ON CONFLICT (connection_id, shop_order_id) DO NOTHING RETURNING id, connection_id, shop_order_id")


def draft(source: Connection, payload: dict, canonical: CanonicalOrder) -> Order:
    """A new order as ``open`` with this version, not in the session (nothing is written for it)."""
    now = utcnow()
    order = _new_order()
    # Set as a load would set them, without the ORM's change events (a fifth of intake's decision per
    # delivery, issue 15): a draft is in no session, and is inserted as it stands.
    order.__dict__.update(
        tenant_id=source.tenant_id, connection_id=source.id, shop_order_id=canonical.source_id,
        number=canonical.number, shop_status=canonical.status, order_date=canonical.date,
        customer_name=canonical.customer.name[:CUSTOMER_NAME_LENGTH],  # the payload keeps it whole
        total=canonical.total_incl, currency=canonical.currency, payload=payload,
        shop_updated_at=canonical.updated_at, state="open", status_checked_at=now, remote_failures=0,
        created_at=now, updated_at=now, vat_check=None, total_difference=None, error_code=None,
        error_message=None, error_help=None, error_values=None, failed_at=None, retry_at=None)
    return order


def _new_order() -> Order:
    return orm.class_mapper(Order).class_manager.new_instance()


def insert(session: orm.Session, new: Order) -> Order | None:
    """``new`` (a draft) inserted as it is, now persistent; None when the shop's order is already stored."""
    new.id = session.connection().execute(_INSERT, {name: getattr(new, name) for name in _VALUES}).scalar()
    if new.id is None:
        return None
    # Now as if just read: a column the draft did not set (a database default) is read when first used.
    orm.make_transient_to_detached(new)
    session.add(new)
    return new


def insert_many(session: orm.Session, drafts: list[Order]) -> list[int | None]:
    """Each draft's new id, or None where its shop order is already stored; one statement for all.

    The drafts stay out of the session (their callers need only the ids); at most one draft per shop order.
    """
    in_order = sorted(drafts, key=lambda draft: (draft.connection_id, draft.shop_order_id))  # (see batch.py)
    rows = session.connection().connection.driver_connection.execute(_INSERT_MANY, [_json(
        [{name: getattr(draft, name) for name in _VALUES} for draft in in_order])]).fetchall()
    ids = {(connection_id, shop_order_id): order_id for order_id, connection_id, shop_order_id in rows}
    return [ids.get((draft.connection_id, draft.shop_order_id)) for draft in drafts]


def _json(rows: list[dict]) -> str:
    """The rows as JSON, fast (orjson); what it refuses (an integer beyond 64 bits) by the standard library."""
    try:
        return orjson.dumps(rows, default=_json_value).decode()
    except TypeError:
        return json.dumps(rows, default=_json_value)


def _json_value(value) -> str:
    """The value as text where JSON has no type for it, to the last digit: Postgres reads it back as the column's type."""
    if isinstance(value, (Decimal, dt.date)):  # dt.datetime too (with its offset)
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a column value")


def locked(session: orm.Session, connection_id: int, shop_order_id: str) -> Order:
    """The stored order, locked until the transaction ends (a concurrent delivery of it waits)."""
    return session.execute(sa.select(Order).where(
        Order.connection_id == connection_id, Order.shop_order_id == shop_order_id).with_for_update()).scalar_one()
