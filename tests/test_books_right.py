"""Issue 7: books right before anything else (VAT code rates, currency, price basis, cancelled orders,
duplicate order numbers, big orders). Each case goes through the real pipeline into the Exact sandbox."""
from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from tests.support.merchants import division_of, make_merchant
from tests.support.orders import Amount, build
from tests.support.pipeline import calls_of, configure, post, reload, set_source, store
from worker import db
from worker.models import Connection

_ids = itertools.count(1)



def order(lines, incl=True, country="BE", **options) -> dict:
    n = next(_ids)
    payload, _ = build(f"BR-{n:04d}", 700_000 + n, lines, incl, f"klant{n}@example.test", **options)
    payload["billing_address"]["country_code"] = country
    return payload


def invoices(sandboxes, merchant) -> list[dict]:
    return sandboxes.exact.documents(division_of(merchant), "SalesInvoices")


def gl_id(reference: dict, code: str) -> str:
    return next(row["ID"] for row in reference["gl_accounts"] if row["Code"].strip() == code)


def test_a_vat_code_of_another_rate_stops_the_order_and_names_both_rates(sandboxes):
    merchant = make_merchant(sandboxes)
    reference = configure(merchant)
    # France 20 % mapped by mistake to the 21 % incl. code: Exact would book 7.11 VAT instead of 6.82.
    configure(merchant, vat_map={"FR:20.00": {"vat_code": "3  ", "gl_account": gl_id(reference, "8000")}})
    failed = post(merchant, order([Amount(Decimal("40.90"), Decimal("20"))], country="FR"))
    assert failed.state == "failed" and failed.error_code == "VAT_CODE_RATE_MISMATCH"
    for named in ("FR 20.00 %", "3", "21.00 %", "20.00 %"):
        assert named in failed.error_message
    assert invoices(sandboxes, merchant) == []


def test_icp_lines_at_zero_percent_match_a_zero_percent_code_and_post(sandboxes):
    merchant = make_merchant(sandboxes)
    configure(merchant)
    payload = order([Amount(Decimal("19.99"), Decimal("0"), 3)], incl=False, country="NL",
                    company="Klant BV", vat_number="NL004495445B01", regime="intra_eu_reverse_charge")
    posted = post(merchant, payload)
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    [invoice] = invoices(sandboxes, merchant)
    assert Decimal(str(invoice["AmountDC"])) == Decimal("59.97")


def test_an_order_in_dollars_is_stopped_unless_the_contract_allows_dollars(sandboxes):
    merchant = make_merchant(sandboxes)
    configure(merchant)
    payload = order([Amount(Decimal("12.10"), Decimal("21"))])
    payload["currency"] = "USD"
    failed = post(merchant, payload)
    assert failed.error_code == "CURRENCY_NOT_EUR" and "USD" in failed.error_message
    assert invoices(sandboxes, merchant) == []

    configure(merchant, contract_currencies=["USD"])
    payload = {**payload, "id": payload["id"] + 1, "number": payload["number"] + "-2"}
    posted = post(merchant, payload)
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    [invoice] = invoices(sandboxes, merchant)
    assert invoice["Currency"] == "USD" and Decimal(str(invoice["AmountFC"])) == Decimal("12.10")


def test_prices_on_the_other_basis_pass_when_no_cent_moves_and_stop_when_one_would(sandboxes):
    merchant = make_merchant(sandboxes)
    configure(merchant, price_mode="incl")
    # Excl. 10.00 at 21 % is incl. 12.10 with 2.10 VAT either way: nothing moves, so it is booked.
    exact = post(merchant, order([Amount(Decimal("10.00"), Decimal("21"))], incl=False))
    assert exact.state == "posted", (exact.error_code, exact.error_message)
    # 3 × 0.99 excl. is 3.59 incl. in the shop, but 3 × 1.20 incl. would be 3.60 at the target.
    moved = post(merchant, order([Amount(Decimal("0.99"), Decimal("21"), 3)], incl=False))
    assert moved.error_code == "PRICE_BASIS_MISMATCH"
    assert len(invoices(sandboxes, merchant)) == 1


