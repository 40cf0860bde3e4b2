"""The procrastinate app, and deferring jobs inside the caller's database transaction."""
from __future__ import annotations

import datetime as dt
import functools

import orjson
import procrastinate
from procrastinate import RetryDecision, manager, tasks
from procrastinate.exceptions import AlreadyEnqueued
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


def defer_once(session: orm.Session, task_name: str, key: str, **task_kwargs) -> bool:
    """Defer ``task_name`` with lock and queueing lock ``key`` unless such a job already waits (then False).

    In a savepoint, so procrastinate's refusal of a second waiting job leaves the caller's transaction whole."""
    try:
        with session.begin_nested():
            defer(session, task_name, lock=key, queueing_lock=key, **task_kwargs)
    except AlreadyEnqueued:
        return False
    return True


# procrastinate's own function for deferring many jobs (what its ``batch_defer_jobs`` calls), fed one JSON
# document instead of a job object and a composite value per job: those were a tenth of a webhook
# batch's time (issue 15). The jobs are the same rows, with the same triggers and NOTIFY.
_DEFER_MANY = (
    "SELECT procrastinate_defer_jobs_v1(ARRAY(SELECT ROW(j.queue_name, j.task_name, j.priority, j.lock, NULL, "
    "j.args, j.scheduled_at)::procrastinate_job_to_defer_v1 FROM json_to_recordset(%b::json) AS j(queue_name "
    "varchar, task_name varchar, priority integer, lock text, args jsonb, scheduled_at timestamptz)))")


def defer_many(session: orm.Session, wanted: list[tuple[str, dict, dict]]) -> None:
    """Defer every (task name, options, task kwargs) in ``session``'s transaction, in one statement.

    Options: ``lock`` and ``schedule_at`` (a queueing lock needs ``defer``, which can refuse one job alone).
    """
    if not wanted:
        return
    jobs = []
    for name, options, task_kwargs in wanted:
        if set(options) - {"lock", "schedule_at"}:
            raise ValueError(f"defer_many takes lock and schedule_at, not {sorted(options)}")
        task = _task(name)
        jobs.append({"queue_name": task.queue, "task_name": name, "priority": task.priority, "args": task_kwargs,
                     "lock": options.get("lock"), "scheduled_at": options.get("schedule_at")})
    db.psycopg_connection(session).execute(_DEFER_MANY, [orjson.dumps(jobs).decode()])
