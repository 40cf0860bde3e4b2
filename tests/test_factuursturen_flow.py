"""KMO Shops orders through the real pipeline into the Factuursturen sandbox: paid, to the cent, once, at 60 an hour."""
from __future__ import annotations

import html
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.connectors.test_factuursturen_client import connect_factuursturen
from tests.connectors.test_factuursturen_documents import VAT_MAP
from tests.support.language import says
from tests.support.orders import Amount, build
from tests.support.pipeline import calls_of, post, reload, store
from worker import config, db, ratelimit
from worker.connectors.factuursturen.sandbox import FaultRule
from worker.connectors.factuursturen import FactuursturenTarget
from worker.connectors.factuursturen.client import REAUTH_MESSAGE
from worker.models import Connection, Order, OutboxEmail, Posting
from worker.pipeline import process

D = Decimal


@pytest.fixture
def merchant(sandboxes):
    return {**connect_factuursturen(sandboxes, vat_map=VAT_MAP), "fs": sandboxes.factuursturen}


def shop_order(number: int, email: str = "sophie@example.nl") -> dict:
    payload, _ = build(str(number), number, [Amount(D("24.95"), D(21), 2), Amount(D("3.49"), D(9), 3)], True,
                       email, shipping=Amount(D("4.95"), D(21)), payment=Amount(D("0.35"), D(21)),
                       discount=Amount(D("5.00"), D(21)))
    return payload


def invoices(merchant) -> list[dict]:
    return merchant["fs"].records(merchant["username"], "invoices")


def posting_of(order_id: int) -> Posting:
    with db.session_scope() as session:
        posting = session.execute(sa.select(Posting).where(Posting.order_id == order_id)).scalar_one()
        session.expunge(posting)
        return posting


def test_a_kmo_shops_order_becomes_one_paid_invoice_with_the_orders_total(merchant):
    payload = shop_order(5001)
    order = post(merchant, payload)
    assert order.state == "posted", (order.error_code, order.error_message)
    [invoice] = invoices(merchant)
    assert invoice["totalintax"] == D(payload["totals"]["total_incl_vat"]) == D("60.67")  # 49.90 + 10.47 + 4.95 + 0.35 − 5.00
    assert invoice["open"] == 0 and invoice["paiddate"] == "2026-11-02"  # paid on the order's date
    assert invoice["reference"]["line1"] == "5001" and invoice["lines"][0]["description"] == "Bestelling 5001"
    assert posting_of(order.id).remote_id == invoice["invoicenr"] and order.total_difference is None
    process.process_order(order.id)  # processed again (a second run): nothing is sent twice
    assert merchant["fs"].post_count(merchant["username"], "invoices") == 1


def test_a_timeout_after_factuursturen_committed_is_resolved_by_lookup_not_a_second_invoice(merchant):
    merchant["fs"].add_fault(FaultRule("POST", "invoices", mode="commit_then_hang", hang_seconds=8))
    try:
        order = post(merchant, shop_order(5002))  # the client gives up after 5 s; the look-up follows
    finally:
        merchant["fs"].clear_faults()
    assert order.state == "posted", (order.error_code, order.error_message)
    assert merchant["fs"].post_count(merchant["username"], "invoices") == 1
    [invoice] = invoices(merchant)
    assert invoice["open"] == 0 and posting_of(order.id).remote_id == invoice["invoicenr"]
    calls = calls_of(order.id)
    assert calls.count(("POST", "invoices")) == 1 and ("GET", "invoices") in calls


def _hour_passes(merchant) -> None:
    """An hour goes by: Factuursturen's clock moves on, and so do our budgets' windows."""
    merchant["fs"].clock.advance(3600)
    with db.engine().begin() as conn:
        conn.execute(sa.text("UPDATE rate_budgets SET resets_at = now() - interval '1 second' "
                             "WHERE connection_id = :cid"), {"cid": merchant["target_id"]})


