"""Polling that never misses and never doubles, for every source whose orders are fetched, not pushed.

A run fetches every order changed since the connection's watermark minus an overlap, pages to the
end, and stores each order through the same intake path as webhooks (``recheck._store_polled``:
an insert-or-update keyed on the shop's order id, so an order seen twice is stored once). Only
when everything of the run is stored does the watermark move, to the newest change seen but never
past the run's start: a change made while we paged is fetched again next time. A run that fails
half-way stores what it read and moves nothing, so the next run reads it all again. Orders fetched
earlier and not yet transferred (Open) that the run did not see are read again one by one, the
longest unchecked first, at most ``REREAD_LIMIT`` a run. Every run's outcome is kept in
``poll_states`` for the dashboard.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import sqlalchemy as sa

from worker import breakage, connectors, db
from worker.connectors.errors import RemoteError, Throttled
from worker.models import Connection, Order, PollState
from worker.models.base import utcnow
from worker.pipeline import pollcursor, schedule
from worker.pipeline.recheck import _store_polled as store_polled
from worker.unreadable import Unreadable

log = logging.getLogger(__name__)
OVERLAP = dt.timedelta(minutes=10)  # longer than any clock skew or commit delay we expect from a shop
REREAD_LIMIT = 500
RETRY_AFTER_ERROR = dt.timedelta(hours=1)
THROTTLED = "throttled"  # last_error of a run the shop slowed down (the dashboard words it; details in the log)


@dataclasses.dataclass
class Run:
    """What one run saw: distinct orders fetched, how many were new to us, the newest change."""

    started: dt.datetime
    watermark: dt.datetime
    seen: set = dataclasses.field(default_factory=set)
    new: int = 0
    newest: dt.datetime | None = None


def polled_source_ids() -> list[int]:
    """Connected sources whose orders are fetched on a schedule."""
    polled = [key for key, cls in connectors.SOURCES.items() if cls.arrival == "poll"]
    with db.session_scope() as session:
        return list(session.execute(sa.select(Connection.id).where(
            Connection.role == "source", Connection.status == "connected",
            Connection.system.in_(polled))).scalars())


def state_of(session, connection: Connection) -> PollState:
    """The connection's poll state, made (with its first run time) when it has none yet."""
    state = session.get(PollState, connection.id, with_for_update=True)
    if state is None:
        state = PollState(connection_id=connection.id, next_run_at=next_run_for(connection, utcnow()))
        session.add(state)
        session.flush()
    return state


def next_run_for(connection: Connection, after: dt.datetime) -> dt.datetime:
    source_cls = connectors.get(connection.system)
    return schedule.next_run(connection.id, source_cls.poll_interval, after, source_cls.poll_hours)


def due_ids(now: dt.datetime | None = None) -> list[int]:
    """Polled connections whose next run time has come (a worker that was down runs each once);
    a connection seen for the first time gets its schedule and waits for its first time."""
    now = now or utcnow()
    polled = [key for key, cls in connectors.SOURCES.items() if cls.arrival == "poll"]
    with db.session_scope() as session:
        rows = session.execute(sa.select(Connection.id, PollState.next_run_at).outerjoin(
            PollState, PollState.connection_id == Connection.id).where(
            Connection.role == "source", Connection.status == "connected", Connection.system.in_(polled),
            sa.or_(PollState.connection_id.is_(None), PollState.next_run_at.is_(None),
                   PollState.next_run_at <= now))).all()
        for connection_id, _ in rows:
            state_of(session, session.get(Connection, connection_id))
    return [connection_id for connection_id, next_at in rows if next_at is not None and next_at <= now]


