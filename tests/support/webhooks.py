"""Signed KMO Shops deliveries, built the way the contract (kmoshops-sim/v0) says."""
from __future__ import annotations

import json
import random
import time
import uuid

from worker.connectors.kmoshops import signature
from worker.connectors.kmoshops.sandbox import generate_order


def an_order(seed: int = 1, **changes) -> dict:
    order = generate_order(random.Random(seed), kind=changes.pop("kind", "b2c"), number=f"KMO-2026-{seed:05d}")
    order.update(changes)
    return order


def delivery(secret: str, order: dict | bytes, topic: str = "orders/created", delivery_id: str | None = None,
             timestamp: int | None = None) -> tuple[bytes, dict]:
    """The body and headers of one delivery, signed with ``secret``."""
    body = order if isinstance(order, bytes) else json.dumps(order).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {"Content-Type": "application/json; charset=utf-8", "X-KMOShops-Topic": topic,
               "X-KMOShops-Shop-Id": "shop", "X-KMOShops-Delivery-Id": delivery_id or str(uuid.uuid4()),
               "X-KMOShops-Event-Id": str(uuid.uuid4()), "X-KMOShops-Timestamp": str(timestamp),
               "X-KMOShops-Signature": signature.sign(secret, timestamp, body)}
    return body, headers
