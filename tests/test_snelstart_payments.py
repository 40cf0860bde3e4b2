"""Manual 002's journal: booking payments needs the Memo journal; a paid order's payment is then booked in it
as a memorial booking that settles its sales booking, once, whatever answer gets lost on the way."""
from __future__ import annotations

from decimal import Decimal

from tests.support.language import says
from tests.support.pipeline import post, reload
from tests.support.snelstart import ledger_ids, snelstart_merchant, target
from tests.test_snelstart_config import HX, login
from tests.test_snelstart_flow import shop_order, snelstart_calls
from worker import db
from worker.connectors.snelstart.sandbox import FaultRule
from worker.models import Connection, Order
from worker.pipeline import process

MEMO_NEEDED = ("Booking payments needs a memorial journal: choose Memo (Memoriaal) as the journal, or do not "
               "book payments.")


def journal(reference: dict, kind: str) -> str:
    return next(row["id"] for row in reference["journals"] if row["soort"] == kind)


def paying_merchant(sandboxes) -> dict:
    """A merchant who books payments in the Memo journal, received on the clearing account 1190."""
    merchant = snelstart_merchant(sandboxes)
    reference = merchant["reference"]
    with db.session_scope() as session:
        connection = session.get(Connection, merchant["target"].id)
        connection.settings = {**connection.settings, "book_payments": "yes", "journal": journal(reference, "Memoriaal"),
                               "payment_ledger": ledger_ids(reference)[1190]}
    return merchant


def post_again(order_id: int) -> Order:
    """The merchant fixed the cause and presses Process: the processing job runs on the order again."""
    with db.session_scope() as session:
        session.get(Order, order_id).state = "queued"
    process.process_order(order_id)
    return reload(order_id)


def test_the_configuration_offers_the_journals_and_booking_payments_needs_the_memo_journal(client, sandboxes):
    merchant = snelstart_merchant(sandboxes)
    login(client, merchant)
    page = client.get("/config/").get_data(as_text=True)
    assert "70 Verkoop" in page and "90 Memoriaal" in page  # read from the administration's /dagboeken
    assert "1190 Tussenrekening betalingen" in page
    reference = merchant["reference"]
    form = {"document_type": "entry", "price_mode": "excl", "book_payments": "yes",
            "journal": journal(reference, "Verkoop"), "payment_ledger": ledger_ids(reference)[1190]}
    refused = client.post("/config/general", data=form, headers=HX).get_data(as_text=True)
    assert says(refused, MEMO_NEEDED)
    assert not target(merchant).settings.get("book_payments")
    saved = client.post("/config/general", data={**form, "journal": journal(reference, "Memoriaal")}, headers=HX)
    assert "field-error" not in saved.get_data(as_text=True)
    settings = target(merchant).settings
    assert (settings["book_payments"], settings["journal"]) == ("yes", journal(reference, "Memoriaal"))


def test_booking_payments_without_a_ledger_or_on_sales_orders_is_refused_with_the_reason(client, sandboxes):
    merchant = snelstart_merchant(sandboxes)
    login(client, merchant)
    form = {"document_type": "order", "price_mode": "excl", "book_payments": "yes",
            "journal": journal(merchant["reference"], "Memoriaal")}
    page = client.post("/config/general", data=form, headers=HX).get_data(as_text=True)
    assert says(page, "Booking payments needs the ledger the payments are received on.")
    assert says(page, "Payments are booked against sales bookings: create sales bookings, or do not book payments.")


def test_a_paid_order_is_booked_with_its_payment_settling_the_invoice(sandboxes, database):
    merchant = paying_merchant(sandboxes)
    payload = shop_order("KMO-2026-00201")
    order = post(merchant, payload)
    assert order.state == "posted", (order.error_code, order.error_message)
    admin, total = merchant["administration"], Decimal(payload["totals"]["total_incl_vat"])
    [booked] = sandboxes.snelstart.records(admin, "verkoopboekingen")
    [paid] = sandboxes.snelstart.records(admin, "memoriaalboekingen")
    assert paid["dagboek"]["id"] == journal(merchant["reference"], "Memoriaal") and paid["boekstuk"] == "KMO-2026-00201"
    [ledger_line] = paid["memoriaalBoekingsRegels"]
    assert ledger_line["grootboek"]["id"] == ledger_ids(merchant["reference"])[1190]
    assert Decimal(str(ledger_line["debet"])) == total and not ledger_line["credit"]
    [settled] = paid["verkoopboekingBoekingsRegels"]
    assert settled["boekingId"]["id"] == booked["id"] and Decimal(str(settled["bedrag"])) == total
    [invoice] = sandboxes.snelstart.records(admin, "verkoopfacturen")
    assert Decimal(str(invoice["openstaandSaldo"])) == 0  # the debtor is cleared


