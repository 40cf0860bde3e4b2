"""Contract options webcare sets "on request" (manual 003), as the Exact invoice carries them."""
from __future__ import annotations

from decimal import Decimal

from tests.support.merchants import division_of, make_merchant
from tests.support.orders import Amount, build
from tests.support.pipeline import configure, post
from worker import db
from worker.models import Posting


def an_order(number: str) -> dict:
    payload, _ = build(number, int(number[-3:]), [Amount(Decimal("12.10"), Decimal("21"), 2)], True,
                       f"{number.lower()}@example.test")
    return payload


def sent_body(order_id: int) -> dict:
    with db.session_scope() as session:
        return session.query(Posting).filter_by(order_id=order_id).one().last_request


def test_direct_sales_invoices_are_type_8023_with_the_warehouse(sandboxes):
    merchant = make_merchant(sandboxes)
    reference = configure(merchant, contract_direct_sales_invoices=True, warehouse="")
    without = post(merchant, an_order("DIR-001"))
    assert without.error_code == "DIRECT_INVOICE_WITHOUT_WAREHOUSE"
    configure(merchant, contract_direct_sales_invoices=True, warehouse=reference["warehouses"][0]["ID"])
    posted = post(merchant, an_order("DIR-002"))
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    [invoice] = sandboxes.exact.documents(division_of(merchant), "SalesInvoices")
    assert invoice["Type"] == 8023 and invoice["Warehouse"] == reference["warehouses"][0]["ID"]


def test_without_revenue_accounts_the_lines_leave_the_ledger_to_the_item(sandboxes):
    merchant = make_merchant(sandboxes)
    configure(merchant, contract_no_revenue_account=True)
    posted = post(merchant, an_order("NOGL-003"))
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    assert all("GLAccount" not in line for line in sent_body(posted.id)["SalesInvoiceLines"])
    [invoice] = sandboxes.exact.documents(division_of(merchant), "SalesInvoices")
    assert all(line["GLAccount"] for line in invoice["SalesInvoiceLines"])  # Exact took the item's own
