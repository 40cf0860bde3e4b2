"""The procrastinate app, and deferring jobs inside the caller's database transaction."""
from __future__ import annotations

import datetime as dt
import functools

import procrastinate
from procrastinate import RetryDecision, manager, tasks
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
        # A job waiting behind another job's lock is not announced by NOTIFY when that job ends;
        # only polling finds it. One merchant's orders run one after another, so poll often.
        "fetch_job_polling_interval": settings.worker_poll_seconds,
    },
)


class RemoteRetryStrategy(procrastinate.BaseRetryStrategy):
    """Retry by what went wrong remotely: at the limit's reset, soon, or with back-off.

    A throttled call is never a failure: it waits for its window however often that happens.
    Losing the database (a Postgres restart) is retried soon. Anything else (a bug) is not
    retried; the task has already put the order in Errors.
    """

    max_attempts = 12

    def get_retry_decision(self, *, exception: BaseException, job) -> RetryDecision | None:
        if isinstance(exception, Throttled):
            return RetryDecision(retry_at=max(exception.retry_at, _now()) + dt.timedelta(seconds=1))
        if isinstance(exception, (OutcomeUnknown, RemoteUnavailable)) and job.attempts < self.max_attempts:
            return RetryDecision(retry_in={"seconds": min(5 * 2 ** job.attempts, 3600)})
        if db.unavailable(exception) and job.attempts < self.max_attempts:
            return RetryDecision(retry_in={"seconds": min(2 ** job.attempts, 60)})
        return None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@functools.cache
def _sync_job_manager() -> manager.JobManager:
    # Deferring always happens on the caller's own (sync) connection, so this never opens a pool;
    # the app's async connector would try to drive that connection as an async one.
    return manager.JobManager(procrastinate.SyncPsycopgConnector())


def _task(task_name: str):
    import worker.tasks  # noqa: F401  (registers the tasks on ``app``)

    return app.tasks[task_name]


def defer(session: orm.Session, task_name: str, *, lock: str | None = None,
          schedule_at: dt.datetime | None = None, queueing_lock: str | None = None, **task_kwargs) -> int:
    """Defer ``task_name`` in ``session``'s transaction: the job exists exactly when the commit does.

    With ``queueing_lock``, procrastinate raises AlreadyEnqueued when such a job already waits: call
    inside ``session.begin_nested()`` so the refusal does not abort the caller's transaction.
    """
    deferrer = tasks.configure_task(name=task_name, job_manager=_sync_job_manager(),
                                    connection=db.psycopg_connection(session), lock=lock, schedule_at=schedule_at,
                                    queueing_lock=queueing_lock, queue=_task(task_name).queue)
    return deferrer.defer(**task_kwargs)


def defer_many(session: orm.Session, wanted: list[tuple[str, dict, dict]]) -> None:
    """Defer every (task name, options, task kwargs) in ``session``'s transaction, in one statement."""
    if not wanted:
        return
    job_manager = _sync_job_manager()
    made = [tasks.configure_task(name=name, job_manager=job_manager, queue=_task(name).queue, **options)
            .make_new_job(**task_kwargs) for name, options, task_kwargs in wanted]
    job_manager.batch_defer_jobs(made, connection=db.psycopg_connection(session))
