"""Receiving a shop's webhook: verify, store raw, store the order, defer, answer — one transaction.

The answer is a (status, text) pair the portal returns as it is. Nothing remote happens here, so
the shop gets its 2xx in milliseconds; and nothing is stored unless all of it is.
"""
from __future__ import annotations

import json
import time

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from worker import connectors, db, secrets
from worker.connectors.kmoshops import signature
from worker.connectors.kmoshops.mapping import OrderDataError
from worker.models import Connection, WebhookDelivery
from worker.pipeline import intake

MAX_BODY = 1024 * 1024
ORDER_TOPICS = ("orders/created", "orders/updated", "orders/status_changed", "orders/cancelled")


def receive_kmoshops(token: str, headers, body: bytes) -> tuple[int, str]:
    """Handle one KMO Shops delivery to the webhook URL with ``token``."""
    if len(body) > MAX_BODY:
        return 413, "body too large"
    with db.session_scope() as session:
        source = session.execute(sa.select(Connection).where(
            Connection.webhook_token == token, Connection.system == "kmoshops")).scalar()
        if source is None:
            return 404, "unknown webhook"
        secret = secrets.read(source).get("webhook_secret", "")
        if not secret or not signature.verify(secret, headers.get("X-KMOShops-Signature"), body, time.time()):
            return 401, "invalid signature"
        delivery_id, topic = headers.get("X-KMOShops-Delivery-Id", ""), headers.get("X-KMOShops-Topic", "")
        if not delivery_id or len(delivery_id) > 100:
            return 400, "missing X-KMOShops-Delivery-Id"
        if topic not in ORDER_TOPICS:
            return 202, "topic ignored"
        try:
            payload = json.loads(body)
            canonical = connectors.get("kmoshops").to_canonical(payload)
        except (ValueError, OrderDataError) as exc:
            return 400, f"unreadable order: {exc}"
        inserted = session.execute(insert(WebhookDelivery).values(
            tenant_id=source.tenant_id, connection_id=source.id, delivery_id=delivery_id, topic=topic,
            body=body.decode("utf-8"),
        ).on_conflict_do_nothing().returning(WebhookDelivery.id)).scalar()
        if inserted is None:
            return 200, "duplicate delivery"
        order = intake.store(session, source, payload, canonical)
        session.execute(sa.update(WebhookDelivery).where(WebhookDelivery.id == inserted).values(order_id=order.id))
        return 200, "stored"