def test_the_sixty_first_invoice_of_the_hour_waits_and_is_sent_once_the_hour_is_over(merchant):
    for number in range(6001, 6061):
        assert post(merchant, shop_order(number)).state == "posted"
    calls_before = merchant["fs"].post_count(merchant["username"], "invoices")
    order_id = store(merchant, shop_order(6061))
    process.process_order(order_id)
    order = reload(order_id)
    assert order.state == "queued" and order.error_code is None and order.remote_failures == 0
    assert order.retry_at is not None  # it waits for the hour to end, it did not fail
    assert posting_of(order_id).state == "pending"  # never sent, so never in doubt
    assert merchant["fs"].post_count(merchant["username"], "invoices") == calls_before == 60
    budget = {b["window"]: b for b in ratelimit.budgets(merchant["target_id"])}["factuursturen:invoices:hour"]
    assert budget["remaining"] == 0 and abs((budget["resets_at"] - order.retry_at).total_seconds()) <= 1
    _hour_passes(merchant)
    process.process_order(order_id)
    assert reload(order_id).state == "posted" and len(invoices(merchant)) == 61


def test_when_factuursturen_says_the_hour_is_used_up_the_order_waits(merchant):
    fs, username = merchant["fs"], merchant["username"]
    fs.limit.windows[username] = [fs.clock.now(), 60]  # other software used this hour's invoices
    order_id = store(merchant, shop_order(7001))
    process.process_order(order_id)
    order = reload(order_id)
    assert order.state == "queued" and order.error_code is None and order.retry_at is not None
    assert posting_of(order_id).state == "pending" and invoices(merchant) == []
    _hour_passes(merchant)
    process.process_order(order_id)
    assert reload(order_id).state == "posted" and fs.post_count(username, "invoices") == 1
    with db.session_scope() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Order).where(
            Order.state == "failed")).scalar() == 0


def test_a_burst_is_spread_over_the_hours_each_order_once_none_failed(merchant):
    old = config.override(factuursturen_invoices_per_hour=5)
    try:
        waiting = [store(merchant, shop_order(number, email=f"klant{number}@example.nl"))
                   for number in range(8001, 8013)]
        hours = 0
        while waiting:
            for order_id in waiting:
                process.process_order(order_id)
            waiting = [order_id for order_id in waiting if reload(order_id).state == "queued"]
            assert all(reload(order_id).error_code is None for order_id in waiting)
            hours += 1
            _hour_passes(merchant)
    finally:
        config.override(**old)
    assert hours == 3  # 5 + 5 + 2
    references = [invoice["reference"]["line1"] for invoice in invoices(merchant)]
    assert sorted(references) == [str(number) for number in range(8001, 8013)]


def test_a_key_switched_off_stops_the_order_turns_the_connection_red_and_connecting_again_fixes_it(merchant):
    merchant["fs"].set_active(merchant["username"], False)
    order = post(merchant, shop_order(9001))
    assert order.state == "failed" and order.error_code == "REAUTH_REQUIRED"
    assert says(order.error_message, REAUTH_MESSAGE)  # where to look: the key set to Actief
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target_id"])
        assert target.status == "error"
        mails = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == "reauth")).scalars().all()
        assert len(mails) == 1 and "Factuursturen" in mails[0].subject
    assert post(merchant, shop_order(9002)).error_code == "REAUTH_REQUIRED"
    with db.session_scope() as session:  # one incident, one e-mail
        assert session.execute(sa.select(sa.func.count()).select_from(OutboxEmail)
                               .where(OutboxEmail.kind == "reauth")).scalar() == 1
    merchant["fs"].set_active(merchant["username"], True)
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target_id"])
        FactuursturenTarget.connect(target, {"username": merchant["username"], "api_key": merchant["api_key"]})
        assert target.status == "connected"


def test_an_invoice_found_on_another_customer_is_reported_not_taken_silently(merchant, web):
    old = config.override(settle_seconds=0)
    try:
        order_id = store(merchant, shop_order(5010, email="sophie@example.nl"))
        merchant["fs"].add_fault(FaultRule("POST", "invoices", mode="commit_then_status", status=500))
        process.process_order(order_id)  # booked, but the answer said 500: in doubt
        merchant["fs"].clear_faults()
        state = merchant["fs"]
        with state.lock:  # what the books now say that invoice is for
            [invoice] = state.accounts[merchant["username"]]["invoices"].values()
            invoice["email"] = "iemand.anders@example.nl"
        process.process_order(order_id)  # looked up by our reference, not sent again
    finally:
        config.override(**old)
    order = reload(order_id)
    assert order.state == "posted" and merchant["fs"].post_count(merchant["username"], "invoices") == 1
    assert posting_of(order_id).last_response["customer_differs"] is True
    client = web.test_client()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    report = client.get("/tab/report", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert says(html.unescape(report), "In %(system)s this document is for %(customer)s, not for the order's "
                "customer; check it there.", system="Factuursturen", customer="iemand.anders@example.nl")
