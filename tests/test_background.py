"""The scheduled jobs: nightly recheck of Open, hourly catch-up poll, daily digest, and the error budget."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.waiting import wait_for
from worker import db, digest
from worker.connectors.exact.sandbox import FaultRule
from worker.models import Order, OutboxEmail, RemoteCall
from worker.pipeline import recheck


def state_of(number: str) -> str | None:
    with db.session_scope() as session:
        return session.execute(sa.select(Order.state).where(Order.number == number)).scalar()


def test_nightly_recheck_moves_an_open_order_whose_status_changed_without_a_webhook(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    shop_order = sandboxes.kmo.create_order(shop_id, kind="b2c", status="pending_payment")
    wait_for(lambda: state_of(shop_order["number"]) == "open")
    sandboxes.sender.stop()  # the status_changed webhook is lost
    sandboxes.kmo.set_status(shop_id, shop_order["id"], "paid")
    assert recheck.recheck_open_orders(merchant["source"].id) == 1
    wait_for(lambda: state_of(shop_order["number"]) == "posted")


def test_hourly_poll_picks_up_an_order_whose_webhook_never_came(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    first = sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid")
    wait_for(lambda: state_of(first["number"]) == "posted")
    sandboxes.sender.stop()
    missed = sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid")
    assert state_of(missed["number"]) is None
    assert recheck.poll_changes(merchant["source"].id) >= 1
    wait_for(lambda: state_of(missed["number"]) == "posted")
    with db.engine().connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM orders")).scalar_one() == 2


def test_one_digest_per_merchant_lists_new_errors_once(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    bad = {"totals": {"subtotal_excl_vat": "1.00", "shipping_excl_vat": "0.00", "discount_excl_vat": "0.00",
                      "vat_total": "0.21", "total_incl_vat": "999.99", "vat_breakdown": []}}
    numbers = [sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid", **bad)["number"] for _ in range(3)]
    wait_for(lambda: all(state_of(n) == "failed" for n in numbers))
    assert digest.queue_all() == 1
    assert digest.queue_all() == 0  # nothing new since the last digest
    with db.session_scope() as session:
        [mail] = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == "digest")).scalars().all()
    assert mail.recipients == [merchant["email"]]
    assert "3 order(s)" in mail.subject or "3 bestelling(en)" in mail.subject
    assert all(number in mail.body for number in numbers) and "999.99" in mail.body


def test_too_many_refusals_pause_the_endpoint_before_exact_blocks_it(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    sandboxes.exact.add_fault(FaultRule(method="POST", path="salesinvoice/SalesInvoices", mode="status",
                                        status=400, count=50))
    numbers = [sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid")["number"] for _ in range(11)]
    wait_for(lambda: sum(state_of(n) == "failed" for n in numbers) == 9, timeout=40)
    with db.session_scope() as session:
        posts = session.execute(sa.select(sa.func.count()).select_from(RemoteCall).where(
            RemoteCall.method == "POST", RemoteCall.url.like("%salesinvoice/SalesInvoices"))).scalar_one()
    assert posts == 9  # Exact blocks at 10 in an hour; we stopped at 9
    assert sorted(state_of(n) for n in numbers).count("queued") == 2  # waiting, not failed
    client = web.test_client()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    status = client.get("/status").get_data(as_text=True)
    assert ("paused sending to it until" in status or "sturen we er tot" in status)
    assert "salesinvoice/SalesInvoices" in status