def test_a_cancelled_order_leaves_open_as_skipped_with_the_reason(sandboxes, client):
    merchant = make_merchant(sandboxes)
    configure(merchant)
    payload = order([Amount(Decimal("12.10"), Decimal("21"))])
    order_id = store(merchant, {**payload, "status": "pending_payment"})
    assert reload(order_id).state == "open"
    store(merchant, {**payload, "status": "cancelled", "updated_at": "2026-11-02T11:00:00.000Z"})
    skipped = reload(order_id)
    assert skipped.state == "skipped"
    assert "Cancelled" in skipped.error_message or "Geannuleerd" in skipped.error_message
    assert client.post("/login", data={"username": merchant["email"], "password": merchant["password"]}).status_code == 302
    report = client.get("/tab/report").get_data(as_text=True)
    assert payload["number"] in report and skipped.error_message.split(" (")[0] in report
    assert invoices(sandboxes, merchant) == []


def test_cancelled_statuses_cannot_be_chosen_and_statuses_show_the_shops_labels(sandboxes, client):
    merchant = make_merchant(sandboxes)
    assert client.post("/login", data={"username": merchant["email"], "password": merchant["password"]}).status_code == 302
    page = client.get("/config/").get_data(as_text=True)
    assert "pending_payment" not in page.replace('value="pending_payment"', "")
    assert 'value="cancelled"' not in page and 'value="refunded"' not in page
    answer = client.post("/config/statuses", data={"status": ["paid", "cancelled"]})
    assert answer.status_code == 200 and ("never transferred" in answer.get_data(as_text=True)
                                          or "nooit" in answer.get_data(as_text=True))
    with db.session_scope() as session:
        assert "cancelled" not in session.get(Connection, merchant["source"].id).settings["transfer_statuses"]


def test_a_second_order_with_a_booked_number_is_an_error_until_the_shop_gets_a_prefix(sandboxes):
    merchant = make_merchant(sandboxes)
    configure(merchant)
    first = order([Amount(Decimal("12.10"), Decimal("21"))])
    assert post(merchant, first).state == "posted"
    [booked] = invoices(sandboxes, merchant)
    second = {**order([Amount(Decimal("24.20"), Decimal("21"))]), "number": first["number"]}
    failed = post(merchant, second)
    assert failed.error_code == "DUPLICATE_REFERENCE"
    assert first["number"] in failed.error_message and str(booked["InvoiceNumber"]) in failed.error_message
    set_source(merchant, reference_prefix="B-")
    again = post(merchant, second)
    assert again.state == "posted", (again.error_code, again.error_message)
    assert sorted(i["YourRef"] for i in invoices(sandboxes, merchant)) == sorted([first["number"],
                                                                                  "B-" + first["number"]])


def test_a_250_line_order_of_new_products_looks_items_up_in_a_handful_of_calls(unthrottled):
    merchant = make_merchant(unthrottled)
    configure(merchant)
    lines = [Amount(Decimal("1.21") + Decimal(i) / 100, Decimal("21")) for i in range(250)]
    posted = post(merchant, order(lines))
    assert posted.state == "posted", (posted.error_code, posted.error_message)
    calls = calls_of(posted.id)
    lookups = [c for c in calls if c == ("GET", f"{division_of(merchant)}/logistics/Items")]
    creates = [c for c in calls if c == ("POST", f"{division_of(merchant)}/logistics/Items")]
    assert len(creates) == 250 and 1 <= len(lookups) <= 12
    assert len(calls) <= 250 + 12 + 3  # debtor lookup and create, the invoice
    [invoice] = invoices(unthrottled, merchant)
    assert len(invoice["SalesInvoiceLines"]) == 250


def test_two_installations_booking_into_one_division_do_not_share_an_order_number(sandboxes):
    first_shop, second_shop = make_merchant(sandboxes), make_merchant(sandboxes)
    configure(first_shop)
    configure(second_shop)
    with db.session_scope() as session:  # the second installation was connected to the first's division
        target = session.get(Connection, second_shop["target"].id)
        target.settings = {**target.settings, "division": str(division_of(first_shop))}
    body = order([Amount(Decimal("12.10"), Decimal("21"))])
    assert post(first_shop, body).state == "posted"
    failed = post(second_shop, {**body, "id": body["id"] + 1})
    assert failed.error_code == "DUPLICATE_REFERENCE"
    assert len(invoices(sandboxes, first_shop)) == 1
