"""Health figures for the console and for monitoring: queue, budgets and backlog, outbox, webhooks, doubt.

Every figure is read from Postgres, so any web process shows what every worker does.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from worker.config import settings
from worker.models import Connection, Order, OutboxEmail, Posting, RateBudget, Tenant, WebhookDelivery
from worker.models.base import utcnow

CALLS_PER_ORDER = 3  # a returning customer's order costs one; a new customer and new items a few more

JOBS_BY_STATE = sa.text("SELECT task_name, status::text AS status, count(*) AS n FROM procrastinate_jobs "
                        "GROUP BY task_name, status ORDER BY task_name, status")
OLDEST_WAITING = sa.text("""
    SELECT j.id, j.task_name, min(e.at) AS since FROM procrastinate_jobs j
    JOIN procrastinate_events e ON e.job_id = j.id AND e.type = 'deferred'
    WHERE j.status = 'todo' AND (j.scheduled_at IS NULL OR j.scheduled_at <= now())
    GROUP BY j.id, j.task_name ORDER BY since LIMIT 1""")
STALLED = sa.text("""
    SELECT count(*) FROM procrastinate_jobs j LEFT JOIN procrastinate_workers w ON w.id = j.worker_id
    WHERE j.status = 'doing' AND (w.id IS NULL OR w.last_heartbeat < now() - make_interval(secs => :seconds))""")
# procrastinate records a sweeper's requeue as a retry too; stalled_requeues holds the sweeper's own,
# so "other retries" are the difference and the two figures never count a job twice.
RETRIES = sa.text("SELECT count(*) FROM procrastinate_events WHERE type = 'deferred_for_retry' "
                  "AND at > now() - interval '1 hour'")
SWEPT = sa.text("SELECT count(*) AS n, max(requeued_at) AS last FROM stalled_requeues "
                "WHERE requeued_at > now() - interval '1 hour'")
WORKERS = sa.text("SELECT count(*) FROM procrastinate_workers "
                  "WHERE last_heartbeat > now() - make_interval(secs => :seconds)")


def queue(session: orm.Session) -> dict:
    """Jobs by task and state, the oldest job waiting, stalled jobs, sweeper requeues and other retries."""
    by_task: dict[str, dict[str, int]] = {}
    for row in session.execute(JOBS_BY_STATE):
        by_task.setdefault(row.task_name, {})[row.status] = row.n
    oldest = session.execute(OLDEST_WAITING).first()
    seconds = settings.stalled_worker_seconds
    swept = session.execute(SWEPT).one()
    retries = session.execute(RETRIES).scalar_one()
    return {"by_task": by_task,
            "oldest_waiting": None if oldest is None else {
                "job_id": oldest.id, "task": oldest.task_name, "since": oldest.since.isoformat(),
                "seconds": round((utcnow() - oldest.since).total_seconds())},
            "stalled": session.execute(STALLED, {"seconds": seconds}).scalar_one(),
            "stalled_requeued_last_hour": swept.n,
            "last_stalled_requeue": swept.last.isoformat() if swept.last else None,
            "retries_last_hour": max(0, retries - swept.n),  # other retries: the sweeper's are counted above
            "live_workers": session.execute(WORKERS, {"seconds": seconds}).scalar_one()}


def backlog_eta(backlog: int, windows: list[RateBudget], now: dt.datetime) -> int:
    """Seconds until ``backlog`` orders are through at this connection's limits (an estimate).

    Each window allows ``limit`` calls per period: the backlog takes as long as its slowest window,
    waiting for a reset whenever what is left of a window runs out. Without known windows, Exact's
    60 calls a minute is assumed.
    """
    need = backlog * CALLS_PER_ORDER
    eta = float(need)  # 60 calls a minute
    for window in windows:
        if ":errors:" in window.window:
            continue
        seconds = _window_seconds(window)
        remaining = window.remaining if window.resets_at > now else window.limit
        if need <= remaining:
            eta = max(eta, need * seconds / window.limit if seconds <= 3600 else 0)
        else:
            to_reset = (window.resets_at - now).total_seconds() if window.resets_at > now else 0
            eta = max(eta, to_reset + (need - remaining) // window.limit * seconds)
    return round(eta) if backlog else 0


def _window_seconds(window: RateBudget) -> int:
    return {"minute": 60, "day": 86400, "hour": 3600}.get(window.window.rsplit(":", 1)[-1], 60)


def connections(session: orm.Session, now: dt.datetime | None = None) -> list[dict]:
    """Per target connection: its rate and error budgets, its backlog of queued orders and the ETA."""
    now = now or utcnow()
    backlog = dict(session.execute(sa.select(Order.tenant_id, sa.func.count()).where(Order.state == "queued")
                                   .group_by(Order.tenant_id)).all())
    rows = session.execute(sa.select(Connection, Tenant).join(Tenant, Tenant.id == Connection.tenant_id)
                           .where(Connection.role == "target").order_by(Tenant.name)).all()
    budgets: dict[int, list[RateBudget]] = {}
    for budget in session.execute(sa.select(RateBudget).order_by(RateBudget.window)).scalars():
        budgets.setdefault(budget.connection_id, []).append(budget)
    result = []
    for connection, tenant in rows:
        mine, waiting = budgets.get(connection.id, []), backlog.get(tenant.id, 0)
        if not mine and not waiting and connection.status == "connected":
            continue  # quiet and healthy: not worth a line
        result.append({"tenant_id": tenant.id, "tenant": tenant.name, "connection_id": connection.id,
                       "system": connection.system, "status": connection.status, "backlog": waiting,
                       "eta_seconds": backlog_eta(waiting, mine, now),
                       "rate": [_budget(b, now) for b in mine if ":errors:" not in b.window],
                       "errors": [_budget(b, now) for b in mine if ":errors:" in b.window]})
    return result


def _budget(budget: RateBudget, now: dt.datetime) -> dict:
    live = budget.resets_at > now
    return {"window": budget.window, "limit": budget.limit, "remaining": budget.remaining if live else budget.limit,
            "resets_at": budget.resets_at.isoformat() if live else None}


def outbox(session: orm.Session) -> dict:
    """Unsent e-mail: how many, and since when."""
    count, oldest = session.execute(sa.select(sa.func.count(), sa.func.min(OutboxEmail.created_at))
                                    .where(OutboxEmail.sent_at.is_(None))).one()
    return {"unsent": count, "oldest": oldest.isoformat() if oldest else None, "smtp": bool(settings.smtp_url)}


def webhooks(session: orm.Session, hours: int = 24) -> dict:
    """Deliveries stored in the last ``hours``, and those that did not become an order.

    Refused deliveries (bad signature, unreadable body) are answered 4xx and not stored, so the
    shop retries them; they do not show here.
    """
    since = utcnow() - dt.timedelta(hours=hours)
    failed = session.execute(sa.select(sa.func.count()).select_from(WebhookDelivery).where(
        WebhookDelivery.received_at > since, WebhookDelivery.order_id.is_(None))).scalar_one()
    total = session.execute(sa.select(sa.func.count()).select_from(WebhookDelivery).where(
        WebhookDelivery.received_at > since)).scalar_one()
    return {"hours": hours, "received": total, "without_order": failed}


def in_doubt(session: orm.Session) -> list[dict]:
    """Postings whose outcome is unknown or that are in flight: looked up by reference before a resend."""
    rows = session.execute(sa.select(Posting, Order.number, Tenant.name).join(Order, Order.id == Posting.order_id)
                           .join(Tenant, Tenant.id == Posting.tenant_id)
                           .where(Posting.state.in_(("in_doubt", "in_flight"))).order_by(Posting.updated_at)
                           .limit(100)).all()
    return [{"tenant_id": p.tenant_id, "tenant": name, "order_id": p.order_id, "number": number, "state": p.state,
             "attempts": p.attempts, "since": p.updated_at.isoformat()} for p, number, name in rows]


def figures(session: orm.Session) -> dict:
    """Every figure of the health page, as JSON-ready data."""
    return {"at": utcnow().isoformat(), "queue": queue(session), "connections": connections(session),
            "outbox": outbox(session), "webhooks": webhooks(session), "in_doubt": in_doubt(session)}
