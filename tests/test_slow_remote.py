"""Exactly once when Exact is slow or answers 500 (issue 8; reliability.md §D scenario 5).

A POST Exact commits only after our timeout, or answers 500 after committing, is in doubt: it is
looked up by our reference once the settle window has passed, and again right before anything is
sent a second time, whoever asks (the worker or the merchant's Process button).
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.merchants import division_of, make_merchant
from tests.support.postings import INVOICES, invoice_calls, order_of, state_of
from tests.support.waiting import wait_for
from worker import config, db
from worker.connectors.exact.sandbox import FaultRule
from worker.models import Connection, Posting


@pytest.fixture
def settle_window():
    """Set the settle window of the worker thread (it runs in this process) for one test."""
    old = config.override(settle_seconds=config.settings.settle_seconds)

    def set_to(seconds: float) -> None:
        config.override(settle_seconds=seconds)

    yield set_to
    config.override(**old)


def test_a_post_exact_commits_after_our_timeout_is_looked_up_after_the_settle_window_not_sent_twice(
        sandboxes, web, worker, settle_window):
    # Exact holds the POST 14 s and then stores it: 9 s after our 5 s timeout gave up on it. A look-up
    # after a few seconds of back-off finds nothing yet; only one after the settle window sees it.
    settle_window(20)
    merchant = make_merchant(sandboxes)
    division = division_of(merchant)
    sandboxes.exact.add_fault(FaultRule(method="POST", path=INVOICES, mode="hold_then_commit", hang_seconds=14))
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
    wait_for(lambda: state_of(shop_order["number"]) == "posted", timeout=60)
    assert [method for method, _ in invoice_calls(shop_order["number"])] == ["POST", "GET"]
    sandboxes.exact.clear_faults()  # a POST still held would commit now and be counted
    assert sandboxes.exact.post_count(division, "SalesInvoices") == 1
    with db.session_scope() as session:
        posting = session.execute(sa.select(Posting)).scalar_one()
        [invoice] = sandboxes.exact.documents(division, "SalesInvoices")
        assert posting.remote_id == invoice["InvoiceID"] and posting.attempts == 1


def test_a_500_after_exact_committed_is_looked_up_not_taken_as_a_refusal(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    division = division_of(merchant)
    sandboxes.exact.add_fault(FaultRule(method="POST", path=INVOICES, mode="commit_then_status", status=500))
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
    wait_for(lambda: state_of(shop_order["number"]) in ("posted", "failed"), timeout=40)
    assert state_of(shop_order["number"]) == "posted"
    assert invoice_calls(shop_order["number"]) == [("POST", 500), ("GET", 200)]
    assert sandboxes.exact.post_count(division, "SalesInvoices") == 1
    with db.session_scope() as session:
        [invoice] = sandboxes.exact.documents(division, "SalesInvoices")
        assert session.execute(sa.select(Posting.remote_id)).scalar_one() == invoice["InvoiceID"]


def set_journal(merchant: dict, journal: str) -> None:
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.settings = {**target.settings, "sales_journal": journal}


def test_process_after_a_refusing_500_looks_the_document_up_before_sending_it_again(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    set_journal(merchant, "90")  # not a sales journal: Exact refuses the invoice with a 500
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
    number = shop_order["number"]
    wait_for(lambda: state_of(number) == "failed", timeout=40)
    order = order_of(number)
    assert order.error_code == "TARGET_REJECTED" and "verkoopdagboek" in order.error_message
    assert "answered 500" not in order.error_message  # Exact's own words, as for any refusal
    # In doubt first: the refusal is only believed once the look-up found no invoice.
    assert invoice_calls(number) == [("POST", 500), ("GET", 200)]

    set_journal(merchant, "70")
    client = web.test_client()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    client.post(f"/orders/{order.id}/process?tab=errors", headers={"HX-Request": "true"})
    wait_for(lambda: state_of(number) == "posted", timeout=40)
    assert invoice_calls(number) == [("POST", 500), ("GET", 200), ("GET", 200), ("POST", 201)]
    assert sandboxes.exact.post_count(division_of(merchant), "SalesInvoices") == 1
