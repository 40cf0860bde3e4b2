"""Deliveries that arrive together are stored together, and each gets the answer it would get alone.

The batch is made to form: the test holds the leader's place (``GROUP.held()``) while the shops'
requests arrive over the real socket, then lets go, and one leader stores them all in one
transaction. Each answer and each row must be what the delivery alone gives (tests/test_webhook_intake.py).
"""
from __future__ import annotations

import concurrent.futures

import requests
import sqlalchemy as sa

from tests.conftest import WEB_PORT
from tests.support.merchants import make_merchant
from tests.support.waiting import wait_for
from tests.support.webhooks import an_order, delivery
from tests.support.language import says
from worker import db
from worker.inbox import GROUP
from worker.inbox.alone import OUR_FAULT

LATER = "2099-01-01T00:00:00Z"


def send_together(deliveries: list[tuple[str, bytes, dict]]) -> list[tuple[int, str]]:
    """Post every (path, body, headers) at once while the batch is held; (status, text) of each, in order."""
    def post(one):
        path, body, headers = one
        answer = requests.post(f"http://127.0.0.1:{WEB_PORT}{path}", data=body, headers=headers, timeout=30)
        return answer.status_code, answer.json()["status"]

    largest = GROUP.largest
    with concurrent.futures.ThreadPoolExecutor(len(deliveries)) as pool:
        with GROUP.held():
            futures = [pool.submit(post, one) for one in deliveries]
            wait_for(lambda: GROUP.waiting() >= len(deliveries), timeout=30)
        answers = [future.result(timeout=60) for future in futures]
    assert GROUP.largest >= len(deliveries) or largest >= len(deliveries)  # they were stored as one batch
    return answers


def rows(sql: str, **params) -> list:
    with db.engine().connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def test_a_batch_answers_and_stores_each_delivery_as_it_would_alone(sandboxes, web):
    shop = make_merchant(sandboxes)
    other = make_merchant(sandboxes)
    path, secret = f"/webhooks/kmoshops/{shop['source'].webhook_token}", shop["shop"]["webhook_secret"]
    known = an_order(30, status="paid")
    sent_before = delivery(secret, known)
    assert requests.post(f"http://127.0.0.1:{WEB_PORT}{path}", data=sent_before[0], headers=sent_before[1],
                         timeout=30).status_code == 200
    twice = delivery(secret, an_order(31, status="paid"))
    pending = an_order(32, status="pending_payment")
    latin1 = b'{"id": 38, "number": "KMO-\xe9", "status": "paid"}'  # not UTF-8: stored alone, after the batch
    batch = [
        (path, *delivery(secret, an_order(33, status="paid"))),  # new, paid: queued
        (path, *twice), (path, *twice),  # one delivery sent twice: stored once
        (path, *delivery(secret, pending)),  # one order in two versions in the same batch
        (path, *delivery(secret, {**pending, "status": "paid", "updated_at": LATER}, topic="orders/updated")),
        (path, *delivery(secret, {**known, "status": "cancelled", "updated_at": LATER})),  # known: updated
        (path, *delivery(secret, {"id": 34, "number": "KMO-2026-BROKEN"})),  # unreadable: kept in Errors
        (path, *delivery(secret, an_order(35), topic="products/updated")),  # not an order topic
        (path, *delivery("not-the-secret", an_order(36))),  # forged
        ("/webhooks/kmoshops/no-such-token", *delivery(secret, an_order(37))),  # unknown shop
        (path, *delivery(secret, latin1)),
        (f"/webhooks/kmoshops/{other['source'].webhook_token}",
         *delivery(other["shop"]["webhook_secret"], an_order(33, status="paid"))),  # same order id, other shop
    ]
    jobs_before = {row.id for row in rows("SELECT id FROM procrastinate_jobs")}

    answers = send_together(batch)

    # The two copies of one delivery reach the batch in either order: one is stored, the other is its duplicate.
    assert sorted(answers[1:3]) == [(200, "duplicate delivery"), (200, "stored")]
    assert answers[:1] + answers[3:] == [
        (200, "stored"), (200, "stored"), (200, "stored"), (200, "stored"), (200, "stored, unreadable"),
        (202, "topic ignored"), (401, "invalid signature"), (404, "unknown webhook"), (200, "stored, unreadable"),
        (200, "stored")]
    orders = {(row.connection_id, row.shop_order_id): row for row in rows(
        "SELECT id, connection_id, shop_order_id, state, shop_status, error_code FROM orders")}
    mine = {shop_order_id: row for (connection, shop_order_id), row in orders.items()
            if connection == shop["source"].id}
    assert mine[str(known["id"])].state == "skipped"  # the known order took the later, cancelled version
    assert (mine[str(pending["id"])].state, mine[str(pending["id"])].shop_status) == ("queued", "paid")
    assert mine["34"].error_code == "ORDER_UNREADABLE"
    assert len(mine) == 5 and len(orders) == 6  # 30-34 here (not the latin-1 body's), the other shop's 33
    queued = sorted(str(row.id) for row in orders.values() if row.state == "queued")
    assert len(queued) == 4  # 31, 32 (paid in the batch), 33 and the other shop's 33
    jobs = rows("SELECT id, task_name, args->>'order_id' AS order_id FROM procrastinate_jobs")
    new_jobs = [job for job in jobs if job.id not in jobs_before]
    assert sorted(job.order_id for job in new_jobs) == queued  # one job per queued order, none else
    assert {job.task_name for job in new_jobs} == {"process_order"}
    deliveries = rows("SELECT order_id, problem FROM webhook_deliveries")
    assert len(deliveries) == 10  # the one before and nine now (the duplicate, forged, unknown: no row)
    unlinked = [one for one in deliveries if one.order_id is None]
    assert len(unlinked) == 2 and sum(1 for one in unlinked if one.problem) == 1  # ignored topic; latin-1 body


REFUSE = """
CREATE FUNCTION refuse_for_test() RETURNS trigger AS $$
BEGIN
  IF NEW.number = 'KMO-2026-00041' THEN RAISE EXCEPTION 'refused for the test'; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER refuse_for_test BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION refuse_for_test();
"""


def test_a_batch_that_fails_is_stored_one_delivery_at_a_time(sandboxes, web):
    shop = make_merchant(sandboxes)
    path, secret = f"/webhooks/kmoshops/{shop['source'].webhook_token}", shop["shop"]["webhook_secret"]
    batch = [(path, *delivery(secret, an_order(seed, status="paid"))) for seed in (40, 41, 42)]
    with db.engine().begin() as conn:
        conn.execute(sa.text(REFUSE))  # Postgres refuses order 41, as a bug of ours would fail it
    try:
        answers = send_together(batch)
    finally:
        with db.engine().begin() as conn:
            conn.execute(sa.text("DROP TRIGGER refuse_for_test ON orders; DROP FUNCTION refuse_for_test()"))

    assert answers == [(200, "stored"), (200, "stored, unreadable"), (200, "stored")]
    states = {row.number: row.state for row in rows("SELECT number, state FROM orders")}
    assert states == {"KMO-2026-00040": "queued", "KMO-2026-00042": "queued"}  # the others are not held back
    kept = rows("SELECT problem FROM webhook_deliveries WHERE order_id IS NULL")
    assert len(kept) == 1 and says(kept[0].problem, OUR_FAULT)  # the raw delivery is kept, with why
