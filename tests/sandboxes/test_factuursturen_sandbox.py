"""The Factuursturen sandbox enforces what the real API v1 does (targets.md §4.7), over a real socket."""
from __future__ import annotations

import pytest
import requests

from worker.config import settings
from worker.connectors.factuursturen.sandbox import FactuursturenState, FaultRule, create_app

JSON = {"Accept": "application/json"}


@pytest.fixture
def fs(sandboxes):
    sandboxes.factuursturen.add_account("bakkerij", "sleutel-1")
    return sandboxes.factuursturen


def call(method: str, path: str, body=None, auth=("bakkerij", "sleutel-1"), headers=JSON) -> requests.Response:
    return requests.request(method, f"{settings.factuursturen_api_url}/{path}", json=body, auth=auth,
                            headers=headers, timeout=10)


def new_client(**fields) -> str:
    answer = call("POST", "clients", {"contact": "Sophie Peeters", "email": "sophie@example.nl",
                                      "country": "België", "taxtype": "intax", **fields})
    assert answer.status_code == 201, answer.text
    return answer.text


def invoice(clientnr: str, **fields) -> dict:
    return {"clientnr": int(clientnr), "action": "send", "sendmethod": "mail", "reference": {"line1": "1001"},
            "lines": [{"description": "Bestelling 1001"},
                      {"amount": 2, "description": "Brood", "price": 3.63, "tax_rate": 9},
                      {"amount": 1, "description": "Verzendkosten", "price": 4.95, "tax_rate": 21}], **fields}


def test_basic_auth_refuses_a_wrong_or_inactive_key(fs):
    assert call("GET", "taxes", auth=("bakkerij", "fout")).status_code == 401
    assert call("GET", "taxes", auth=None).status_code == 401
    fs.set_active("bakkerij", False)
    assert call("GET", "taxes").status_code == 401
    fs.set_active("bakkerij", True)
    taxes = call("GET", "taxes")
    assert taxes.status_code == 200
    assert {row["percentage"] for row in taxes.json()} == {"21", "9", "0"}  # numbers as strings


def test_without_accept_json_the_answer_is_xml(fs):
    answer = call("GET", "taxes", headers={})
    assert answer.headers["Content-Type"].startswith("application/xml") and "<percentage>21</percentage>" in answer.text


def test_an_invoice_is_created_as_plain_text_number_and_read_back_with_totals(fs):
    clientnr = new_client()
    created = call("POST", "invoices", invoice(clientnr))
    assert created.status_code == 201 and created.headers["Content-Type"].startswith("text/plain")
    number = created.text
    back = call("GET", f"invoices/{number}").json()["invoice"]
    # intax client: 2 × 3.63 + 4.95 = 12.21 incl.; VAT per rate: 7.26 × 9/109 = 0.60, 4.95 × 21/121 = 0.86
    assert back["totalintax"] == "12.21" and back["tax"] == "1.46" and back["open"] == "12.21"
    assert back["reference"] == {"line1": "1001"} and back["clientnr"] == clientnr
    assert [row["invoicenr"] for row in call("GET", "invoices", {}).json()] == [number]


def test_invoice_validation_answers_a_human_message(fs):
    clientnr = new_client()
    cases = [({"action": "mail"}, "action"), ({"sendmethod": None}, "sendmethod"),
             ({"action": "save"}, "savename"), ({"action": "repeat", "savename": "x"}, "initialdate"),
             ({"clientnr": 999}, "999"), ({"lines": []}, "at least one line"),
             ({"lines": [{"amount": 1, "description": "x", "price": 1, "tax_rate": 19}]}, "tax_rate"),
             ({"discounttype": "korting"}, "discounttype"), ({"invoicenr": "F-12"}, "invoicenr")]
    for change, words in cases:
        answer = call("POST", "invoices", {**invoice(clientnr), **change})
        assert answer.status_code == 400 and words in answer.json(), (change, answer.text)
    camel = {"ClientNr": int(clientnr), **{k: v for k, v in invoice(clientnr).items() if k != "clientnr"}}
    assert call("POST", "invoices", camel).status_code == 400  # field names are lower-case
    assert call("POST", "invoices", invoice(clientnr, sendmethod="email")).status_code == 201
    no_mail = new_client(email="", contact="Jan")
    assert "e-mail" in call("POST", "invoices", invoice(no_mail, sendmethod="email")).json()


