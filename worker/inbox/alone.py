"""One delivery stored alone, in a transaction of its own: what a batch falls back to (see ``worker.inbox``).

Also the pieces a batch shares with it: the source query, the delivery key, storing an order that
is known or unreadable.
"""
from __future__ import annotations

import hashlib
import logging

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors, db, rawjson
from worker.i18n import N_
from worker.models import Connection, Tenant, WebhookDelivery
from worker.models.base import utcnow
from worker.pipeline import intake
from worker.pipeline.messages import delivery_problem, unreadable
from worker.unreadable import Unreadable

log = logging.getLogger(__name__)
OUR_FAULT = N_("something went wrong on our side while storing it")

# The statements of every delivery, built once (issue 15: each round trip and compile counted).
# The source, its tenant and the tenant's target connection in one query.
_TARGET = orm.aliased(Connection)
SOURCES = (sa.select(Connection, Tenant, _TARGET).join(Tenant, Tenant.id == Connection.tenant_id)
           .outerjoin(_TARGET, sa.and_(_TARGET.tenant_id == Connection.tenant_id, _TARGET.role == "target")))
_SOURCE = SOURCES.where(Connection.webhook_token == sa.bindparam("token"),
                        Connection.system == sa.bindparam("system")).limit(1)
# Text, because SQLAlchemy compiles a PostgreSQL ON CONFLICT insert again on every execution.
_INSERT_DELIVERY = sa.text(
    "INSERT INTO webhook_deliveries (tenant_id, connection_id, delivery_id, topic, body, body_bytes, received_at) "
    "VALUES (:tenant_id, :connection_id, :delivery_id, :topic, :body, :body_bytes, :received_at) "
    "ON CONFLICT DO NOTHING RETURNING id").bindparams(sa.bindparam("body_bytes", type_=sa.LargeBinary))


def receive(system: str, token: str, headers, body: bytes) -> tuple[int, str]:
    """Store one delivery of the webhook source ``system`` (known to take webhooks) to the URL with ``token``."""
    source_cls = connectors.get(system)
    with db.session_scope() as session:
        found = session.execute(_SOURCE, {"token": token, "system": system}).first()
        if found is None:
            return 404, "unknown webhook"
        source, _tenant, target = found  # held to the end: intake reads neither again
        if not source_cls.verify_delivery(source, headers, body):
            return 401, "invalid signature"
        delivery_id, topic = source_cls.delivery_key(headers, body)
        delivery = delivery_row(source, delivery_id, topic, body)
        inserted = session.execute(_INSERT_DELIVERY, {**delivery, "received_at": utcnow()}).scalar()
        if inserted is None:
            return 200, "duplicate delivery"
        if delivery["topic"] not in source_cls.order_topics:
            return 202, "topic ignored"
        inserted, order_id, problem = _take_order_safely(session, source, target, body, delivery, inserted)
        if inserted is None:
            return 200, "duplicate delivery"
        session.connection().execute(sa.update(WebhookDelivery).where(WebhookDelivery.id == inserted)
                                     .values(order_id=order_id, problem=problem))  # Core: no ORM bookkeeping
        return 200, "stored" if problem is None else "stored, unreadable"


def delivery_row(source: Connection, delivery_id: str | None, topic: str | None, body: bytes) -> dict:
    """The columns of the delivery's row: its key (a retry of it lands on the same row) and its body."""
    row = {"tenant_id": source.tenant_id, "connection_id": source.id,
           "topic": _header(topic, 60)[:60],  # a key for nothing: cut, not hashed
           "delivery_id": _header(delivery_id, 100) or _body_key(body)}
    row["body"], row["body_bytes"] = rawjson.storable_text(body)
    return row


def _header(value: str | None, limit: int) -> str:
    """A header value that fits its column: NUL removed, an over-long one replaced by its hash."""
    value = (value or "").replace("\x00", "")
    return value if len(value) <= limit else "sha256:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def _body_key(body: bytes) -> str:
    # Without a delivery id, a retry (same body) must still land on the same row.
    return "body-sha256:" + hashlib.sha256(body).hexdigest()


def _take_order_safely(session: orm.Session, source: Connection, target: Connection | None, body: bytes,
                       delivery: dict, inserted: int) -> tuple[int | None, int | None, str | None]:
    """Store the delivery's order; should that fail unexpectedly, the raw delivery is still kept and shown.

    (delivery row id, order id, problem). No savepoint (two round trips on every delivery): on the rare
    unexpected failure the whole transaction is rolled back and the raw delivery inserted again alone,
    which leaves what the savepoint left. Its id is None when a retry of it was stored meanwhile.
    """
    try:
        return inserted, *take_order(session, source, target, body)
    except Exception as exc:
        if db.unavailable(exc):
            raise  # nothing is stored and the shop gets a 500, so it delivers again
        log.exception("delivery for connection %s: the order could not be stored", delivery["connection_id"])
    session.rollback()
    inserted = session.execute(_INSERT_DELIVERY, {**delivery, "received_at": utcnow()}).scalar()
    source = session.get(Connection, delivery["connection_id"])
    return inserted, None, _delivery_problem(session, source, Unreadable(OUR_FAULT))


def take_order(session: orm.Session, source: Connection, target: Connection | None,
               body: bytes) -> tuple[int | None, str | None]:
    """(order id, why unreadable): an order read and stored, or kept in Errors, or none without an id."""
    return store_read(session, source, target, *read_order(source.system, body))


def read_order(system: str, body: bytes) -> tuple[object, object | None, Unreadable | None]:
    """(the body's data, its canonical order or None, why it cannot be read or None)."""
    data, found = rawjson.read(body)
    if found is not None:
        return data, None, found
    try:
        return data, connectors.get(system).to_canonical(data), None
    except Unreadable as exc:
        return data, None, exc


def store_read(session: orm.Session, source: Connection, target: Connection | None, data, canonical,
               found: Unreadable | None) -> tuple[int | None, str | None]:
    """``take_order`` for a body already read (``read_order``)."""
    if canonical is not None:
        return intake.store(session, source, data, canonical, target=target).id, None
    identity = connectors.get(source.system).identity(data)
    if identity is None:
        return None, _delivery_problem(session, source, found)
    payload = data if isinstance(data, dict) else {}
    order = intake.store_unreadable(session, source, identity, payload, unreadable(found))
    language = session.get(Tenant, source.tenant_id).language
    return order.id, unreadable(found).in_language(language).message


def _delivery_problem(session: orm.Session, source: Connection, found: Unreadable) -> str:
    """Why a delivery without an order could not be read, as the merchant reads it."""
    return delivery_problem(found, session.get(Tenant, source.tenant_id).language)
