"""Health tells the stalled-job sweeper's requeues apart from other retries: a worker killed mid-job shows there."""
from __future__ import annotations

import signal

import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.staff import staff_client
from tests.support.waiting import wait_for
from tests.support.workers import start_subprocess
from tests.test_worker_crash import posting_state, sweep
from worker import db
from worker.connectors.exact.sandbox import FaultRule


def test_a_job_of_a_killed_worker_is_counted_as_a_sweeper_requeue_not_a_retry(app, sandboxes, web, database):
    merchant = make_merchant(sandboxes)
    client, _ = staff_client(app)
    before = client.get("/staff/health.json").get_json()["queue"]
    assert before["stalled_requeued_last_hour"] == 0 and before["last_stalled_requeue"] is None

    sandboxes.exact.add_fault(FaultRule(method="POST", path="salesinvoice/SalesInvoices", mode="hang",
                                        hang_seconds=20, count=1))
    process = start_subprocess(database)
    try:
        shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
        wait_for(lambda: posting_state(shop_order["number"]) == "in_flight", timeout=30, message="worker mid-job")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    wait_for(lambda: sweep(database) >= 1, timeout=30, interval=0.5, message="sweeper requeues the job")

    figures = client.get("/staff/health.json").get_json()["queue"]
    assert figures["stalled_requeued_last_hour"] == 1 and figures["last_stalled_requeue"]
    assert figures["retries_last_hour"] == 0  # procrastinate logged one retry: the sweeper's, not another
    with db.engine().connect() as conn:
        task = conn.execute(sa.text("SELECT task_name FROM stalled_requeues")).scalar_one()
    assert task == "process_order"
    page = client.get("/staff/health").get_data(as_text=True)
    assert '<strong id="stalled-requeued">1</strong>' in page and '<span id="other-retries">0</span>' in page
