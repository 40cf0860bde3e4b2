"""The procrastinate app, and deferring jobs inside the caller's database transaction."""
from __future__ import annotations

import datetime as dt
import functools

import procrastinate
from procrastinate import RetryDecision
from sqlalchemy import orm

from worker import db
from worker.config import settings
from worker.connectors.errors import OutcomeUnknown, RemoteUnavailable, Throttled

app = procrastinate.App(
    connector=procrastinate.PsycopgConnector(conninfo=settings.database_url or ""),
    import_paths=["worker.tasks"],
    worker_defaults={
        "concurrency": settings.worker_concurrency,
        "update_heartbeat_interval": max(1, settings.stalled_worker_seconds // 3),
        "stalled_worker_timeout": settings.stalled_worker_seconds,
        "delete_jobs": "successful",
        "shutdown_graceful_timeout": 25,
    },
)


class RemoteRetryStrategy(procrastinate.BaseRetryStrategy):
    """Retry by what went wrong remotely: at the limit's reset, soon, or with back-off.

    A throttled call is never a failure: it waits for its window however often that happens.
    Anything else (a bug) is not retried; the task has already put the order in Errors.
    """

    max_attempts = 12

    def get_retry_decision(self, *, exception: BaseException, job) -> RetryDecision | None:
        if isinstance(exception, Throttled):
            return RetryDecision(retry_at=max(exception.retry_at, _now()) + dt.timedelta(seconds=1))
        if isinstance(exception, (OutcomeUnknown, RemoteUnavailable)) and job.attempts < self.max_attempts:
            return RetryDecision(retry_in={"seconds": min(5 * 2 ** job.attempts, 3600)})
        return None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@functools.cache
def _deferring_app() -> procrastinate.App:
    # Deferring always happens on the caller's own connection, so this app never opens a pool.
    return app.with_connector(procrastinate.SyncPsycopgConnector())


def defer(session: orm.Session, task_name: str, *, lock: str | None = None,
          schedule_at: dt.datetime | None = None, **task_kwargs) -> int:
    """Defer ``task_name`` in ``session``'s transaction: the job exists exactly when the commit does."""
    deferrer = _deferring_app().configure_task(
        task_name, connection=db.psycopg_connection(session), lock=lock, schedule_at=schedule_at)
    return deferrer.defer(**task_kwargs)
