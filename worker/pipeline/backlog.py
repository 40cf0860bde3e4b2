"""How long a target's document budget keeps orders waiting: the backlog and when it will be done.

A target that may only create so many documents per window (say 60 invoices an hour)
declares that window (``Target.document_budget``). Orders beyond what is left this window wait for
the next ones; this says how many wait and when the last of them goes, from the budget alone:
what is left now, then a full window's worth each time the window resets.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors, ratelimit
from worker.models import Connection, Order
from worker.models.base import utcnow


@dataclasses.dataclass(frozen=True)
class Backlog:
    """Orders waiting for the target's budget, the budget, and when the last one should be sent."""

    waiting: int
    limit: int
    window_seconds: int
    done_at: dt.datetime


def done_at(waiting: int, left: int, limit: int, resets_at: dt.datetime, seconds: int) -> dt.datetime | None:
    """When ``waiting`` documents are sent with ``left`` now and ``limit`` after each reset; None: no wait."""
    if waiting <= left:
        return None
    windows = math.ceil((waiting - left) / limit)
    return resets_at + dt.timedelta(seconds=seconds * (windows - 1))


def of_target(session: orm.Session, target: Connection, now: dt.datetime | None = None) -> Backlog | None:
    """The backlog of ``target``'s tenant, or None when nothing waits beyond this window's budget."""
    window = connectors.get(target.system).document_budget()
    if window is None:
        return None
    now = now or utcnow()
    waiting = session.execute(sa.select(sa.func.count()).select_from(Order).where(
        Order.tenant_id == target.tenant_id, Order.state == "queued")).scalar_one()
    row = next((b for b in ratelimit.budgets(target.id) if b["window"] == window.name), None)
    current = row is not None and row["resets_at"] > now
    left = row["remaining"] if current else window.limit
    resets_at = row["resets_at"] if current else now + dt.timedelta(seconds=window.seconds)
    finished = done_at(waiting, max(left, 0), window.limit, resets_at, window.seconds)
    return Backlog(waiting, window.limit, window.seconds, finished) if finished else None
