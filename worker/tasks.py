"""Background jobs. Each takes ids only; secrets never travel in job arguments."""
from __future__ import annotations

import logging

from worker.config import settings
from worker.jobs import RemoteRetryStrategy, app
from worker.pipeline import process

log = logging.getLogger(__name__)


@app.task(name="process_order", queue="orders", retry=RemoteRetryStrategy())
def process_order(order_id: int) -> None:
    """Put one order into its target (deferred with lock=target:<connection id>)."""
    process.process_order(order_id)


async def requeue_stalled_jobs(job_manager, seconds_since_heartbeat: float) -> int:
    """Put jobs whose worker stopped sending heartbeats back in the queue, one by one.

    procrastinate's documented sweeper stops at the first job it cannot retry (issue #1446), so
    each job is retried on its own and a failure is logged, not raised (reliability.md §0).
    """
    requeued = 0
    for job in await job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat):
        try:
            await job_manager.retry_job(job)
            requeued += 1
        except Exception:
            log.exception("could not requeue stalled job %s", job.id)
    return requeued


@app.periodic(cron="* * * * *", periodic_id="sweep-stalled-jobs")
@app.task(name="sweep_stalled_jobs", queue="maintenance", queueing_lock="sweep-stalled-jobs", pass_context=True)
async def sweep_stalled_jobs(context, timestamp: int) -> None:
    """Every minute: requeue jobs left in 'doing' by a worker that died (SIGKILL, lost host)."""
    count = await requeue_stalled_jobs(context.app.job_manager, settings.stalled_worker_seconds)
    if count:
        log.warning("requeued %s stalled job(s)", count)
