"""Running one order through the real pipeline in the test's own thread (no worker needed)."""
from __future__ import annotations

import sqlalchemy as sa

from worker import db, demo
from worker.connectors.exact import ExactOnlineTarget
from worker.connectors.kmoshops.mapping import to_canonical
from worker.models import Connection, Order, RemoteCall
from worker.models.base import utcnow
from worker.pipeline import intake, process
from tests.support.waiting import wait_for


def store(merchant: dict, payload: dict) -> int:
    """Store the order as a webhook would (queued when its status says so); returns its id."""
    with db.session_scope() as session:
        source = session.get(Connection, merchant["source"].id)
        return intake.store(session, source, payload, to_canonical(payload)).id


def post(merchant: dict, payload: dict, tries: int = 4) -> Order:
    """Store the order and run the processing job's code on it here, as its resume jobs would when it
    has to wait (an answer in doubt is looked up after the settle window); returns the order as it ends."""
    order_id = store(merchant, payload)
    for _ in range(tries):
        process.process_order(order_id)
        order = reload(order_id)
        if order.state != "queued" or order.retry_at is None:
            return order
        wait_for(lambda: utcnow() >= order.retry_at, timeout=120, message="the order's next try")
    return reload(order_id)


def reload(order_id: int) -> Order:
    with db.session_scope() as session:
        order = session.get(Order, order_id)
        session.expunge(order)
        return order


def configure(merchant: dict, price_mode: str = "incl", **settings) -> dict:
    """The merchant's target with the demo VAT map of ``price_mode`` plus ``settings``; returns its reference."""
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        reference = target.settings.get("reference") or ExactOnlineTarget.reference_data(target)
        target.settings = {**target.settings, "reference": reference, "price_mode": price_mode,
                           "vat_map": demo.default_vat_map(reference, price_mode), **settings}
        return reference


def set_source(merchant: dict, **settings) -> None:
    with db.session_scope() as session:
        source = session.get(Connection, merchant["source"].id)
        source.settings = {**source.settings, **settings}


def calls_of(order_id: int) -> list[tuple[str, str]]:
    """(method, path) of every remote call made for the order, oldest first."""
    with db.session_scope() as session:
        rows = session.execute(sa.select(RemoteCall.method, RemoteCall.url).where(
            RemoteCall.order_id == order_id).order_by(RemoteCall.id)).all()
    return [(method, url.split("/api/v1/", 1)[-1].split("?", 1)[0]) for method, url in rows]