def test_lines_are_accepted_as_an_object_keyed_by_number(fs):
    body = invoice(new_client())
    body["lines"] = {str(index): line for index, line in enumerate(body["lines"], 1)}
    assert call("POST", "invoices", body).status_code == 201


def test_a_saved_invoice_is_not_listed_and_its_name_is_not_overwritten_by_accident(fs):
    clientnr = new_client()
    assert call("POST", "invoices", invoice(clientnr, action="save", savename="concept")).status_code == 201
    assert call("GET", "invoices").json() == [] and len(call("GET", "invoices_saved").json()) == 1
    again = call("POST", "invoices", invoice(clientnr, action="save", savename="concept"))
    assert again.status_code == 400 and "concept" in again.json()
    assert call("POST", "invoices", invoice(clientnr, action="save", savename="concept",
                                            overwrite_if_exist=True)).status_code == 201


def test_a_payment_marks_the_invoice_paid_and_an_unknown_invoice_is_404(fs):
    number = call("POST", "invoices", invoice(new_client())).text
    assert call("PUT", "invoices_payment/2099-9999", {"date": "2026-11-02"}).status_code == 404
    assert call("PUT", f"invoices_payment/{number}", {"date": "2026-11-02"}).status_code == 200
    back = call("GET", f"invoices/{number}").json()["invoice"]
    assert back["open"] == "0.00" and back["paiddate"] == "2026-11-02"


def test_clients_have_field_limits_enums_and_countries_by_id_or_name(fs):
    assert "zipcode" in call("POST", "clients", {"contact": "A", "zipcode": "12345678"}).json()
    assert "sendmethod" in call("POST", "clients", {"contact": "A", "sendmethod": "fax"}).json()
    assert "Atlantis" in call("POST", "clients", {"contact": "A", "country": "Atlantis"}).json()
    first, second = new_client(), new_client(country="Nederland", company="Visser BV", taxnumber="NL123456789B01")
    assert int(second) == int(first) + 1
    record = call("GET", f"clients/{second}").json()["client"]
    by_name = {row["name"]: row["id"] for row in call("GET", "countrylist").json()}
    assert record["country"] == by_name["Nederland"] and record["company"] == "Visser BV"
    assert call("GET", "clients/999").status_code == 404


def test_the_hourly_invoice_limit_is_a_403_with_nothing_remaining(fs):
    clientnr = new_client()
    for n in range(60):
        answer = call("POST", "invoices", invoice(clientnr))
        assert answer.status_code == 201 and answer.headers["X-RateLimit-Remaining"] == str(59 - n)
    refused = call("POST", "invoices", invoice(clientnr))
    assert refused.status_code == 403 and refused.headers["X-RateLimit-Remaining"] == "0"
    assert call("GET", "invoices").status_code == 200  # only invoice creation counts (configurable)
    fs.clock.advance(3600)
    assert call("POST", "invoices", invoice(clientnr)).status_code == 201
    assert len(call("GET", "invoices").json()) == 61


def test_the_limit_can_count_every_call():
    state = FactuursturenState(invoice_limit=3, limit_counts="all")
    state.add_account("a", "k")
    client = create_app(state).test_client()
    auth = {"Authorization": "Basic YTpr", **JSON}  # a:k
    answers = [client.get("/api/v1/taxes", headers=auth) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 403]
    assert answers[-1].headers["X-RateLimit-Remaining"] == "0"


def test_a_committed_invoice_whose_answer_is_lost_exists(fs):
    clientnr = new_client()
    fs.add_fault(FaultRule("POST", "invoices", mode="commit_then_status", status=502))
    assert call("POST", "invoices", invoice(clientnr)).status_code == 502
    assert len(call("GET", "invoices").json()) == 1 and fs.post_count("bakkerij", "invoices") == 1
