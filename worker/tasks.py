"""Background jobs. Each takes ids only; secrets never travel in job arguments."""
from __future__ import annotations

import contextlib
import logging

from worker import attempts, breakage, db, digest, mail, subscription
from worker.config import settings
from worker.connectors.errors import OutcomeUnknown, RemoteError, RemoteUnavailable
from worker.jobs import RemoteRetryStrategy, app
from worker.pipeline import polling, pollqueue, process, recheck, reconcile, vat_step, waiting
from worker.pipeline.messages import problem
from worker.staff import jobs as staff_jobs  # noqa: F401  (registers run_migration)
from worker.payroll import jobs as payroll_jobs  # noqa: F401  (registers post_payroll_run)
from worker.mirror import jobs as mirror_jobs  # noqa: F401  (registers sync_mirror, sync_mirrors)

log = logging.getLogger(__name__)


# Remote waits are handled inside the job (a lock-free resume job); the retry strategy is there for
# Postgres going away mid-job, which is no fault of the order.
@app.task(name="process_order", queue="orders", retry=RemoteRetryStrategy())
def process_order(order_id: int) -> None:
    """Put one order into its target (deferred with lock=target:<connection id>; never waits holding it)."""
    process.process_order(order_id)


@app.task(name="resume_order", queue="orders", retry=RemoteRetryStrategy())
def resume_order(order_id: int) -> None:
    """An order's wait is over: queue it under its target's lock again (this job itself has no lock)."""
    waiting.resume(order_id)


@app.task(name="retry_order", queue="orders")
def retry_order(order_id: int) -> None:
    """Process all: read one failed order from the shop again and send it on when its status allows."""
    recheck.read_again(order_id, "failed")


@app.task(name="check_vat_number", queue="orders", retry=RemoteRetryStrategy(), pass_context=True)
def check_vat_number(context, order_id: int) -> None:
    """Ask VIES about an ICP order's VAT number, outside the merchant's lock, then queue the order."""
    with give_up_after_last_retry(context, order_id):
        vat_step.check_vat_number(order_id)


@contextlib.contextmanager
def give_up_after_last_retry(context, order_id: int):
    """When a remote stays unreachable through every retry, the order goes to Errors, never nowhere."""
    try:
        yield
    except (OutcomeUnknown, RemoteUnavailable) as exc:
        if context.job.attempts < RemoteRetryStrategy.max_attempts:
            raise
        log.error("order %s: giving up after %s attempts: %s", order_id, context.job.attempts, exc)
        process.fail(order_id, problem("REMOTE_UNREACHABLE", detail=str(exc)))


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
            # procrastinate logs this retry like any other; the health page counts sweeps apart.
            await job_manager.connector.execute_query_async(RECORD_REQUEUE, job_id=job.id, task_name=job.task_name)
        except Exception:
            log.exception("could not requeue stalled job %s", job.id)
    return requeued


RECORD_REQUEUE = "INSERT INTO stalled_requeues (job_id, task_name) VALUES (%(job_id)s, %(task_name)s)"


@app.periodic(cron="* * * * *", periodic_id="sweep-stalled-jobs")
@app.task(name="sweep_stalled_jobs", queue="maintenance", queueing_lock="sweep-stalled-jobs", pass_context=True)
async def sweep_stalled_jobs(context, timestamp: int) -> None:
    """Every minute: requeue jobs left in 'doing' by a worker that died (SIGKILL, lost host)."""
    count = await requeue_stalled_jobs(context.app.job_manager, settings.stalled_worker_seconds)
    if count:
        log.warning("requeued %s stalled job(s)", count)


@app.periodic(cron="0 3 * * *", periodic_id="recheck-open-orders")
@app.task(name="recheck_open_orders", queue="maintenance", queueing_lock="recheck-open-orders")
def recheck_open_orders(timestamp: int) -> None:
    """Every night: ask the shop for the status of every order waiting in Open (polled shops' runs do it)."""
    polled = set(polling.polled_source_ids())
    for source_id in set(recheck.source_ids()) - polled:
        recheck.recheck_open_orders(source_id)


