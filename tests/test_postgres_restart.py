"""Postgres restarts under load: the worker process reconnects and carries on; every order is posted exactly once.

reference/reliability.md §D scenario 7: procrastinate's worker stops when a side task loses the
database ("Side task listener failed"), which left every order waiting until someone restarted it.
"""
from __future__ import annotations

import collections
import signal
import threading

import pytest
import sqlalchemy as sa

from tests.support.merchants import division_of, make_merchant
from tests.support.restartable_postgres import RestartablePostgres
from tests.support.waiting import wait_for
from tests.support.webhooks import an_order, delivery
from tests.support.workers import start_subprocess
from worker import db
from worker.models import Order

# Per merchant, few enough to stay inside our own 60 calls a minute per administration.
ORDERS_BEFORE, ORDERS_AFTER, MERCHANTS = 5, 2, 3


class Output:
    """The lines a subprocess writes, collected by a thread (so its pipe never fills up)."""

    def __init__(self, process):
        self.lines: list[str] = []
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process) -> None:
        for line in process.stdout:
            self.lines.append(line.decode(errors="replace"))

    def since(self, mark: int) -> str:
        return "".join(self.lines[mark:])


@pytest.fixture
def restartable(sandbox_server):
    server = RestartablePostgres()
    db.configure(server.url)
    sandbox_server.reset()
    sandbox_server.exact.rate_limits = False  # this test is about Postgres, not Exact's limits
    yield server
    db.engine().dispose()
    server.close()


def posted() -> int:
    with db.session_scope() as session:
        return session.execute(sa.select(sa.func.count()).where(Order.state == "posted")).scalar_one()


def send_orders(client, merchant, seeds) -> list[str]:
    numbers = []
    for seed in seeds:
        order = an_order(seed, status="paid", kind="b2c")
        body, headers = delivery(merchant["shop"]["webhook_secret"], order)
        assert client.post(f"/webhooks/kmoshops/{merchant['source'].webhook_token}", data=body,
                           headers=headers).status_code == 200
        numbers.append(order["number"])
    return numbers


def test_a_worker_carries_on_after_postgres_restarts_and_posts_every_order_once(restartable, sandbox_server):
    from portal import create_app

    client = create_app({"TESTING": True, "DATABASE_URL": restartable.url}).test_client()
    merchants = [make_merchant(sandbox_server) for _ in range(MERCHANTS)]
    sent = {m["tenant_id"]: send_orders(client, m, range(5000 + 100 * i, 5000 + 100 * i + ORDERS_BEFORE))
            for i, m in enumerate(merchants)}
    worker = start_subprocess(restartable.url)
    output = Output(worker)
    try:
        wait_for(lambda: posted() >= 3, timeout=90, message="the first orders posted")
        mark = len(output.lines)
        restartable.stop()
        # Postgres stays away until the worker has lost it and tried to start again without it.
        wait_for(lambda: "starting it again" in output.since(mark) or worker.poll() is not None, timeout=60,
                 message="the worker noticing the database is gone")
        restartable.start()
        for i, merchant in enumerate(merchants):  # new orders after the restart are picked up too
            sent[merchant["tenant_id"]] += send_orders(client, merchant, range(5050 + 100 * i,
                                                                               5050 + 100 * i + ORDERS_AFTER))
        total = sum(len(numbers) for numbers in sent.values())
        wait_for(lambda: posted() == total or worker.poll() is not None, timeout=240, interval=0.5,
                 message="every order posted")
        assert worker.poll() is None, "the worker exited:\n" + output.since(mark)[-3000:]
        assert posted() == total
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    for merchant in merchants:
        invoices = sandbox_server.exact.documents(division_of(merchant), "SalesInvoices")
        references = collections.Counter(invoice["YourRef"] for invoice in invoices)
        assert references == collections.Counter(sent[merchant["tenant_id"]])  # each exactly once


def test_sigterm_still_stops_the_supervised_worker(database):
    worker = start_subprocess(database)
    try:
        wait_for(lambda: _workers() == 1, timeout=30, message="the worker registered")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=40) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _workers() == 0  # it unregistered: a clean stop, not a stalled worker


def _workers() -> int:
    with db.engine().connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM procrastinate_workers")).scalar_one()


def test_connections_dropped_under_an_idle_worker_cost_a_retry_not_an_order(sandboxes):
    """The worker's pool pings no connection before use (worker/db.py): one the server dropped (an idle
    timeout, a proxy, pg_terminate_backend) fails the job that gets it, which is tried again; every
    order is still posted, once."""
    from portal import create_app

    client = create_app({"TESTING": True, "DATABASE_URL": db.database_url()}).test_client()
    merchant = make_merchant(sandboxes)
    numbers = send_orders(client, merchant, range(7000, 7002))
    worker = start_subprocess(db.database_url())
    output = Output(worker)
    try:
        wait_for(lambda: posted() == 2, timeout=90, message="the first orders posted")
        assert _drop_idle_worker_connections() > 0
        numbers += send_orders(client, merchant, range(7002, 7005))
        wait_for(lambda: posted() == 5 or worker.poll() is not None, timeout=120, interval=0.5,
                 message="every order posted")
        assert worker.poll() is None, "the worker exited:\n" + output.since(0)[-3000:]
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    invoices = sandboxes.exact.documents(division_of(merchant), "SalesInvoices")
    assert collections.Counter(invoice["YourRef"] for invoice in invoices) == collections.Counter(numbers)


def _drop_idle_worker_connections() -> int:
    """Terminate the worker's idle transaction connections (its LISTEN connection stays: that is a restart)."""
    with db.engine().connect() as conn:
        return len(conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state = 'idle' AND query NOT ILIKE 'LISTEN%' "
            "AND application_name NOT LIKE 'pytest%'")).all())
