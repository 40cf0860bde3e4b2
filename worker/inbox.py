"""Receiving a shop's webhook: verify, store raw, store the order, defer, answer — one transaction.

The answer is a (status, text) pair the portal returns as it is. Nothing remote happens here, so
the shop gets its 2xx in milliseconds. Every signed delivery is kept raw and answered 2xx, however
malformed: an order we cannot read goes to Errors saying why, and a delivery without even an
order id is listed on the dashboard. A shop that stops retrying never takes an order with it.
"""
from __future__ import annotations

import hashlib
import logging

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects.postgresql import insert

from worker import connectors, db, rawjson
from worker.i18n import N_
from worker.models import Connection, Tenant, WebhookDelivery
from worker.pipeline import intake
from worker.pipeline.messages import delivery_problem, unreadable
from worker.unreadable import Unreadable

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
OUR_FAULT = N_("something went wrong on our side while storing it")


def receive(system: str, token: str, headers, body: bytes) -> tuple[int, str]:
    """Handle one delivery of the webhook source ``system`` to the webhook URL with ``token``."""
    if len(body) > MAX_BODY:
        return 413, "body too large"
    source_cls = connectors.SOURCES.get(system)
    if source_cls is None or source_cls.arrival != "webhook":
        return 404, "unknown webhook"
    with db.session_scope() as session:
        source = session.execute(sa.select(Connection).where(
            Connection.webhook_token == token, Connection.system == system)).scalar()
        if source is None:
            return 404, "unknown webhook"
        if not source_cls.verify_delivery(source, headers, body):
            return 401, "invalid signature"
        delivery_id, topic = source_cls.delivery_key(headers, body)
        topic = _header(topic, 60)[:60]  # a key for nothing: cut, not hashed
        delivery_id = _header(delivery_id, 100) or _body_key(body)
        text, exact = rawjson.storable_text(body)
        inserted = session.execute(insert(WebhookDelivery).values(
            tenant_id=source.tenant_id, connection_id=source.id, delivery_id=delivery_id, topic=topic,
            body=text, body_bytes=exact,
        ).on_conflict_do_nothing().returning(WebhookDelivery.id)).scalar()
        if inserted is None:
            return 200, "duplicate delivery"
        if topic not in source_cls.order_topics:
            return 202, "topic ignored"
        order_id, problem = _take_order_safely(session, source, body)
        session.execute(sa.update(WebhookDelivery).where(WebhookDelivery.id == inserted)
                        .values(order_id=order_id, problem=problem))
        return 200, "stored" if problem is None else "stored, unreadable"


def _header(value: str | None, limit: int) -> str:
    """A header value that fits its column: NUL removed, an over-long one replaced by its hash."""
    value = (value or "").replace("\x00", "")
    return value if len(value) <= limit else "sha256:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def _body_key(body: bytes) -> str:
    # Without a delivery id, a retry (same body) must still land on the same row.
    return "body-sha256:" + hashlib.sha256(body).hexdigest()


def _take_order_safely(session: orm.Session, source: Connection, body: bytes) -> tuple[int | None, str | None]:
    """Store the delivery's order; should that fail unexpectedly, the raw delivery is still kept and shown."""
    try:
        with session.begin_nested():
            return _take_order(session, source, body)
    except Exception as exc:
        if db.unavailable(exc):
            raise  # nothing is stored and the shop gets a 500, so it delivers again
        log.exception("delivery for connection %s: the order could not be stored", source.id)
        return None, _delivery_problem(session, source, Unreadable(OUR_FAULT))


def _take_order(session: orm.Session, source: Connection, body: bytes) -> tuple[int | None, str | None]:
    """(order id, why unreadable): an order read and stored, or kept in Errors, or none without an id."""
    source_cls = connectors.get(source.system)
    data, found = rawjson.read(body)
    if found is None:
        try:
            canonical = source_cls.to_canonical(data)
        except Unreadable as exc:
            found = exc
        else:
            return intake.store(session, source, data, canonical).id, None
    identity = source_cls.identity(data)
    if identity is None:
        return None, _delivery_problem(session, source, found)
    payload = data if isinstance(data, dict) else {}
    order = intake.store_unreadable(session, source, identity, payload, unreadable(found))
    language = session.get(Tenant, source.tenant_id).language
    return order.id, unreadable(found).in_language(language).message


def _delivery_problem(session: orm.Session, source: Connection, found: Unreadable) -> str:
    """Why a delivery without an order could not be read, as the merchant reads it."""
    return delivery_problem(found, session.get(Tenant, source.tenant_id).language)
