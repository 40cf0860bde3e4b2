"""An order that has to wait (rate limit, remote unreachable, outcome in doubt) waits without a lock.

The job that ran into the wait records it on the order and defers a lock-free ``resume_order`` job
for the moment it can go on, in one transaction, then finishes. So the target's lock is free
for the merchant's next order at once (procrastinate's lock would otherwise let a job scheduled an
hour ahead hold up every later job of that lock). Only real failures count towards giving up; a
rate limit is never a failure, however often it comes.
"""
from __future__ import annotations

import datetime as dt
import logging

from worker import db
from worker.config import settings
from worker.connectors.errors import OutcomeUnknown, RemoteError, Throttled
from worker.models import Order
from worker.models.base import utcnow
from worker.pipeline import intake, outcome
from worker.pipeline.messages import problem

log = logging.getLogger(__name__)
# Real failures (unreachable, in doubt) before the order goes to Errors: about four hours of back-off.
MAX_FAILURES = 12
MAX_BACKOFF_SECONDS = 3600


class Settling(RemoteError):
    """A posting is in doubt and the remote may still commit it: look it up at ``retry_at``, not before."""

    def __init__(self, retry_at: dt.datetime):
        super().__init__(f"in doubt; looked up at {retry_at.isoformat()}")
        self.retry_at = retry_at


def settled_at(sent_at: dt.datetime | None) -> dt.datetime | None:
    """When a document sent at ``sent_at`` may be looked up: after the remote's slowest commit."""
    return None if sent_at is None else sent_at + dt.timedelta(seconds=settings.settle_seconds)


def backoff(failures: int) -> dt.timedelta:
    """5 s, 10 s, 20 s, … up to an hour between tries after ``failures`` real failures."""
    return dt.timedelta(seconds=min(5 * 2 ** max(failures - 1, 0), MAX_BACKOFF_SECONDS))


def wait(order_id: int, exc: RemoteError, sent_at: dt.datetime | None = None) -> None:
    """Record why ``order_id`` waits and schedule its next try (or give up after too many real failures)."""
    now = utcnow()
    with db.session_scope() as session:
        order = session.get(Order, order_id, with_for_update=True)
        if order is None or order.state != "queued":
            return
        if isinstance(exc, (Throttled, Settling)):
            at = max(exc.retry_at, now) + dt.timedelta(seconds=1)
        else:
            order.remote_failures += 1
            if order.remote_failures >= MAX_FAILURES:
                log.error("order %s: giving up after %s failures: %s", order_id, order.remote_failures, exc)
                outcome.fail_in(session, order, problem("REMOTE_UNREACHABLE", detail=str(exc)))
                return
            at = now + backoff(order.remote_failures)
            if isinstance(exc, OutcomeUnknown):
                at = max(at, settled_at(sent_at) or at)
        log.info("order %s waits until %s: %s", order_id, at.isoformat(), exc)
        intake.defer_resume(session, order, at)


def resume(order_id: int) -> None:
    """The wait is over: queue the order under its target's lock again (if it still needs sending)."""
    with db.session_scope() as session:
        order = session.get(Order, order_id, with_for_update=True)
        if order is not None:
            intake.defer_processing(session, order)
