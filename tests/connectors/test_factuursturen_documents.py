"""Canonical orders posted into the Factuursturen sandbox as paid invoices and read back."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.connectors.test_factuursturen_client import connect_factuursturen, connection
from tests.support.orders import Amount, build
from worker import db
from worker.connectors.errors import MappingError, OutcomeUnknown
from worker.connectors.factuursturen import FactuursturenTarget
from worker.connectors.factuursturen.sandbox import FaultRule
from worker.connectors.kmoshops.mapping import to_canonical
from worker.models import Connection
from worker.pipeline.messages import problem

D = Decimal
# Every rate mapped to Factuursturen's rate and a category (revenue account) of the seeded account.
VAT_MAP = {"21.00": {"vat_code": "21", "gl_account": "1"}, "9.00": {"vat_code": "9", "gl_account": "2"},
           "0.00": {"vat_code": "0", "gl_account": "3"}, "ICP": {"vat_code": "0", "gl_account": "3"},
           "INTERNATIONAL": {"vat_code": "0", "gl_account": "3"}}


@pytest.fixture
def fs(sandboxes):
    merchant = connect_factuursturen(sandboxes, vat_map=VAT_MAP)
    target = connection(merchant["target_id"])
    return {**merchant, "target": target, "documents": FactuursturenTarget.documents(target),
            "client": FactuursturenTarget.client(target), "state": sandboxes.factuursturen}


def order(number: str, incl: bool = True, email: str = "sophie@example.nl", **extra):
    data, _ = build(number, int(number), [Amount(D("104.90"), D(21), 3), Amount(D("3.33"), D(9), 7),
                                           Amount(D("12.95"), D(21))], incl, email,
                    shipping=Amount(D("4.95"), D(21)), payment=Amount(D("0.29"), D(21)),
                    discount=Amount(D("10.00"), D(21)), **extra)
    return to_canonical(data)


def invoices(fs) -> list[dict]:
    return fs["state"].records(fs["username"], "invoices")


def test_a_gross_priced_order_becomes_a_paid_invoice_with_the_orders_total(fs):
    canonical = order("90498")
    sent = []
    created = fs["documents"].create("invoice", canonical, before_send=sent.append)
    [stored] = invoices(fs)
    assert created.remote_id == stored["invoicenr"] and created.status == "paid"
    assert stored["totalintax"] == canonical.total_incl and created.total == f"{canonical.total_incl:.2f}"
    assert stored["open"] == 0 and stored["paiddate"] == canonical.date.isoformat()  # manual 001 §7: paid
    assert stored["reference"] == {"line1": "90498"} and stored["lines"][0] == {"description": "Bestelling 90498"}
    assert stored["tax_type"] == "intax" and stored["category"] == 1  # the 21 % row carries most revenue
    lines = stored["lines"][1:]
    assert [(line["amount"], line["price"], line["tax_rate"]) for line in lines] == [
        (3, D("104.90"), 21), (7, D("3.33"), 9), (1, D("12.95"), 21), (1, D("4.95"), 21), (1, D("0.29"), 21),
        (1, D("-10.00"), 21)]  # gross prices as the shop gave them; the discount at its own rate
    assert {tax["rate"]: tax["sum"] for tax in stored["taxes"]} == {9: D("1.92"), 21: D("56.04")}  # 23.31 × 9/109, 322.89 × 21/121
    assert sent[0]["action"] == "send" and sent[0]["sendmethod"] == "mail"  # final, nothing e-mailed


def test_the_client_is_matched_on_email_created_once_and_never_changed(fs):
    existing = fs["client"].create("clients", {"contact": "S. Peeters (eigen notitie)", "email": "Sophie@Example.nl",
                                               "taxtype": "intax", "city": "Brugge"})
    fs["documents"].create("invoice", order("90501"))
    fs["documents"].create("invoice", order("90502", email="nieuw@example.nl"))
    fs["documents"].create("invoice", order("90503", email="nieuw@example.nl"))
    clients = fs["state"].records(fs["username"], "clients")
    assert [c["email"] for c in clients] == ["Sophie@Example.nl", "nieuw@example.nl"]
    assert clients[0]["contact"] == "S. Peeters (eigen notitie)" and clients[0]["city"] == "Brugge"
    assert clients[1]["contact"] == "Test Klant" and clients[1]["taxtype"] == "intax"
    assert [i["clientnr"] for i in invoices(fs)] == [int(existing), 2, 2]


def test_a_b2b_order_with_reverse_charge_creates_a_tax_shifted_client_and_zero_rated_lines(fs):
    data, _ = build("90510", 90510, [Amount(D("100.00"), D(0), 2)], False, "inkoop@visser.nl",
                    company="Visser BV", vat_number="NL 123.456.789.B01", regime="intra_eu_reverse_charge")
    canonical = to_canonical(data)
    created = fs["documents"].create("invoice", canonical)
    [client] = fs["state"].records(fs["username"], "clients")
    assert client["company"] == "Visser BV" and client["taxnumber"] == "NL123456789B01"
    assert client["tax_shifted"] is True and client["taxtype"] == "extax"
    assert created.total == "200.00" and invoices(fs)[0]["tax"] == 0


def test_a_net_priced_order_is_sent_in_net_prices_and_stays_within_two_cents(fs):
    canonical = order("90520", incl=False, company="Visser BV")
    fs["documents"].create("invoice", canonical)
    [stored] = invoices(fs)
    assert stored["tax_type"] == "extax" and stored["lines"][1]["price"] == D("104.90")
    assert abs(stored["totalintax"] - canonical.total_incl) <= D("0.02")


def test_a_quantity_that_does_not_divide_the_line_total_is_sent_as_one_line_total(fs):
    # Net 3 × 10.01 = 30.03 + 6.31 VAT = 36.34, but the shop's gross unit price 12.11 × 3 is 36.33.
    data, _ = build("90530", 90530, [Amount(D("10.01"), D(21), 3)], False, "a@example.nl")
    canonical = to_canonical(data)
    # An existing client priced incl. VAT gets incl. prices, whatever the shop's basis.
    fs["client"].create("clients", {"contact": "A", "email": "a@example.nl", "taxtype": "intax"})
    fs["documents"].create("invoice", canonical)
    line = invoices(fs)[0]["lines"][1]
    assert (line["amount"], line["price"], line["description"]) == (1, D("36.34"), "3 × Artikel 1")
    assert invoices(fs)[0]["totalintax"] == canonical.total_incl == D("36.34")


def test_an_invoice_whose_answer_was_lost_is_found_by_reference_and_paid_not_sent_again(fs):
    canonical = order("90540")
    fs["state"].add_fault(FaultRule("POST", "invoices", mode="commit_then_status", status=502))
    with pytest.raises(OutcomeUnknown):
        fs["documents"].create("invoice", canonical)
    assert invoices(fs)[0]["open"] == canonical.total_incl  # there, but not paid yet
    again = FactuursturenTarget.documents(connection(fs["target_id"]))
    found = again.find("invoice", "90540")
    assert found.status == "paid" and found.total == f"{canonical.total_incl:.2f}"
    assert fs["state"].post_count(fs["username"], "invoices") == 1 and invoices(fs)[0]["open"] == 0
    assert again.find("invoice", "90541") is None
    listed = again.listed("invoice", canonical.updated_at or __import__("datetime").datetime(2026, 1, 1))
    assert [row["reference"] for row in listed] == ["90540"]


def test_a_payment_that_did_not_get_through_leaves_the_invoice_in_doubt(fs):
    fs["state"].add_fault(FaultRule("PUT", "invoices_payment", status=503, count=1))
    with pytest.raises(OutcomeUnknown):
        fs["documents"].create("invoice", order("90550"))
    found = fs["documents"].find("invoice", "90550")
    assert found.status == "paid" and fs["state"].post_count(fs["username"], "invoices") == 1


def test_the_settings_profile_is_sent(fs):
    with db.session_scope() as session:
        target = session.get(Connection, fs["target_id"])
        target.settings = {**target.settings, "profile": "2"}
    FactuursturenTarget.documents(connection(fs["target_id"])).create("invoice", order("90560"))
    assert invoices(fs)[0]["profile"] == 2


def test_an_existing_client_without_reverse_charge_stops_an_intra_eu_order_and_is_never_changed(fs):
    fs["client"].create("clients", {"company": "Visser BV", "email": "inkoop@visser.nl", "taxtype": "extax"})
    data, _ = build("90511", 90511, [Amount(D("100.00"), D(0), 2)], False, "inkoop@visser.nl",
                    company="Visser BV", vat_number="NL 123.456.789.B01", regime="intra_eu_reverse_charge")
    with pytest.raises(MappingError) as stopped:
        fs["documents"].create("invoice", to_canonical(data))
    assert stopped.value.code == "CLIENT_NOT_REVERSE_CHARGE" and "Visser BV" in str(stopped.value)
    assert invoices(fs) == []  # nothing booked without the reverse-charge note
    [client] = fs["state"].records(fs["username"], "clients")
    assert not client.get("tax_shifted")  # and the merchant's client record is left as it was
    shown = problem(stopped.value.code, detail=str(stopped.value), **stopped.value.values)
    assert "BTW verlegd" in shown.message and "Factuursturen" in shown.help


def test_a_remembered_client_whose_email_changed_is_matched_again_not_booked_on(fs):
    fs["documents"].create("invoice", order("90530"))  # sophie@example.nl: client 1, remembered
    state = fs["state"]
    with state.lock:  # the merchant gave that client another address in Factuursturen since
        [first] = state.accounts[fs["username"]]["clients"].values()
        first["email"] = "boekhouding@peeters.be"
    fs["documents"].create("invoice", order("90531"))
    clients = fs["state"].records(fs["username"], "clients")
    assert [c["email"] for c in clients] == ["boekhouding@peeters.be", "sophie@example.nl"]
    assert [i["clientnr"] for i in invoices(fs)] == [1, 2]  # the second order is on the customer it names
