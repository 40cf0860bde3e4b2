"""A record of every remote call made for an order: the "request we sent and answer we got".

The pipeline names the order it works on (``for_order``); clients call ``record`` after each call.
Authorization headers are never passed in, secrets some APIs take as query parameters are blanked
out of the URL (``redact``), and bodies are cut short, so no secret is stored.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
import urllib.parse

from worker import db
from worker.models import RemoteCall

MAX_BODY_CHARS = 20_000
# Query parameters that carry credentials (store and partner tokens, API keys): never stored or shown.
SECRET_PARAMS = frozenset({"token", "partner_token", "api_key", "apikey", "key", "access_token",
                           "client_secret", "secret", "password"})
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


def redact(url: str) -> str:
    """``url`` with the value of every credential query parameter replaced by ``***``."""
    parts = urllib.parse.urlsplit(url)
    if not parts.query:
        return url
    pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = urllib.parse.urlencode([(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe="*")
    return urllib.parse.urlunsplit(parts._replace(query=query))


def entry(tenant_id: int, connection_id: int, method: str, url: str, request_body=None,
          status: int | None = None, response_body=None, error: str | None = None) -> RemoteCall:
    """One call as a row, for the caller's session (a client adds it with its rate bookkeeping)."""
    return RemoteCall(tenant_id=tenant_id, order_id=_order.get(), connection_id=connection_id,
                      method=method, url=redact(url)[:2000], request_body=_trim(request_body), status=status,
                      response_body=_trim(response_body), error=error)


def record(tenant_id: int, connection_id: int, method: str, url: str, request_body=None,
           status: int | None = None, response_body=None, error: str | None = None) -> None:
    """Store one call; outside an order (e.g. loading VAT codes) it is kept without one."""
    with db.session_scope() as session:
        session.add(entry(tenant_id, connection_id, method, url, request_body, status, response_body, error))
