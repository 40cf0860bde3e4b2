"""The webhook deliveries that arrive together, stored in one transaction (issue 15).

Per batch, whatever its size: one SELECT of the row versions of every source named (``sources``:
the source, tenant and target are loaded only when changed), one SELECT of the deliveries stored
before, one INSERT of the new orders, one of their jobs, one of the deliveries with their orders,
one COMMIT. The decisions are intake's own
(``intake.decide_new``: the same draft, status rules and jobs as a delivery alone); only the
writing is shared. The unusual goes the way of a delivery alone (``worker.inbox.alone``): in the
same transaction when the order is known or unreadable, or the second of one order in the batch;
after it when the body is not plain UTF-8 text. Should a batch fail unexpectedly, nothing of it is
kept and every delivery in it is stored alone, as before batches.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from sqlalchemy import orm

from worker import connectors, db, jobs
from worker.inbox import alone, leader, sources
from worker.models import Connection, Order, Tenant
from worker.models.base import utcnow
from worker.pipeline import intake, order_row

log = logging.getLogger(__name__)
DUPLICATE = (200, "duplicate delivery")
LEADER = leader.Leader()  # one per process: the group commit's leader keeps its connection and sources
# One index lookup per key, whatever the table's statistics say (LIMIT keeps the planner from turning
# this into a join that reads the whole table when it thinks the table small).
_STORED = ("SELECT k.connection_id, k.delivery_id FROM unnest(%(connection_id)b::integer[], "
           "%(delivery_id)b::varchar[]) AS k(connection_id, delivery_id) CROSS JOIN LATERAL (SELECT 1 "
           "FROM webhook_deliveries AS w WHERE w.connection_id = k.connection_id AND w.delivery_id = k.delivery_id "
           "LIMIT 1) AS found")
# Each delivery with its order (or why it could not be read) in the one INSERT: an UPDATE linking them
# afterwards wrote every delivery row twice, a third of Postgres' time per delivery (issue 15).
_INSERT_DELIVERIES = (
    "INSERT INTO webhook_deliveries (tenant_id, connection_id, delivery_id, topic, body, order_id, problem, "
    "received_at) SELECT d.*, %(received_at)s FROM unnest(%(tenant_id)b::integer[], %(connection_id)b::integer[], "
    "%(delivery_id)b::varchar[], %(topic)b::varchar[], %(body)b::text[], %(order_id)b::integer[], "
    "%(problem)b::text[]) AS d ON CONFLICT DO NOTHING RETURNING connection_id, delivery_id")


@dataclasses.dataclass(eq=False)
class Arrival:
    """One delivery in a batch, and what the batch learnt of it on the way."""

    system: str
    token: str
    headers: object
    body: bytes
    answer: tuple[int, str] | None = None  # None: not settled (yet), or to be stored alone
    source: Connection | None = None
    tenant: Tenant | None = None  # held: the session's identity map is weak
    target: Connection | None = None
    delivery: dict | None = None
    read: tuple = ()  # the body read once: (data, canonical order or None, why unreadable or None)
    new: tuple[Order, list] | None = None  # intake's draft and its jobs, when the order can be read
    order_id: int | None = None
    problem: str | None = None

    def forget(self) -> None:
        """Back to as it arrived: what a failed batch learnt (an order id it rolled back) must not be used."""
        self.answer = self.source = self.tenant = self.target = self.delivery = self.new = None
        self.order_id = self.problem = None
        self.read = ()


def store(arrivals: list[Arrival]) -> list[object]:
    """Each delivery's (status, text), or the exception its request raises (the database is gone)."""
    try:
        _store_batch(arrivals)
    except Exception as exc:
        if db.unavailable(exc):
            return [exc] * len(arrivals)  # nothing is stored: each shop gets a 500 and delivers again
        if not isinstance(exc, _StoredMeanwhile):
            log.exception("%d deliveries could not be stored together; storing each alone", len(arrivals))
        for arrival in arrivals:
            arrival.forget()
    return [arrival.answer or _alone(arrival) for arrival in arrivals]


def _store_batch(arrivals: list[Arrival]) -> None:
    """Store the batch in one transaction; once more on a fresh connection if the kept one was found dead."""
    for attempt in (1, 2):
        try:
            with LEADER.batch() as (session, kept):
                _store_in(session, arrivals, kept)
            return
        except Exception as exc:
            if attempt == 2 or not db.unavailable(exc):
                raise
            for arrival in arrivals:  # nothing of the failed attempt was kept
                arrival.forget()


def _alone(arrival: Arrival) -> object:
    try:
        return alone.receive(arrival.system, arrival.token, arrival.headers, arrival.body)
    except Exception as exc:  # noqa: BLE001  (raised in the delivery's own request, which answers 500)
        return exc


