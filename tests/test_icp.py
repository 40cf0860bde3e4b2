"""Intra-EU B2B (ICP) orders: a VAT number VIES confirms, kept as proof, and a debtor of their own."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.merchants import division_of, make_merchant
from tests.support.waiting import wait_for
from worker import db
from worker.models import Connection, Order

REGISTERED = "NL004495445B01"  # in the VIES sandbox's examples, valid checksum


def order_row(number: str) -> Order | None:
    with db.session_scope() as session:
        return session.execute(sa.select(Order).where(Order.number == number)).scalar()


def icp_order(sandboxes, merchant, vat_number: str, **changes) -> dict:
    probe = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2b_eu", status="pending_payment")
    customer = {**probe["customer"], "vat_number": vat_number}
    return sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2b_eu", status="paid", customer=customer,
                                      lines=probe["lines"], shipping=probe["shipping"], discounts=probe["discounts"],
                                      totals=probe["totals"], billing_address=probe["billing_address"], **changes)


def test_confirmed_vat_number_is_kept_as_proof_and_the_debtor_carries_it(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    with db.session_scope() as session:  # a fixed debtor for this payment method must not apply to ICP
        target = session.get(Connection, merchant["target"].id)
        target.settings = {**target.settings, "payment_debtors": {"creditcard": "00000000-0000-0000-0000-000000000001",
                                                                  "banktransfer": "00000000-0000-0000-0000-000000000001"}}
    shop_order = icp_order(sandboxes, merchant, REGISTERED)
    order = wait_for(lambda: (row := order_row(shop_order["number"])) and row.state == "posted" and row)
    assert order.vat_check["vies"]["valid"] is True
    assert order.vat_check["vies"]["requestIdentifier"]  # the consultation number for the 0 % invoice
    division = division_of(merchant)
    [invoice] = sandboxes.exact.documents(division, "SalesInvoices")
    [account] = [a for a in sandboxes.exact.documents(division, "Accounts") if a["ID"] == invoice["OrderedBy"]]
    assert account["VATNumber"] == REGISTERED
    with db.session_scope() as session:
        icp_code = session.get(Connection, merchant["target"].id).settings["vat_map"]["ICP"]["vat_code"]
    assert {line["VATCode"] for line in invoice["SalesInvoiceLines"]} == {icp_code}


def test_a_number_with_wrong_check_digits_fails_without_asking_vies(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_order = icp_order(sandboxes, merchant, "DE136695977")
    order = wait_for(lambda: (row := order_row(shop_order["number"])) and row.state == "failed" and row)
    assert order.error_code == "VAT_NUMBER_INVALID" and "DE136695977" in order.error_message
    assert sandboxes.vies.requests == []


def test_a_number_vies_does_not_know_fails_with_what_to_do(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_order = icp_order(sandboxes, merchant, "DE811569869")  # valid form, not registered in the sandbox
    order = wait_for(lambda: (row := order_row(shop_order["number"])) and row.state == "failed" and row)
    assert order.error_code == "VAT_NUMBER_NOT_IN_VIES" and order.error_help
    assert sandboxes.exact.documents(division_of(merchant), "SalesInvoices") == []


def test_vies_down_delays_the_order_but_does_not_fail_it(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    sandboxes.vies.set_unavailable("NL", True)
    shop_order = icp_order(sandboxes, merchant, REGISTERED)
    wait_for(lambda: len(sandboxes.vies.requests) >= 1)
    assert order_row(shop_order["number"]).state == "queued"
    # The merchant's other orders do not wait for VIES.
    other = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
    wait_for(lambda: (row := order_row(other["number"])) and row.state == "posted")
    assert order_row(shop_order["number"]).state == "queued"
    sandboxes.vies.set_unavailable("NL", False)
    order = wait_for(lambda: (row := order_row(shop_order["number"])) and row.state == "posted" and row, timeout=40)
    assert order.error_code is None
