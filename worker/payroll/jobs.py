"""The payroll jobs (registered on the procrastinate app by worker.tasks)."""
from __future__ import annotations

import logging

from worker.connectors.errors import OutcomeUnknown, RemoteError, RemoteUnavailable, Throttled
from worker.jobs import RemoteRetryStrategy, app
from worker.payroll import poll, posting

log = logging.getLogger(__name__)


@app.task(name="post_payroll_run", queue="orders", retry=RemoteRetryStrategy(), pass_context=True)
def post_payroll_run(context, payroll_run_id: int) -> None:
    """Post one payroll run into the ledger (deferred with lock=ledger:<connection id>), exactly once per period."""
    try:
        posting.post_run(payroll_run_id)
    except (OutcomeUnknown, RemoteUnavailable) as exc:
        if context.job.attempts < RemoteRetryStrategy.max_attempts:
            raise
        # Unreachable through every retry: the run ends in failed with the reason, never nowhere.
        log.error("payroll run %s: giving up after %s attempts: %s", payroll_run_id, context.job.attempts, exc)
        posting.give_up(payroll_run_id, str(exc))


@app.task(name="check_payroll_run", queue="orders", retry=RemoteRetryStrategy())
def check_payroll_run(payroll_run_id: int) -> None:
    """Run the before-send check on a run that appeared (balanced, accounts exist, periods open); send nothing."""
    posting.check_run(payroll_run_id)


@app.periodic(cron="45 5 * * *", periodic_id="poll-payroll-runs")
@app.task(name="poll_payroll_runs", queue="maintenance", queueing_lock="poll-payroll-runs")
def poll_payroll_runs(timestamp: int) -> None:
    """Every morning: check the runs that appeared in each payroll company, and re-read the ones sent."""
    for tenant_id in poll.tenant_ids():
        try:
            poll.poll(tenant_id)
        except RemoteError as exc:
            log.warning("payroll poll of tenant %s failed: %s", tenant_id, exc)


@app.task(name="poll_tenant_payroll", queue="maintenance", retry=RemoteRetryStrategy())
def poll_tenant_payroll(tenant_id: int) -> None:
    """The morning's poll for one tenant, now (lock and queueing_lock payroll-poll:<id>): a company just mapped."""
    try:
        poll.poll(tenant_id)
    except (Throttled, OutcomeUnknown, RemoteUnavailable):
        raise  # a listing only reads: retried with back-off, and the morning poll comes anyway
    except RemoteError as exc:
        log.warning("payroll poll of tenant %s failed: %s", tenant_id, exc)
