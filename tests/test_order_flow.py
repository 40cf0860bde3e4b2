"""One order end to end: sandbox shop → signed webhook → worker → Exact sandbox → Report tab."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import requests
import sqlalchemy as sa

from tests.conftest import SANDBOX_PORT
from tests.support.merchants import division_of, make_merchant
from tests.support.waiting import wait_for
from worker import db
from worker.connectors.exact.sandbox import FaultRule
from worker.models import Connection, Order, Posting

KMO = f"http://127.0.0.1:{SANDBOX_PORT}/kmoshops"


def order_row(number: str) -> Order | None:
    with db.session_scope() as session:
        order = session.execute(sa.select(Order).where(Order.number == number)).scalar()
        if order is not None:
            session.expunge(order)
        return order


def posted(number: str):
    return lambda: (row := order_row(number)) is not None and row.state == "posted" and row


def test_webhook_becomes_a_draft_invoice_with_the_manuals_fields(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
    order = wait_for(posted(shop_order["number"]), message="order posted")

    division = division_of(merchant)
    [invoice] = sandboxes.exact.documents(division, "SalesInvoices")
    [account] = [a for a in sandboxes.exact.documents(division, "Accounts")
                 if a.get("Email") == shop_order["customer"]["email"]]
    assert invoice["OrderedBy"] == account["ID"]
    assert invoice["YourRef"] == shop_order["number"]
    assert invoice["Description"] == f"Order number {shop_order['number']}"
    assert invoice["Type"] == 8020 and invoice["Journal"].strip() == "70"
    assert invoice["Remarks"] == shop_order["payment"]["method"]
    assert Decimal(str(invoice["AmountDC"])) == Decimal(shop_order["totals"]["total_incl_vat"])
    assert Decimal(str(invoice["VATAmountDC"])) == Decimal(shop_order["totals"]["vat_total"])
    descriptions = [line["Description"] for line in invoice["SalesInvoiceLines"]]
    assert [line["name"] for line in shop_order["lines"]] == descriptions[:len(shop_order["lines"])]
    assert all(line["Item"] and line["VATCode"] and line["GLAccount"] for line in invoice["SalesInvoiceLines"])
    items = sandboxes.exact.documents(division, "Items")
    assert items and all(item["Unit"] == "pc" for item in items)  # the merchant's default unit
    with db.session_scope() as session:
        posting = session.execute(sa.select(Posting).where(Posting.order_id == order.id)).scalar_one()
        assert posting.remote_id == invoice["InvoiceID"] and posting.attempts == 1


def test_report_tab_shows_the_exact_document_id(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
    wait_for(posted(shop_order["number"]))
    [invoice] = sandboxes.exact.documents(division_of(merchant), "SalesInvoices")
    client = web.test_client()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    page = client.get("/tab/report", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert shop_order["number"] in page and invoice["InvoiceID"] in page
    assert "<html" not in page  # the htmx request gets the tab only


def test_same_delivery_five_times_at_once_makes_one_document(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    sandboxes.sender.stop()  # deliver by hand, all five at the same moment
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
    [delivery] = sandboxes.kmo.deliveries(merchant["shop"]["shop_id"])
    answer = requests.post(f"{KMO}/_sandbox/deliveries/{delivery['id']}/burst", json={"times": 5}, timeout=30)
    assert answer.status_code < 300
    wait_for(posted(shop_order["number"]))
    division = division_of(merchant)
    assert len(sandboxes.exact.documents(division, "SalesInvoices")) == 1
    with db.engine().connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM webhook_deliveries")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM orders")).scalar_one() == 1


def test_throttled_post_is_posted_later_once(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    reset = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)
    headers = {"X-RateLimit-Minutely-Limit": "60", "X-RateLimit-Minutely-Remaining": "0",
               "X-RateLimit-Minutely-Reset": str(int(reset.timestamp() * 1000))}
    sandboxes.exact.add_fault(FaultRule(method="POST", path="salesinvoice/SalesInvoices", mode="status",
                                        status=429, count=2, headers=headers))
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
    order = wait_for(posted(shop_order["number"]), timeout=40)
    assert len(sandboxes.exact.documents(division_of(merchant), "SalesInvoices")) == 1
    with db.session_scope() as session:
        posting = session.execute(sa.select(Posting).where(Posting.order_id == order.id)).scalar_one()
        # Throttled calls never counted as failures: the order never visited Errors.
        assert posting.attempts == 3 and order.error_code is None


def test_a_refused_document_lands_in_errors_with_exacts_reason(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.settings = {**target.settings, "sales_journal": "90"}  # a memorial journal, not a sales one
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
    failed = wait_for(lambda: (row := order_row(shop_order["number"])) and row.state == "failed" and row)
    assert failed.error_code == "TARGET_REJECTED"
    assert ("Exact Online refused" in failed.error_message or "Exact Online heeft het document geweigerd"
            in failed.error_message) and failed.error_help
    assert sandboxes.exact.documents(division_of(merchant), "SalesInvoices") == []


def set_document_type(merchant, document_type: str) -> None:
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.settings = {**target.settings, "document_type": document_type}


def test_sales_order_with_a_separate_delivery_address(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    set_document_type(merchant, "order")
    probe = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="pending_payment")
    # Delivered elsewhere in the same country, so the VAT rates stay those of the billing country.
    elsewhere = {"street": "Kerkstraat", "house_number": "7", "postal_code": "9000", "city": "Gent",
                 "country_code": probe["billing_address"]["country_code"]}
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid",
                                            customer=probe["customer"], lines=probe["lines"],
                                            shipping=probe["shipping"], discounts=probe["discounts"],
                                            totals=probe["totals"], vat_regime=probe["vat_regime"],
                                            billing_address=probe["billing_address"], shipping_address=elsewhere)
    wait_for(posted(shop_order["number"]))
    division = division_of(merchant)
    [sales_order] = sandboxes.exact.documents(division, "SalesOrders")
    [address] = sandboxes.exact.documents(division, "Addresses")
    assert sales_order["YourRef"] == sales_order["Description"] == shop_order["number"]
    assert sales_order["DeliveryAddress"] == address["ID"] and address["City"] == "Gent"
    assert sales_order["WarehouseID"] and sales_order["Status"] == 12
    assert Decimal(str(sales_order["AmountDC"])) == Decimal(shop_order["totals"]["total_incl_vat"])


def test_sales_entry_books_the_shops_amounts_on_the_revenue_accounts(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    set_document_type(merchant, "entry")
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")
    wait_for(posted(shop_order["number"]))
    division = division_of(merchant)
    [entry] = sandboxes.exact.documents(division, "SalesEntries")
    assert entry["YourRef"] == shop_order["number"] and entry["Journal"].strip() == "70"
    assert sandboxes.exact.documents(division, "Items") == []  # sales entries need no products
    excl = sum(Decimal(str(line["AmountFC"])) for line in entry["SalesEntryLines"])
    vat = sum(Decimal(str(line["VATAmountFC"])) for line in entry["SalesEntryLines"])
    assert excl + vat == Decimal(shop_order["totals"]["total_incl_vat"])
    assert vat == Decimal(shop_order["totals"]["vat_total"])