@app.periodic(cron="17 * * * *", periodic_id="poll-shop-changes")
@app.task(name="poll_shop_changes", queue="maintenance", queueing_lock="poll-shop-changes")
def poll_shop_changes(timestamp: int) -> None:
    """Every hour: fetch orders changed since the newest we have, in case a webhook never came."""
    polled = set(polling.polled_source_ids())
    for source_id in recheck.source_ids():
        if source_id in polled:
            continue  # fetched on its own schedule (poll_source), not caught up after webhooks
        try:
            recheck.poll_changes(source_id)
        except RemoteError as exc:
            log.warning("poll of shop %s failed: %s", source_id, exc)
            breakage.source_refused(source_id, exc)  # a revoked key turns the shop red and mails once


@app.periodic(cron="* * * * *", periodic_id="poll-due-sources")
@app.task(name="poll_due_sources", queue="maintenance", queueing_lock="poll-due-sources")
def poll_due_sources(timestamp: int) -> None:
    """Every minute: queue the run of each polled shop whose time has come (each at its own time)."""
    pollqueue.defer_due()


@app.task(name="poll_source", queue="maintenance", retry=RemoteRetryStrategy())
def poll_source(connection_id: int) -> None:
    """One polling run of one shop (lock and queueing_lock poll:<id>); a throttled run resumes at the reset."""
    polling.run(connection_id)


@app.periodic(cron="30 4 * * *", periodic_id="reconcile-targets")
@app.task(name="reconcile_targets", queue="maintenance", queueing_lock="reconcile-targets")
def reconcile_targets(timestamp: int) -> None:
    """Every night, before the digest: one reconciliation job per connected target administration."""
    reconcile.defer_all()


@app.task(name="reconcile_target", queue="maintenance")
def reconcile_target(connection_id: int) -> None:
    """List the administration's recent documents: references in it twice, or never sent by us."""
    try:
        reconcile.reconcile(connection_id)
    except RemoteError as exc:
        log.warning("reconciliation of connection %s failed: %s", connection_id, exc)


@app.periodic(cron="0 7 * * *", periodic_id="error-digests")
@app.task(name="send_error_digests", queue="maintenance", queueing_lock="error-digests")
def send_error_digests(timestamp: int) -> None:
    """Every morning: one e-mail per merchant listing the orders that failed since the last one."""
    digest.queue_all()
    mail.send_outbox()


@app.periodic(cron="*/5 * * * *", periodic_id="send-outbox")
@app.task(name="send_outbox", queue="maintenance", queueing_lock="send-outbox")
def send_outbox(timestamp: int) -> None:
    """Every five minutes: send what waits in the outbox (only when SMTP is configured)."""
    mail.send_outbox()


@app.task(name="send_mail_now", queue="maintenance")
def send_mail_now() -> None:
    """Send the outbox now, for mail that must not wait (a connection needs its merchant to log in again)."""
    mail.send_outbox()


@app.periodic(cron="0 8 * * *", periodic_id="subscription-offers")
@app.task(name="send_subscription_offers", queue="maintenance", queueing_lock="subscription-offers")
def send_subscription_offers(timestamp: int) -> None:
    """Every morning: offer a paid year to merchants whose trial ends within five days."""
    with db.session_scope() as session:
        subscription.send_offers(session)
    mail.send_outbox()


@app.periodic(cron="17 * * * *", periodic_id="prune-auth-attempts")
@app.task(name="prune_auth_attempts", queue="maintenance", queueing_lock="prune-auth-attempts")
def prune_auth_attempts(timestamp: int) -> None:
    """Every hour: forget sign-in and sign-up attempts that no rate limit looks at any more."""
    with db.session_scope() as session:
        attempts.prune(session)
