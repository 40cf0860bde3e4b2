"""The payroll jobs (registered on the procrastinate app by worker.tasks)."""
from __future__ import annotations

from worker.jobs import RemoteRetryStrategy, app
from worker.payroll import posting


@app.task(name="post_payroll_run", queue="orders", retry=RemoteRetryStrategy())
def post_payroll_run(payroll_run_id: int) -> None:
    """Post one payroll run into the ledger (deferred with lock=ledger:<connection id>), exactly once per period."""
    posting.post_run(payroll_run_id)
