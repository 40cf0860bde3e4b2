"""A record of every remote call made for an order: the "request we sent and answer we got".

The pipeline names the order it works on (``for_order``); clients call ``record`` after each call.
Authorization headers are never passed in, and bodies are cut short, so no secret is stored.
"""
from __future__ import annotations

import contextlib
import contextvars
import json

from worker import db
from worker.models import RemoteCall

MAX_BODY_CHARS = 20_000
_order: contextvars.ContextVar[int | None] = contextvars.ContextVar("koppel_order", default=None)


@contextlib.contextmanager
def for_order(order_id: int):
    """Attribute the calls made inside the block to ``order_id``."""
    token = _order.set(order_id)
    try:
        yield
    finally:
        _order.reset(token)


def _trim(body):
    if body is None:
        return None
    text = json.dumps(body, default=str)
    return body if len(text) <= MAX_BODY_CHARS else {"truncated": text[:MAX_BODY_CHARS]}


def record(tenant_id: int, connection_id: int, method: str, url: str, request_body=None,
           status: int | None = None, response_body=None, error: str | None = None) -> None:
    """Store one call; outside an order (e.g. loading VAT codes) it is kept without one."""
    with db.session_scope() as session:
        session.add(RemoteCall(tenant_id=tenant_id, order_id=_order.get(), connection_id=connection_id,
                               method=method, url=url[:2000], request_body=_trim(request_body), status=status,
                               response_body=_trim(response_body), error=error))