def test_an_order_not_paid_yet_gets_its_booking_without_a_payment(sandboxes, database):
    merchant = paying_merchant(sandboxes)
    payload = shop_order("KMO-2026-00202")
    payload["payment"]["status"] = "open"  # e.g. a bank transfer the shop still waits for
    order = post(merchant, payload)
    assert order.state == "posted", (order.error_code, order.error_message)
    assert len(sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")) == 1
    assert sandboxes.snelstart.records(merchant["administration"], "memoriaalboekingen") == []


def test_a_payment_whose_answer_is_lost_is_looked_up_not_booked_again(sandboxes, database):
    merchant = paying_merchant(sandboxes)
    sandboxes.snelstart.add_fault(FaultRule("POST", "memoriaalboekingen", mode="commit_then_hang", hang_seconds=8))
    order = post(merchant, shop_order("KMO-2026-00203"))  # 8 s is longer than our 5 s client timeout
    assert order.state == "posted", (order.error_code, order.error_message)
    admin = merchant["administration"]
    assert sandboxes.snelstart.post_count(admin, "verkoopboekingen") == 1
    assert sandboxes.snelstart.post_count(admin, "memoriaalboekingen") == 1
    calls = [c for c in snelstart_calls(order.id) if c[1] in ("verkoopboekingen", "memoriaalboekingen",
                                                              "grootboekmutaties")]
    assert calls == [("POST", "verkoopboekingen"), ("POST", "memoriaalboekingen"), ("GET", "grootboekmutaties")]


def test_a_booking_whose_answer_is_lost_still_gets_its_payment_once(sandboxes, database):
    merchant = paying_merchant(sandboxes)
    sandboxes.snelstart.add_fault(FaultRule("POST", "verkoopboekingen", mode="commit_then_hang", hang_seconds=8))
    order = post(merchant, shop_order("KMO-2026-00204"))
    assert order.state == "posted", (order.error_code, order.error_message)
    admin = merchant["administration"]
    assert sandboxes.snelstart.post_count(admin, "verkoopboekingen") == 1
    [booked] = sandboxes.snelstart.records(admin, "verkoopboekingen")
    [paid] = sandboxes.snelstart.records(admin, "memoriaalboekingen")
    assert paid["verkoopboekingBoekingsRegels"][0]["boekingId"]["id"] == booked["id"]


def test_a_payment_snelstart_refuses_lands_in_errors_and_process_books_only_the_payment(sandboxes, database):
    merchant = paying_merchant(sandboxes)
    sandboxes.snelstart.add_fault(FaultRule("POST", "memoriaalboekingen", mode="status", status=400, count=1))
    order = post(merchant, shop_order("KMO-2026-00205"))
    assert order.state == "failed" and order.error_code == "TARGET_REJECTED"
    again = post_again(order.id)
    assert again.state == "posted", (again.error_code, again.error_message)
    admin = merchant["administration"]
    assert sandboxes.snelstart.post_count(admin, "verkoopboekingen") == 1
    assert sandboxes.snelstart.post_count(admin, "memoriaalboekingen") == 1



def test_a_payment_method_books_its_payments_on_its_own_ledger(client, sandboxes, database):
    merchant = paying_merchant(sandboxes)
    login(client, merchant)
    bank = ledger_ids(merchant["reference"])[1100]
    page = client.get("/config/").get_data(as_text=True)
    assert 'name="ledger"' in page and "1100 Bank" in page
    saved = client.post("/config/payments", data={"method": ["bancontact", ""], "debtor": ["", ""],
                                                  "ledger": [bank, ""]}, headers=HX)
    assert f'<option value="{bank}" selected' in saved.get_data(as_text=True)  # shown again after saving
    assert target(merchant).settings["payment_ledgers"] == {"bancontact": bank}
    order = post(merchant, shop_order("KMO-2026-00206"))  # paid with bancontact
    assert order.state == "posted", (order.error_code, order.error_message)
    [paid] = sandboxes.snelstart.records(merchant["administration"], "memoriaalboekingen")
    assert paid["memoriaalBoekingsRegels"][0]["grootboek"]["id"] == bank


def test_a_payment_that_meets_the_quota_waits_and_the_booking_is_not_made_again(sandboxes, database):
    merchant = paying_merchant(sandboxes)
    sandboxes.snelstart.add_fault(FaultRule("POST", "memoriaalboekingen", mode="status", status=429,
                                            headers={"Retry-After": "1"}))
    order = post(merchant, shop_order("KMO-2026-00207"))
    assert order.state == "posted", (order.error_code, order.error_message)
    admin = merchant["administration"]
    assert sandboxes.snelstart.post_count(admin, "verkoopboekingen") == 1
    assert sandboxes.snelstart.post_count(admin, "memoriaalboekingen") == 1
    assert len(sandboxes.snelstart.records(admin, "memoriaalboekingen")) == 1
