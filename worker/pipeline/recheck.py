"""Reading the shop again: the nightly status recheck of Open orders and the hourly catch-up poll.

Webhooks can be lost (a sender gives up, a subscription is switched off), so an hourly poll asks
the shop for every order changed since the last one we saw, with an overlap, and stores it the
same way a webhook would. Orders waiting in Open are re-read every night (manual 003 "Open").
"""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from worker import connectors, db, rawjson
from worker.connectors.errors import RemoteError
from worker.models import Connection, Order
from worker.pipeline import intake, retry
from worker.pipeline.messages import unreadable
from worker.unreadable import Unreadable

log = logging.getLogger(__name__)
POLL_OVERLAP = dt.timedelta(minutes=10)


def source_ids() -> list[int]:
    with db.session_scope() as session:
        return list(session.execute(sa.select(Connection.id).where(
            Connection.role == "source", Connection.status == "connected")).scalars())


def recheck_open_orders(source_id: int) -> int:
    """Re-read every Open order of one shop; orders now in a chosen status are queued. Returns how many moved."""
    with db.session_scope() as session:
        order_ids = list(session.execute(sa.select(Order.id).where(
            Order.connection_id == source_id, Order.state == "open")).scalars())
    return sum(read_again(order_id, "open") for order_id in order_ids)


def read_again(order_id: int, state: str) -> bool:
    """Read one order in ``state`` from the shop again and queue it when its status allows; True when queued.

    When the shop cannot be asked the order stays as it was (Open, or in Errors with its cause).
    """
    with db.session_scope() as session:
        order = session.get(Order, order_id, with_for_update=True)
        if order is None or order.state != state:
            return False
        try:
            with session.begin_nested():
                retry.process_again(session, order)
        except (RemoteError, Unreadable) as exc:
            log.warning("re-reading order %s failed: %s", order_id, exc)
            return False
        return order.state == "queued"


def poll_changes(source_id: int) -> int:
    """Store every order the shop changed since our newest copy (minus an overlap). Returns how many."""
    with db.session_scope() as session:
        source = session.get(Connection, source_id)
        newest = session.execute(sa.select(sa.func.max(Order.shop_updated_at)).where(
            Order.connection_id == source_id)).scalar()
        source_cls = connectors.get(source.system)
        client = source_cls.reader(source)
    since = newest - POLL_OVERLAP if newest else None
    stored = 0
    for payload in client.orders(updated_since=since):
        with db.session_scope() as session:
            stored += _store_polled(session, session.get(Connection, source_id), source_cls, payload)
    return stored


def _store_polled(session, source: Connection, source_cls, payload) -> bool:
    """Store one polled order; one we cannot read is kept in Errors saying why, like an unreadable webhook."""
    payload, found = rawjson.clean(payload)  # what JSONB refuses (NUL, NaN) never reaches the insert
    try:
        if found is None:
            intake.store(session, source, payload, source_cls.to_canonical(payload))
            return True
    except Unreadable as exc:
        found = exc
    log.warning("shop %s order %s unreadable: %s", source.id, source_cls.identity(payload), found)
    identity = source_cls.identity(payload)
    if identity is None:
        return False
    intake.store_unreadable(session, source, identity, payload if isinstance(payload, dict) else {},
                            unreadable(found))
    return True
