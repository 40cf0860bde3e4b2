"""Manual 001 end to end: a day's Mijnwebwinkel orders become paid Factuursturen invoices to the cent, a second
run sends nothing twice, and a batch larger than the hourly limit waits, with the dashboard saying until when."""
from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from tests.connectors.test_factuursturen_client import connect_factuursturen
from tests.connectors.test_factuursturen_documents import VAT_MAP
from tests.support.mijnwebwinkel import make_store_merchant
from tests.test_errors_workflow import logged_in
from tests.test_factuursturen_flow import _hour_passes
from tests.test_mijnwebwinkel_flow import orders_of, process_queued
from worker import config
from worker.pipeline import polling

HX = {"HX-Request": "true"}
DAY = [  # several rates, a discount over both, shipping and payment costs; one business customer
    {"status": 3, "lines": [{"unit_price": "24.95", "rate": "21", "sku": "POT-1"},
                            {"unit_price": "4.50", "rate": "9", "quantity": 2, "sku": "THEE-2"}],
     "discount": "2.50", "shipping": "4.95", "payment_costs": "0.35"},
    {"status": 2, "lines": [{"unit_price": "12.10", "rate": "21", "quantity": 3, "sku": "MOK-3"}]},
    {"status": 7, "lines": [{"unit_price": "3.99", "rate": "9", "sku": "KOEK-4"}], "shipping": "6.95",
     "email": "inkoop@theehuis.nl"},
]


def store_and_invoices(sandboxes) -> dict:
    """A Mijnwebwinkel store (made for Koppel) feeding a Factuursturen account, both connected by their own connect()."""
    merchant = make_store_merchant(sandboxes, connect_factuursturen(sandboxes, vat_map=VAT_MAP))
    return {**merchant, "fs": sandboxes.factuursturen}


def invoices(merchant) -> list[dict]:
    return merchant["fs"].records(merchant["username"], "invoices")


def test_a_days_orders_become_paid_invoices_to_the_cent_and_a_second_run_sends_nothing(sandboxes):
    merchant = store_and_invoices(sandboxes)
    placed = [sandboxes.mijnwebwinkel.add_order(merchant["store_token"], spec) for spec in DAY]
    first = polling.run(merchant["source"].id)
    process_queued(merchant)
    orders = orders_of(merchant)
    assert first.new == 3 and all(o.state == "posted" for o in orders.values()), \
        [(o.number, o.error_message) for o in orders.values()]
    booked = {invoice["reference"]["line1"]: invoice for invoice in invoices(merchant)}
    for order in placed:
        invoice = booked[str(order["number"])]
        assert Decimal(str(invoice["totalintax"])) == Decimal(order["price"]["total"])  # to the cent
        assert invoice["open"] == 0  # paid
    second = polling.run(merchant["source"].id)
    process_queued(merchant)
    assert second.new == 0 and merchant["fs"].post_count(merchant["username"], "invoices") == 3


def test_a_batch_beyond_the_hourly_limit_waits_and_the_dashboard_says_until_when(sandboxes, web):
    old = config.override(factuursturen_invoices_per_hour=4)
    try:
        merchant = store_and_invoices(sandboxes)
        for number in range(10):
            sandboxes.mijnwebwinkel.add_order(merchant["store_token"], {**DAY[1], "email": f"klant{number}@example.nl"})
        polling.run(merchant["source"].id)
        process_queued(merchant)
        assert merchant["fs"].post_count(merchant["username"], "invoices") == 4
        page = logged_in(web, merchant).get("/status", headers=HX).get_data(as_text=True)
        backlog = re.search(r'<p class="pause backlog"[^>]*>([^<]+)</p>', page).group(1)
        assert "6" in backlog and "4" in backlog  # six wait, four an hour: done in two more hours
        hours = 0
        while any(o.state == "queued" for o in orders_of(merchant).values()):
            _hour_passes(merchant)
            process_queued(merchant)
            hours += 1
        assert hours == 2 and merchant["fs"].post_count(merchant["username"], "invoices") == 10
        assert not any(o.state == "failed" for o in orders_of(merchant).values())
        assert "backlog" not in logged_in(web, merchant).get("/status", headers=HX).get_data(as_text=True)
    finally:
        config.override(**old)
