"""Exactly once when calls time out, and cheap when customers return (reference/reliability.md §D)."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.merchants import division_of, make_merchant
from tests.support.waiting import wait_for
from tests.support.workers import start_subprocess
from worker import db
from worker.connectors.exact.sandbox import FaultRule
from worker.models import Order, Posting, RemoteCall


def order_state(number: str) -> str | None:
    with db.session_scope() as session:
        return session.execute(sa.select(Order.state).where(Order.number == number)).scalar()


def calls_for(number: str) -> list[tuple[str, str]]:
    with db.session_scope() as session:
        rows = session.execute(sa.select(RemoteCall.method, RemoteCall.url).join(Order, Order.id == RemoteCall.order_id)
                               .where(Order.number == number).order_by(RemoteCall.id)).all()
    # "100001/salesinvoice/SalesInvoices?..." → "salesinvoice/SalesInvoices"
    return [(method, url.split("/api/v1/", 1)[1].split("?")[0].split("/", 1)[1]) for method, url in rows]


def test_a_post_that_times_out_after_exact_committed_is_looked_up_not_sent_again(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    division = division_of(merchant)
    sandboxes.exact.add_fault(FaultRule(method="POST", path="salesinvoice/SalesInvoices", mode="commit_then_hang",
                                        hang_seconds=8, count=1))  # longer than our 5 s client timeout
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
    wait_for(lambda: order_state(shop_order["number"]) == "posted", timeout=45)
    assert sandboxes.exact.post_count(division, "SalesInvoices") == 1
    sent = [call for call in calls_for(shop_order["number"]) if call[1].endswith("salesinvoice/SalesInvoices")]
    # one POST that got no answer, then a lookup by our reference, and no second POST
    assert [method for method, _ in sent] == ["POST", "GET"]
    with db.session_scope() as session:
        posting = session.execute(sa.select(Posting)).scalar_one()
        [invoice] = sandboxes.exact.documents(division, "SalesInvoices")
        assert posting.remote_id == invoice["InvoiceID"] and posting.attempts == 1


def test_a_returning_customer_with_known_products_costs_one_call(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    first = sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid")
    wait_for(lambda: order_state(first["number"]) == "posted")
    again = sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid", customer=first["customer"],
                                       lines=first["lines"], shipping=first["shipping"],
                                       discounts=first["discounts"], totals=first["totals"],
                                       billing_address=first["billing_address"],
                                       shipping_address=first["shipping_address"], vat_regime=first["vat_regime"])
    wait_for(lambda: order_state(again["number"]) == "posted")
    assert [method for method, _ in calls_for(first["number"])].count("POST") >= 2  # debtor, items, invoice
    assert calls_for(again["number"]) == [("POST", "salesinvoice/SalesInvoices")]


def test_two_orders_of_one_new_customer_at_once_make_one_debtor(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    worker.stop()  # both orders wait in the queue, then workers pick them up together
    first = sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid")
    second = sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid", customer=first["customer"])
    wait_for(lambda: order_state(second["number"]) == "queued" and order_state(first["number"]) == "queued")
    workers = [start_subprocess(db.database_url()) for _ in range(2)]  # two real worker processes
    try:
        wait_for(lambda: order_state(first["number"]) == order_state(second["number"]) == "posted", timeout=40)
    finally:
        for process in workers:
            process.terminate()
            process.wait(timeout=30)
    accounts = [a for a in sandboxes.exact.documents(division_of(merchant), "Accounts")
                if a.get("Email") == first["customer"]["email"]]
    assert len(accounts) == 1


def test_an_order_changed_in_the_shop_after_transfer_is_not_changed_or_sent_again(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    shop_order = sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid")
    wait_for(lambda: order_state(shop_order["number"]) == "posted")
    sandboxes.kmo.update_order(shop_id, shop_order["id"], customer={**shop_order["customer"], "last_name": "Anders"})
    sandboxes.kmo.set_status(shop_id, shop_order["id"], "shipped")
    wait_for(lambda: len([d for d in sandboxes.kmo.deliveries(shop_id) if d["state"] == "delivered"]) == 3)
    with db.session_scope() as session:
        order = session.execute(sa.select(Order)).scalar_one()
        assert order.state == "posted" and order.shop_status == "shipped"
        assert order.payload["customer"]["last_name"] == shop_order["customer"]["last_name"]
    assert sandboxes.exact.post_count(division_of(merchant), "SalesInvoices") == 1
