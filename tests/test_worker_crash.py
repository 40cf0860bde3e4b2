"""A worker SIGKILLed after Exact committed the document but before we recorded it: still one document."""
from __future__ import annotations

import asyncio
import signal

import procrastinate
import sqlalchemy as sa

from tests.support.merchants import division_of, make_merchant
from tests.support.waiting import wait_for
from tests.support.workers import WorkerThread, start_subprocess
from worker import db, jobs
from worker.connectors.exact.sandbox import FaultRule
from worker.models import Order, Posting
from worker.tasks import requeue_stalled_jobs


def posting_state(number: str) -> str | None:
    with db.session_scope() as session:
        return session.execute(sa.select(Posting.state).join(Order).where(Order.number == number)).scalar()


def sweep(database_url: str) -> int:
    """Run the sweeper once, as its periodic job would."""
    app = jobs.app.with_connector(procrastinate.PsycopgConnector(conninfo=database_url))

    async def run() -> int:
        async with app.open_async():
            return await requeue_stalled_jobs(app.job_manager, seconds_since_heartbeat=3)

    return asyncio.run(run())


def test_worker_killed_in_the_ambiguity_window_posts_exactly_once(sandboxes, web, database):
    merchant = make_merchant(sandboxes)
    division = division_of(merchant)
    sandboxes.exact.add_fault(FaultRule(method="POST", path="salesinvoice/SalesInvoices",
                                        mode="commit_then_hang", hang_seconds=60, count=1))
    process = start_subprocess(database)
    try:
        shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
        # Exact has the invoice, our posting says in flight: the worker is inside the window.
        wait_for(lambda: sandboxes.exact.documents(division, "SalesInvoices"), timeout=30, message="remote commit")
        assert posting_state(shop_order["number"]) == "in_flight"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    # The job is stuck in "doing" until the sweeper sees the dead worker's heartbeat go stale.
    wait_for(lambda: sweep(database) >= 1, timeout=30, interval=0.5, message="sweeper requeues the job")
    thread = WorkerThread(database).start()
    try:
        wait_for(lambda: posting_state(shop_order["number"]) == "posted", timeout=30)
    finally:
        thread.stop()
    [invoice] = sandboxes.exact.documents(division, "SalesInvoices")
    assert sandboxes.exact.post_count(division, "SalesInvoices") == 1
    with db.session_scope() as session:
        posting = session.execute(sa.select(Posting)).scalar_one()
        assert posting.remote_id == invoice["InvoiceID"]
        assert session.execute(sa.select(Order.state)).scalar_one() == "posted"
