"""Health: the queue, budgets and backlog per connection, outbox, webhooks and orders in doubt, as a page and JSON."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.staff import staff_client
from tests.support.webhooks import an_order, delivery
from worker import config, db
from worker.models import Order, Posting, RateBudget
from worker.models.base import utcnow
from worker.staff import health


def paid_order(app, merchant, seed: int) -> int:
    body, headers = delivery(merchant["shop"]["webhook_secret"], an_order(seed, status="paid"))
    assert app.test_client().post(f"/webhooks/kmoshops/{merchant['source'].webhook_token}", data=body,
                                  headers=headers).status_code == 200
    with db.session_scope() as session:
        return session.execute(sa.select(Order.id).where(Order.tenant_id == merchant["tenant_id"],
                                                         Order.number == f"KMO-2026-{seed:05d}")).scalar_one()


def stall_the_job_of(order_id: int) -> None:
    """The job of ``order_id`` taken by a worker that then stopped sending heartbeats an hour ago."""
    with db.engine().begin() as conn:
        worker_id = conn.execute(sa.text("INSERT INTO procrastinate_workers (last_heartbeat) "
                                         "VALUES (now() - interval '1 hour') RETURNING id")).scalar_one()
        conn.execute(sa.text("UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w "
                             "WHERE (args->>'order_id')::int = :o"), {"w": worker_id, "o": order_id})


def test_the_json_counts_jobs_backlog_stalled_jobs_and_orders_in_doubt(app, sandboxes):
    merchant = make_merchant(sandboxes)  # connected: only orders that can reach their target get a job
    _, stalled, doubtful = (paid_order(app, merchant, seed) for seed in (701, 702, 703))
    stall_the_job_of(stalled)
    with db.session_scope() as session:
        session.add(Posting(tenant_id=merchant["tenant_id"], order_id=doubtful, state="in_doubt",
                            target_connection_id=merchant["target"].id, reference="KMO-2026-00703",
                            document_type="invoice"))
    client, _ = staff_client(app)
    figures = client.get("/staff/health.json").get_json()
    jobs = figures["queue"]["by_task"]["process_order"]
    assert jobs == {"todo": 2, "doing": 1} and figures["queue"]["stalled"] == 1
    assert figures["queue"]["oldest_waiting"]["task"] == "process_order"
    mine = [c for c in figures["connections"] if c["tenant_id"] == merchant["tenant_id"]]
    assert mine[0]["backlog"] == 3 and mine[0]["eta_seconds"] > 0
    assert [d["number"] for d in figures["in_doubt"]] == ["KMO-2026-00703"]
    assert figures["webhooks"]["received"] == 3 and "unsent" in figures["outbox"]
    page = client.get("/staff/health").get_data(as_text=True)
    assert "KMO-2026-00703" in page and 'hx-trigger="every 5s"' in page


def test_polling_the_figures_does_not_keep_a_staff_session_alive(app, database):
    client, _ = staff_client(app)
    assert "koppel_staff=" in client.get("/staff/health").headers.get("Set-Cookie", "")
    assert "koppel_staff=" not in client.get("/staff/health/live").headers.get("Set-Cookie", "")


def test_a_monitoring_system_reads_the_json_with_its_token_and_nothing_else(app, database):
    old = config.override(monitoring_token="monitor-secret-123")
    try:
        robot = app.test_client()
        assert robot.get("/staff/health.json", headers={"Authorization": "Bearer monitor-secret-123"}
                         ).status_code == 200
        assert robot.get("/staff/health.json", headers={"Authorization": "Bearer wrong"}).status_code == 302
        assert robot.get("/staff/health", headers={"Authorization": "Bearer monitor-secret-123"}).status_code == 302
    finally:
        config.override(**old)
    assert app.test_client().get("/staff/health.json").status_code == 302  # no token configured: staff only


def test_the_backlog_eta_waits_for_the_day_budget_when_it_runs_out():
    now = utcnow()
    day = RateBudget(window="exact:day", limit=5000, remaining=30, resets_at=now + dt.timedelta(hours=2))
    minute = RateBudget(window="exact:minute", limit=60, remaining=60, resets_at=now + dt.timedelta(seconds=30))
    assert health.backlog_eta(0, [day, minute], now) == 0
    assert health.backlog_eta(5, [day, minute], now) == 15  # 15 calls at 60 a minute
    assert health.backlog_eta(100, [day, minute], now) >= 2 * 3600  # 300 calls, 30 left today


def test_failed_webhooks_are_what_the_shops_report_about_their_subscriptions_to_koppel(web, sandboxes):
    healthy, unsubscribed = make_merchant(sandboxes, connect_exact=False), make_merchant(sandboxes,
                                                                                          connect_exact=False)
    shop_id = unsubscribed["shop"]["shop_id"]
    for sub in sandboxes.kmo.subscriptions(shop_id):
        sandboxes.kmo.unsubscribe(shop_id, sub["id"])
    client, _ = staff_client(web)
    report = client.get("/staff/health.json", query_string={"webhooks": "1"}).get_json()["shop_webhooks"]
    assert report["asked"] == 2
    assert [(p["tenant_id"], p["problem"][:15]) for p in report["failing"]] == [
        (unsubscribed["tenant_id"], "no webhook subs")]
    assert healthy["tenant_id"] not in {p["tenant_id"] for p in report["failing"]}
    assert "no webhook subscription" in client.get("/staff/health/webhooks").get_data(as_text=True)
