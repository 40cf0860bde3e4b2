"""How far a migration is: orders fed, where they are in the pipeline, and the time left at the kept pace."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from worker import db
from worker.models import Migration, MigrationItem, Order, RateBudget
from worker.models.base import utcnow
from worker.staff.migrations import connections_of, pace_of


def progress(session: orm.Session, migration: Migration, now: dt.datetime | None = None) -> dict:
    """How far a migration is: orders fed, where they are now, and an estimate of the time left."""
    now = now or utcnow()
    states = dict(session.execute(sa.select(Order.state, sa.func.count()).select_from(MigrationItem).join(
        Order, Order.id == MigrationItem.order_id).where(MigrationItem.migration_id == migration.id)
        .group_by(Order.state)).all())
    fed = session.execute(sa.select(sa.func.count()).select_from(MigrationItem).where(
        MigrationItem.migration_id == migration.id, MigrationItem.fed_at.is_not(None))).scalar_one()
    left = migration.order_count - fed
    target = connections_of(session, migration.tenant_id)["target"]
    pace = pace_of(target)
    windows = session.execute(sa.select(RateBudget).where(RateBudget.connection_id == target.id)).scalars()
    per_second = min([w.limit * (1 - pace.reserve) / _seconds(w.window) for w in windows if ":errors:" not in w.window]
                     or [60 * (1 - pace.reserve) / 60])
    eta = round((left + states.get("queued", 0)) * pace.calls_per_order / per_second) if migration.state in (
        "running", "paused") else 0
    return {"total": migration.order_count, "fed": fed, "left": left, "states": states, "eta_seconds": eta,
            "percent": 100 if not migration.order_count else round(100 * fed / migration.order_count)}


def _seconds(window: str) -> int:
    return {"minute": 60, "hour": 3600, "day": 86400}.get(window.rsplit(":", 1)[-1], 60)


def progress_counts(migration_id: int) -> dict:
    """``progress`` of one migration in a session of its own (tests and the JSON of a monitoring system)."""
    with db.session_scope() as session:
        return progress(session, session.get(Migration, migration_id))