def run(connection_id: int) -> Run:
    """One run for one connection (the caller holds its lock). Throttled propagates: the job waits for the shop."""
    with db.session_scope() as session:
        source = session.get(Connection, connection_id)
        if source is None or source.status != "connected":
            return Run(started=utcnow(), watermark=utcnow())  # disconnected since it was queued: nothing to read
        state = state_of(session, source)
        state.last_started_at = started = utcnow()
        first = (source.created_at or started) - connectors.get(source.system).poll_interval
        current = Run(started=started, watermark=state.watermark or first)
    for step in (fetch_changes, reread_open):
        try:
            step(connection_id, current)
        except Throttled as exc:
            # The job resumes at the shop's reset (RemoteRetryStrategy); the dashboard says so. Once
            # every change is fetched, a throttled re-read still moves the watermark.
            log.info("poll of connection %s throttled until %s: %s", connection_id, exc.retry_at, exc)
            finish(connection_id, current, error=THROTTLED, next_at=exc.retry_at, move=step is reread_open)
            raise
        except (RemoteError, Unreadable) as exc:
            log.warning("poll of connection %s failed: %s", connection_id, exc)
            finish(connection_id, current, error=str(exc), next_at=utcnow() + RETRY_AFTER_ERROR)
            if isinstance(exc, RemoteError):
                breakage.source_refused(connection_id, exc)  # a revoked token turns the dot red and mails, once
            return current
    finish(connection_id, current)
    return current


def fetch_changes(connection_id: int, current: Run) -> None:
    """Store every order changed since the watermark minus the overlap, page after page."""
    with db.session_scope() as session:
        source = session.get(Connection, connection_id)
        source_cls = connectors.get(source.system)
        reader = source_cls.reader(source)
    resume, began = pollcursor.load(connection_id)
    if began is not None:  # going on with a throttled search: the watermark stays before its start
        current.started = min(current.started, began)
    try:
        options = {"resume": resume} if resume else {}  # readers without a cursor never get one
        for payload in reader.orders(updated_since=current.watermark - OVERLAP, **options):
            store(connection_id, source_cls, payload, current)
    except Throttled:
        pollcursor.save(connection_id, getattr(reader, "cursor", None), current.started)
        raise
    except Exception:
        if resume:
            pollcursor.clear(connection_id)  # a refused token must not be tried again
        raise
    if resume:
        pollcursor.clear(connection_id)


def store(connection_id: int, source_cls, payload, current: Run) -> None:
    """Store one fetched order (its own transaction) and note what the run saw."""
    identity = source_cls.identity(payload) or {}
    key = identity.get("shop_order_id")
    with db.session_scope() as session:
        known = key is not None and session.execute(sa.select(Order.id).where(
            Order.connection_id == connection_id, Order.shop_order_id == key)).first() is not None
        store_polled(session, session.get(Connection, connection_id), source_cls, payload)
    if key is None or key in current.seen:
        return
    current.seen.add(key)
    current.new += not known
    try:
        changed = source_cls.to_canonical(payload).updated_at
    except Unreadable:
        return
    if changed and (current.newest is None or changed > current.newest):
        current.newest = changed


def reread_open(connection_id: int, current: Run) -> None:
    """Read again the orders waiting in Open that this run did not see (manual: looked at every day)."""
    with db.session_scope() as session:
        source = session.get(Connection, connection_id)
        source_cls = connectors.get(source.system)
        reader = source_cls.reader(source)
        keys = list(session.execute(sa.select(Order.shop_order_id).where(
            Order.connection_id == connection_id, Order.state == "open",
            sa.or_(Order.status_checked_at.is_(None), Order.status_checked_at < current.started))
            .order_by(Order.status_checked_at.asc().nullsfirst(), Order.id)
            .limit(min(REREAD_LIMIT, source_cls.reread_limit))).scalars())
    for key in keys:
        if key not in current.seen:
            store(connection_id, source_cls, reader.order(key), current)


def finish(connection_id: int, current: Run, error: str | None = None, next_at: dt.datetime | None = None,
           move: bool = False) -> None:
    """Record the run; only a complete one (or ``move``: every change fetched) moves the watermark, and
    only a complete one schedules the next regular run."""
    with db.session_scope() as session:
        source = session.get(Connection, connection_id)
        state = state_of(session, source)
        state.last_finished_at, state.last_error = utcnow(), error
        state.last_found, state.last_new = len(current.seen), current.new
        if error is None or move:
            newest = min(current.newest, current.started) if current.newest else current.watermark
            state.watermark = max(current.watermark, newest)
        if error is None:
            state.next_run_at = next_run_for(source, utcnow())
        elif next_at is not None:
            state.next_run_at = next_at