def _store_in(session: orm.Session, arrivals: list[Arrival], kept: sources.KeptSources | None) -> None:
    tokens = sorted({arrival.token for arrival in arrivals})
    found = kept.found(session, tokens) if kept else sources.load(session, tokens)
    admitted = [arrival for arrival in arrivals if _admit(arrival, found)]
    fresh = _not_stored(session, _first_of_each(admitted, _delivery_key))
    for_orders = [arrival for arrival in fresh if _carries_order(arrival)]
    for arrival in for_orders:
        arrival.new = _decided(session, arrival)
    _insert_orders(session, _first_of_each([arrival for arrival in for_orders if arrival.new],
                                           lambda arrival: (arrival.source.id, arrival.new[0].shop_order_id),
                                           answer=None))
    for arrival in for_orders:
        if arrival.order_id is None:  # known, unreadable, or a second version in this batch: as alone
            arrival.order_id, arrival.problem = alone.store_read(session, arrival.source, arrival.target,
                                                                 *arrival.read)
        arrival.answer = (200, "stored" if arrival.problem is None else "stored, unreadable")
    _insert_deliveries(session, fresh)


def _admit(arrival: Arrival, found: dict) -> bool:
    """Whether the delivery is signed by a known source and can be stored in the batch (else answered or left)."""
    arrival.source, arrival.tenant, arrival.target = found.get((arrival.system, arrival.token), (None, None, None))
    source_cls = connectors.get(arrival.system)
    if arrival.source is None:
        arrival.answer = (404, "unknown webhook")
    elif not source_cls.verify_delivery(arrival.source, arrival.headers, arrival.body):
        arrival.answer = (401, "invalid signature")
    else:
        arrival.delivery = alone.delivery_row(arrival.source, *source_cls.delivery_key(arrival.headers, arrival.body),
                                              arrival.body)
        return arrival.delivery["body_bytes"] is None  # exact bytes kept in a column of their own: alone
    return False


def _first_of_each(arrivals: list[Arrival], key: Callable, answer=DUPLICATE) -> list[Arrival]:
    """The first arrival of each key; the others are answered ``answer``."""
    seen, first = set(), []
    for arrival in arrivals:
        if key(arrival) in seen:
            arrival.answer = answer
        else:
            seen.add(key(arrival))
            first.append(arrival)
    return first


def _delivery_key(arrival: Arrival) -> tuple[int, str]:
    return arrival.source.id, arrival.delivery["delivery_id"]


def _not_stored(session: orm.Session, arrivals: list[Arrival]) -> list[Arrival]:
    """The arrivals not stored before; a delivery stored before is answered as a duplicate."""
    if not arrivals:
        return []
    stored = set(db.psycopg_connection(session).execute(_STORED, {
        "connection_id": [arrival.source.id for arrival in arrivals],
        "delivery_id": [arrival.delivery["delivery_id"] for arrival in arrivals]}).fetchall())
    for arrival in arrivals:
        if _delivery_key(arrival) in stored:
            arrival.answer = DUPLICATE
    return [arrival for arrival in arrivals if arrival.answer is None]


class _StoredMeanwhile(Exception):
    """A delivery of the batch was stored by another request since the batch looked: each goes alone."""


def _insert_deliveries(session: orm.Session, arrivals: list[Arrival]) -> None:
    """Insert every delivery row with its order; raises ``_StoredMeanwhile`` if one was stored meanwhile."""
    if not arrivals:
        return
    # Rows in key order, so two batches never wait for each other in a ring.
    in_order = sorted(arrivals, key=_delivery_key)
    rows = db.psycopg_connection(session).execute(_INSERT_DELIVERIES, {
        "received_at": utcnow(), "order_id": [arrival.order_id for arrival in in_order],
        "problem": [arrival.problem for arrival in in_order],
        **{name: [arrival.delivery[name] for arrival in in_order]
           for name in ("tenant_id", "connection_id", "delivery_id", "topic", "body")}}).fetchall()
    if len(rows) < len(arrivals):  # a retry of one came in through another request: rare, and alone knows
        raise _StoredMeanwhile


def _carries_order(arrival: Arrival) -> bool:
    if arrival.delivery["topic"] in connectors.get(arrival.system).order_topics:
        return True
    arrival.answer = (202, "topic ignored")
    return False


def _decided(session: orm.Session, arrival: Arrival) -> tuple[Order, list] | None:
    """Intake's draft of the order and its jobs; None when it cannot be read (stored as alone, in Errors)."""
    arrival.read = alone.read_order(arrival.system, arrival.body)
    data, canonical, _ = arrival.read
    return None if canonical is None else intake.decide_new(session, arrival.source, data, canonical, arrival.target)


def _insert_orders(session: orm.Session, arrivals: list[Arrival]) -> None:
    """Insert the new orders, then defer their jobs; an order already stored keeps ``order_id`` None."""
    if not arrivals:
        return
    ids = order_row.insert_many(session, [arrival.new[0] for arrival in arrivals])
    wanted = []
    for arrival, order_id in zip(arrivals, ids, strict=True):
        arrival.order_id = order_id
        if order_id is not None:
            wanted += [(task, options, {"order_id": order_id}) for task, options in arrival.new[1]]
    jobs.defer_many(session, wanted)
