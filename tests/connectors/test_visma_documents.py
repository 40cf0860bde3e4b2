"""Canonical orders posted into the Visma sandbox and read back: invoice drafts, orders, sales bookings."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.connectors.test_visma_client import connect_visma, connection
from tests.support.orders import Amount, build
from worker import config
from worker.connectors.errors import OutcomeUnknown
from worker.connectors.kmoshops.mapping import to_canonical
from worker.connectors.visma_eaccounting import VismaEAccountingTarget
from worker.connectors.visma_eaccounting.sandbox import FaultRule

D = Decimal


def vat_settings(client) -> dict:
    """Every rate mapped to the seed's VAT code and revenue account of that rate."""
    codes = {c["Code"]: c["Id"] for c in client.get("vatcodes")}
    rows = {"21.00": ("BE21", "8000"), "12.00": ("BE12", "8050"), "9.00": ("NL9", "8010"), "6.00": ("BE6", "8050"),
            "0.00": ("NL0", "8020"), "ICP": ("ICP", "8020"), "INTERNATIONAL": ("EXPORT", "8030")}
    return {"vat_map": {key: {"vat_code": codes[code], "gl_account": account} for key, (code, account) in rows.items()},
            "debtor_account": "1300"}


@pytest.fixture
def visma(sandboxes):
    merchant = connect_visma(sandboxes)
    target = connection(merchant["target_id"])
    settings = vat_settings(VismaEAccountingTarget.client(target))
    target.settings = settings
    return {**merchant, "target": target, "documents": VismaEAccountingTarget.documents(target),
            "client": VismaEAccountingTarget.client(target)}


def order(number: str, incl: bool = True, company: str = "", email: str = "sophie@example.nl"):
    data, _ = build(number, int(number), [Amount(D("104.90"), D(21), 3), Amount(D("3.33"), D(6), 7),
                                           Amount(D("12.95"), D(21))], incl, email,
                    shipping=Amount(D("4.95"), D(21)), payment=Amount(D("0.29"), D(21)),
                    discount=Amount(D("10.00"), D(21)), company=company)
    return to_canonical(data)


def test_an_invoice_draft_reads_back_with_the_orders_totals_and_is_found_by_reference(visma, sandboxes):
    canonical = order("90498")
    sent = []
    created = visma["documents"].create("invoice", canonical, before_send=sent.append)
    assert sent and sent[0]["YourReference"] == "90498" and created.status == "draft"
    back = visma["client"].get_one(f"customerinvoicedrafts/{created.remote_id}")
    assert D(str(back["TotalAmount"])) == canonical.total_incl
    assert D(str(back["TotalVatAmount"])) == canonical.vat_total
    assert created.total == f"{canonical.total_incl:.2f}"
    assert back["IncludesVat"] is True and back["CustomerIsPrivatePerson"] is True
    # manual 000: no negative rows; the 21 % discount is folded into the 21 % lines
    assert not [row for row in back["Rows"] if row["ArticleNumber"].startswith("KOPPEL-KORTING")]
    assert all(row["Quantity"] > 0 and row["UnitPrice"] >= 0 for row in back["Rows"])
    found = visma["documents"].find("invoice", "90498")
    assert found.remote_id == created.remote_id and found.total == created.total
    assert visma["documents"].find("invoice", "90499") is None


def test_a_returning_customer_and_known_articles_are_not_created_again(visma, sandboxes):
    visma["documents"].create("invoice", order("90500"))
    posts = {c: sandboxes.visma.post_count(visma["company"], c) for c in ("customers", "articles")}
    visma["documents"].create("invoice", order("90501"))
    assert posts == {c: sandboxes.visma.post_count(visma["company"], c) for c in ("customers", "articles")}
    assert posts == {"customers": 1, "articles": 5}  # 3 products, shipping and payment costs (no discount article)
    customer = sandboxes.visma.records(visma["company"], "customers")[0]
    assert customer["EmailAddress"] == "sophie@example.nl" and customer["IsPrivatePerson"] is True


def test_a_company_gets_prices_excl_vat_to_the_cent_when_the_shop_prices_excl_vat(visma, sandboxes):
    canonical = order("90502", incl=False, company="Fischer BV", email="inkoop@fischer.example")
    created = visma["documents"].create("invoice", canonical)
    back = visma["client"].get_one(f"customerinvoicedrafts/{created.remote_id}")
    assert back["IncludesVat"] is False and back["CustomerIsPrivatePerson"] is False
    assert D(str(back["TotalAmount"])) == canonical.total_incl
    assert D(str(back["TotalVatAmount"])) == canonical.vat_total
    assert sandboxes.visma.records(visma["company"], "customers")[0]["IsPrivatePerson"] is False


def test_a_sales_order_is_a_draft_order_with_the_orders_total(visma):
    canonical = order("90503")
    created = visma["documents"].create("order", canonical)
    assert created.total == f"{canonical.total_incl:.2f}" and created.number == "1"
    assert visma["documents"].find("order", "90503").remote_id == created.remote_id


def test_a_sales_booking_balances_and_is_found_by_its_payment_reference(visma, sandboxes):
    canonical = order("90504")
    created = visma["documents"].create("entry", canonical)
    assert created.total == f"{canonical.total_incl:.2f}"
    voucher = sandboxes.visma.records(visma["company"], "vouchers")[0]
    assert voucher["VoucherText"] == "Bestelling 90504"
    debit = sum(D(str(r["DebitAmount"])) for r in voucher["Rows"])
    assert debit == sum(D(str(r["CreditAmount"])) for r in voucher["Rows"])
    assert voucher["Rows"][0]["AccountNumber"] == 1300 and voucher["Rows"][0]["DebitAmount"] == canonical.total_incl
    vat = sum(D(str(r["CreditAmount"])) - D(str(r["DebitAmount"])) for r in voucher["Rows"]
              if r["AccountNumber"] in (1671, 1672, 1673, 1674))
    assert vat == canonical.vat_total
    assert visma["documents"].find("entry", "90504").remote_id == created.remote_id


def test_a_draft_whose_answer_was_lost_is_found_by_reference_instead_of_sent_again(visma, sandboxes):
    canonical = order("90505")
    visma["documents"].customer(canonical)
    visma["documents"].articles(canonical)  # the customer and articles are there; only the draft's answer is lost
    sandboxes.visma.add_fault(FaultRule("POST", "customerinvoicedrafts", mode="commit_then_hang", hang_seconds=10))
    old = config.override(http_timeout=0.5)
    try:
        with pytest.raises(OutcomeUnknown):
            visma["documents"].create("invoice", canonical)
    finally:
        config.override(**old)
        sandboxes.visma.clear_faults()
    found = visma["documents"].find("invoice", "90505")
    assert found is not None and found.total == f"{canonical.total_incl:.2f}"
    assert sandboxes.visma.post_count(visma["company"], "customerinvoicedrafts") == 1


def test_a_draft_the_merchant_turned_into_an_invoice_is_still_found(visma):
    created = visma["documents"].create("invoice", order("90506"))
    visma["client"].post(f"customerinvoicedrafts/{created.remote_id}/convert", {})
    found = visma["documents"].find("invoice", "90506")
    assert found.status == "invoice" and found.number == "1" and found.total == created.total
