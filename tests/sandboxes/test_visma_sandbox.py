"""The Visma eAccounting sandbox over a real socket: what a client of the real API would notice."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Response

from worker.connectors.visma_eaccounting.sandbox import Clock, FaultRule, VismaState, create_app
from worker.httpserver import ServerThread

CLIENT, SECRET, REDIRECT = "koppel-dev", "koppel-dev-secret", "http://127.0.0.1:8000/connect/visma/callback"
USER, PASSWORD = "demo@koppel.test", "demo"
SCOPES = "ea:api ea:sales ea:accounting offline_access"


class Mount:
    """One real socket for the whole module; each test mounts its own sandbox under /visma."""

    def __init__(self):
        self.app = None
        self.server = ServerThread(self).start()

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)

    def mount(self, state: VismaState) -> str:
        self.app = DispatcherMiddleware(Response("not here", status=404), {"/visma": create_app(state)})
        return self.server.url + "/visma"


class Visma:
    """A fresh sandbox on the shared socket and a bare HTTP client of it."""

    def __init__(self, mount: Mount, **options):
        self.clock = Clock()
        self.state = VismaState(clock=self.clock, **options)
        self.state.register_client(CLIENT, SECRET, REDIRECT)
        self.company = self.state.add_user(USER, PASSWORD)
        self.base = mount.mount(self.state)
        self.tokens: dict = {}

    def authorize(self, scope: str = SCOPES, **extra) -> requests.Response:
        form = {"client_id": CLIENT, "redirect_uri": REDIRECT, "response_type": "code", "scope": scope,
                "state": "xyz", "username": USER, "password": PASSWORD, **extra}
        return requests.post(f"{self.base}/identity/connect/authorize", data=form, allow_redirects=False, timeout=5)

    def code(self, **extra) -> str:
        return parse_qs(urlparse(self.authorize(**extra).headers["Location"]).query)["code"][0]

    def token(self, **form) -> requests.Response:
        return requests.post(f"{self.base}/identity/connect/token",
                             data={"client_id": CLIENT, "client_secret": SECRET, **form}, timeout=5)

    def login(self, **extra) -> dict:
        self.tokens = self.token(grant_type="authorization_code", code=self.code(**extra),
                                 redirect_uri=REDIRECT).json()
        return self.tokens

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        if not self.tokens:
            self.login()
        headers = {"Authorization": f"Bearer {self.tokens['access_token']}"}
        return requests.request(method, f"{self.base}/v2/{path}", headers=headers,
                                timeout=kwargs.pop("timeout", 5), **kwargs)

    def get(self, path: str, **params) -> requests.Response:
        return self.call("GET", path, params=params)

    def post(self, path: str, body, **params) -> requests.Response:
        return self.call("POST", path, json=body, params=params)

    def first(self, path: str, **match) -> dict:
        rows = self.get(path, **{"$pagesize": 100}).json()["Data"]
        return next(r for r in rows if all(r.get(k) == v for k, v in match.items()))

    def customer(self, **fields) -> dict:
        terms = self.first("termsofpayments", NumberOfDays=30)["Id"]
        body = {"Name": "Sophie Fischer", "InvoiceCity": "Amsterdam", "InvoicePostalCode": "1000AA",
                "InvoiceCountryCode": "NL", "EmailAddress": "sophie@example.nl", "TermsOfPaymentId": terms,
                "IsPrivatePerson": True, "IsActive": True, **fields}
        answer = self.post("customers", body)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def article(self, number: str = "SKU-1", rate: float = 0.21, net="86.69", gross="104.90", **fields) -> dict:
        coding = self.first("articleaccountcodings", VatRatePercent=rate)["Id"]
        unit = self.first("units", Code="PCE")["Id"]
        body = {"Number": number, "Name": f"Product {number}", "CodingId": coding, "UnitId": unit,
                "IsActive": True, "NetPrice": net, "GrossPrice": gross, **fields}
        answer = self.post("articles", body)
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture(scope="module")
def mount():
    shared = Mount()
    yield shared
    shared.server.stop()


@pytest.fixture
def visma(mount):
    sandbox = Visma(mount)
    yield sandbox
    sandbox.state.clear_faults()


def error(response: requests.Response) -> tuple[int, int, str]:
    body = response.json()
    assert set(body) == {"ErrorCode", "DeveloperErrorMessage", "ErrorId"}
    return response.status_code, body["ErrorCode"], body["DeveloperErrorMessage"]


def draft(customer: dict, *rows: dict, **fields) -> dict:
    return {"CustomerId": customer["Id"], "RotReducedInvoicingType": 0, "EuThirdParty": False,
            "YourReference": "90498", "Rows": list(rows), **fields}


def row(article: dict, price: str, quantity: str = "1", **fields) -> dict:
    return {"ArticleId": article["Id"], "IsTextRow": False, "ReversedConstructionServicesVatFree": False,
            "UnitPrice": price, "Quantity": quantity, **fields}


# --- OAuth -------------------------------------------------------------------------------------

def test_the_code_flow_gives_an_hour_long_token_and_a_refresh_token(visma):
    page = requests.get(f"{visma.base}/identity/connect/authorize", timeout=5, params={
        "client_id": CLIENT, "redirect_uri": REDIRECT, "response_type": "code", "scope": SCOPES})
    assert page.status_code == 200 and 'name="password"' in page.text
    tokens = visma.login()
    assert tokens["expires_in"] == 3600 and tokens["refresh_token"] and tokens["token_type"] == "Bearer"
    assert visma.get("customers").status_code == 200


def test_a_code_works_once_and_only_for_its_redirect_uri(visma):
    code = visma.code()
    assert visma.token(grant_type="authorization_code", code=code, redirect_uri=REDIRECT + "x").status_code == 400
    answer = visma.token(grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_the_token_endpoint_wants_a_form(visma):
    answer = requests.post(f"{visma.base}/identity/connect/token", timeout=5, json={
        "client_id": CLIENT, "client_secret": SECRET, "grant_type": "authorization_code", "code": visma.code()})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"


def test_a_wrong_secret_is_an_invalid_client(visma):
    answer = visma.token(client_secret="nope", grant_type="authorization_code", code=visma.code(),
                         redirect_uri=REDIRECT)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_client"


def test_refresh_tokens_rotate_and_a_used_one_is_refused(visma):
    first = visma.login()
    second = visma.token(grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    replay = visma.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert visma.token(grant_type="refresh_token", refresh_token=second["refresh_token"]).status_code == 200


def test_without_offline_access_no_refresh_token_comes(visma):
    assert "refresh_token" not in visma.login(scope="ea:api ea:sales")


def test_a_scope_without_ea_api_is_refused_at_the_authorize_step(visma):
    answer = visma.authorize(scope="ea:sales offline_access")
    assert parse_qs(urlparse(answer.headers["Location"]).query)["error"] == ["invalid_scope"]


def test_an_expired_token_is_a_4005_on_the_sandbox_clock(visma):
    visma.login()
    visma.clock.advance(3599)
    assert visma.get("units").status_code == 200
    visma.clock.advance(2)
    assert error(visma.get("units"))[:2] == (401, 4005)


def test_a_missing_scope_is_a_4006_not_an_empty_list(visma):
    visma.login(scope="ea:api ea:sales offline_access")
    assert visma.get("customers").status_code == 200
    assert error(visma.get("vatcodes"))[:2] == (403, 4006)
    visma.login(scope="ea:api ea:sales_readonly offline_access")
    assert visma.get("customers").status_code == 200
    assert error(visma.post("customers", {}))[:2] == (403, 4006)


def test_a_token_is_bound_to_its_company(visma):
    visma.customer()
    other = visma.state.add_company("Andere BV")
    visma.state.add_user("other@example.nl", "pw", other)
    mine = visma.tokens
    visma.login(username="other@example.nl", password="pw")
    assert visma.get("customers").json()["Meta"]["TotalNumberOfResults"] == 0
    visma.tokens = mine
    assert visma.get("customers").json()["Meta"]["TotalNumberOfResults"] == 1


# --- lists, limits, faults ---------------------------------------------------------------------

def test_lists_are_paged_with_meta_and_filtered_with_eq(visma):
    visma.customer(EmailAddress="a@example.nl", Name="A")
    visma.customer(EmailAddress="b@example.nl", Name="B")
    page = visma.get("customers", **{"$filter": "EmailAddress eq 'b@example.nl'"}).json()
    assert [c["Name"] for c in page["Data"]] == ["B"] and page["Meta"]["TotalNumberOfResults"] == 1
    second = visma.get("vatcodes", **{"$pagesize": 5, "$page": 2}).json()
    assert second["Meta"]["CurrentPage"] == 2 and len(second["Data"]) == 5
    assert second["Meta"]["TotalNumberOfPages"] == 3
    assert error(visma.get("customers", **{"$filter": "Nope eq 'x'"}))[:2] == (400, 2000)


def test_the_seed_has_vat_codes_per_rate_and_the_debtor_accounts(visma):
    codes = {c["Code"]: c["VatRate"] for c in visma.get("vatcodes", **{"$pagesize": 100}).json()["Data"]}
    assert codes["NL21"] == 0.21 and codes["NL9"] == 0.09 and codes["BE12"] == 0.12 and codes["BE6"] == 0.06
    assert codes["ICP"] == 0 and codes["EXPORT"] == 0 and codes["OSSDE19"] == 0.19 and codes["OSSFR20"] == 0.2
    numbers = {a["Number"] for a in visma.get("accounts", **{"$pagesize": 100}).json()["Data"]}
    assert {"1200", "1300", "1600", "8000"} <= numbers
    assert visma.get("companysettings").json()["CurrencyCode"] == "EUR"


def test_600_calls_a_minute_per_endpoint_then_a_4010(mount):
    visma = Visma(mount, rate_limit=3)
    for _ in range(3):
        assert visma.get("units").status_code == 200
    status, code, message = error(visma.get("units"))
    assert (status, code) == (429, 4010) and "Try again in" in message
    assert visma.get("customers").status_code == 200  # another endpoint has its own count
    visma.clock.advance(61)
    assert visma.get("units").status_code == 200


def test_a_fault_answers_the_next_call_with_a_5xx_without_doing_the_work(visma):
    customer = visma.customer()
    visma.state.add_fault(FaultRule("POST", "customerinvoicedrafts", status=503))
    assert visma.post("customerinvoicedrafts", draft(customer)).status_code == 503
    assert visma.state.post_count(visma.company, "customerinvoicedrafts") == 0
    assert visma.post("customerinvoicedrafts", draft(customer)).status_code == 200


def test_commit_then_hang_stores_the_document_but_the_answer_comes_too_late(visma):
    customer = visma.customer()
    visma.state.add_fault(FaultRule("POST", "customerinvoicedrafts", mode="commit_then_hang", hang_seconds=5))
    with pytest.raises(requests.Timeout):
        visma.call("POST", "customerinvoicedrafts", json=draft(customer), timeout=0.5)
    visma.state.clear_faults()
    found = visma.get("customerinvoicedrafts", **{"$filter": "YourReference eq '90498'"}).json()["Data"]
    assert len(found) == 1


def test_an_unfinished_startup_guide_answers_4003(visma):
    visma.state.set_startup_complete(visma.company, False)
    assert error(visma.get("customers"))[1] == 4003


# --- validation and documents ------------------------------------------------------------------

def test_a_customer_needs_the_required_fields_and_gets_a_number(visma):
    status, code, message = error(visma.post("customers", {"Name": "X", "IsPrivatePerson": True, "IsActive": True}))
    assert (status, code) == (400, 2000) and "InvoiceCity" in message
    assert error(visma.post("customers", {"Name": "X" * 51}))[1] == 2000
    first, second = visma.customer(), visma.customer(EmailAddress="other@example.nl")
    assert first["CustomerNumber"] != second["CustomerNumber"]
    assert error(visma.post("customers", {**{k: first[k] for k in (
        "Name", "InvoiceCity", "InvoicePostalCode", "TermsOfPaymentId", "IsPrivatePerson", "IsActive")},
        "CustomerNumber": first["CustomerNumber"]}))[1] == 4000


def test_a_customer_with_an_unknown_terms_of_payment_or_a_bad_vat_number_is_refused(visma):
    terms = visma.first("termsofpayments", NumberOfDays=30)["Id"]
    body = {"Name": "B", "InvoiceCity": "Gent", "InvoicePostalCode": "9000", "IsPrivatePerson": False,
            "IsActive": True, "TermsOfPaymentId": "00000000-0000-0000-0000-000000000001"}
    assert error(visma.post("customers", body))[1] == 3000
    assert error(visma.post("customers", {**body, "TermsOfPaymentId": terms, "VatNumber": "BE12"}))[1] == 2000
    assert visma.post("customers", {**body, "TermsOfPaymentId": terms, "VatNumber": "BE0123456789"}).status_code == 200


def test_an_article_needs_its_coding_and_unit_and_prices_that_agree_with_the_vat_rate(visma):
    assert error(visma.post("articles", {"Number": "A", "Name": "A", "IsActive": True}))[1] == 2000
    assert visma.article("OK", net="8.26", gross="10.00")["GrossPrice"] == 10.0
    status, code, message = error(visma.post("articles", {**{k: v for k, v in visma.article("B").items() if k in (
        "CodingId", "UnitId", "IsActive")}, "Number": "C", "Name": "C", "NetPrice": "10.00", "GrossPrice": "10.00"}))
    assert (status, code) == (400, 2000) and "GrossPrice" in message
    assert error(visma.post("articles", {**{k: v for k, v in visma.article("D").items() if k in (
        "CodingId", "UnitId", "IsActive")}, "Number": "D", "Name": "D"}))[1] == 4000


def test_an_invoice_draft_takes_name_and_address_from_the_customer_and_computes_totals(visma):
    customer, article = visma.customer(), visma.article()
    answer = visma.post("customerinvoicedrafts", draft(customer, row(article, "104.90", "2"),
                                                       InvoiceCustomerName="Someone Else", InvoiceCity="Utrecht",
                                                       CustomerIsPrivatePerson=False))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["InvoiceCustomerName"] == "Sophie Fischer" and body["InvoiceCity"] == "Amsterdam"
    assert body["CustomerIsPrivatePerson"] is True and body["IncludesVat"] is True
    assert body["TotalAmount"] == 209.80 and body["TotalVatAmount"] == 36.41
    assert visma.get(f"customerinvoicedrafts/{body['Id']}").json()["YourReference"] == "90498"


def test_a_converted_draft_becomes_an_invoice_with_a_number_and_keeps_its_reference(visma):
    created = visma.post("customerinvoicedrafts", draft(visma.customer(), row(visma.article(), "104.90"))).json()
    invoice = visma.call("POST", f"customerinvoicedrafts/{created['Id']}/convert", json={}).json()
    assert invoice["InvoiceNumber"] == 1 and invoice["TotalAmount"] == 104.90
    assert visma.get(f"customerinvoicedrafts/{created['Id']}").status_code == 404
    found = visma.get("customerinvoices", **{"$filter": "YourReference eq '90498'"}).json()["Data"]
    assert [i["Id"] for i in found] == [invoice["Id"]]


def test_a_company_customer_gets_prices_excl_vat(visma):
    customer, article = visma.customer(IsPrivatePerson=False, Name="Fischer BV"), visma.article()
    body = visma.post("customerinvoicedrafts", draft(customer, row(article, "86.69", "2"))).json()
    assert body["IncludesVat"] is False and body["TotalVatAmount"] == 36.41 and body["TotalAmount"] == 209.79


def test_invoice_draft_rows_are_validated(visma):
    customer, article = visma.customer(), visma.article()
    assert error(visma.post("customerinvoicedrafts", {"CustomerId": customer["Id"], "EuThirdParty": False}))[1] == 2000
    no_flag = {k: v for k, v in row(article, "1.00").items() if k != "ReversedConstructionServicesVatFree"}
    assert error(visma.post("customerinvoicedrafts", draft(customer, no_flag)))[1] == 2000
    assert error(visma.post("customerinvoicedrafts", draft(customer, row(article, "1.001"))))[1] == 2000
    assert error(visma.post("customerinvoicedrafts", draft(customer, row(article, "1.00", "1.005"))))[1] == 2000
    too_much = row(article, "1", DiscountPercentage=2)
    assert error(visma.post("customerinvoicedrafts", draft(customer, too_much)))[1] == 2000
    assert error(visma.post("customerinvoicedrafts", draft(customer, row(article, "1", LineNumber=1001))))[1] == 2000
    missing = {**row(article, "1"), "ArticleId": None}
    assert error(visma.post("customerinvoicedrafts", draft(customer, missing)))[1] == 2000
    unknown = {**row(article, "1"), "ArticleId": "00000000-0000-0000-0000-000000000002"}
    assert error(visma.post("customerinvoicedrafts", draft(customer, unknown)))[1] == 3000
    assert error(visma.post("customerinvoicedrafts", draft({"Id": unknown["ArticleId"]})))[1] == 3000


def test_a_foreign_customer_may_have_four_decimals_on_a_draft(visma):
    customer = visma.customer(InvoiceCountryCode="BE", InvoiceCity="Gent", InvoicePostalCode="9000")
    answer = visma.post("customerinvoicedrafts", draft(customer, row(visma.article(), "1.0001")))
    assert answer.status_code == 200, answer.text


def test_a_zero_price_becomes_the_article_price_unless_told_otherwise(visma):
    customer, article = visma.customer(), visma.article()
    assert visma.post("customerinvoicedrafts", draft(customer, row(article, "0"))).json()["TotalAmount"] == 104.90
    kept = visma.post("customerinvoicedrafts", draft(customer, row(article, "0", ReplaceUnitPriceWhenZero=False)))
    assert kept.json()["TotalAmount"] == 0


def test_an_icp_customer_pays_no_vat(visma):
    customer = visma.customer(InvoiceCountryCode="BE", IsPrivatePerson=False, VatNumber="BE0123456789")
    body = visma.post("customerinvoicedrafts", draft(customer, row(visma.article(), "86.69"))).json()
    assert body["TotalVatAmount"] == 0 and body["TotalAmount"] == 86.69


def test_an_order_needs_the_swagger_fields_and_gets_a_number(visma):
    customer, article = visma.customer(), visma.article()
    body = {"CustomerId": customer["Id"], "CurrencyCode": "EUR", "EuThirdParty": False, "OrderDate": "2026-11-02",
            "Status": 1, "RotReducedInvoicingType": 0, "ReverseChargeOnConstructionServices": False,
            "Amount": 104.90, "VatAmount": 18.21, "RoundingsAmount": 0, "CustomerIsPrivatePerson": True,
            "InvoiceCity": "Amsterdam", "InvoiceCountryCode": "NL", "InvoiceCustomerName": "Sophie Fischer",
            "InvoicePostalCode": "1000AA", "YourReference": "90498",
            "Rows": [{"LineNumber": 1, "IsTextRow": False, "IsWorkCost": False, "EligibleForReverseChargeOnVat": False,
                      "ArticleId": article["Id"], "UnitPrice": 104.90, "Quantity": 1}]}
    created = visma.post("orders", body).json()
    assert created["Number"] == 1 and created["Amount"] == 104.90 and created["VatAmount"] == 18.21
    assert error(visma.post("orders", {**body, "Status": None}))[1] == 2000
    assert error(visma.post("orders", {**body, "Status": 9}))[1] == 2000


def voucher(amount: str = "121.00", **fields) -> dict:
    return {"VoucherDate": fields.pop("date", None) or dt.date.today().isoformat(),
            "VoucherText": "Bestelling 90498", "Rows": [
                {"AccountNumber": 1300, "DebitAmount": amount, "TransactionText": "Bestelling 90498"},
                {"AccountNumber": 8000, "CreditAmount": "100.00", "TransactionText": "Overhemd"},
                {"AccountNumber": 1671, "CreditAmount": "21.00", "TransactionText": "BTW"}], **fields}


def test_a_voucher_must_balance_on_existing_accounts_in_an_existing_fiscal_year(visma):
    created = visma.post("vouchers", voucher())
    assert created.status_code == 200, created.text
    assert created.json()["NumberAndNumberSeries"] == "A1"
    assert error(visma.post("vouchers", voucher("120.00")))[1] == 2000
    assert error(visma.post("vouchers", voucher(date="1999-01-01")))[1] == 3001
    bad = voucher()
    bad["Rows"][1]["AccountNumber"] = 8999
    assert error(visma.post("vouchers", bad))[1] == 3002
    blocked = voucher()
    blocked["Rows"][1]["AccountNumber"] = 1900
    assert error(visma.post("vouchers", blocked))[1] == 2000


def test_a_voucher_keeps_its_vat_code_only_with_use_default_vat_codes_false(visma):
    code = visma.first("vatcodes", Code="NL9")["Id"]
    body = voucher()
    body["Rows"][1]["VatCodeId"] = code
    replaced = visma.post("vouchers", body).json()
    kept = visma.post("vouchers", body, useDefaultVatCodes="false").json()
    assert replaced["Rows"][1]["VatCodeId"] != code and kept["Rows"][1]["VatCodeId"] == code
    body["Rows"][1]["VatCodeId"] = "00000000-0000-0000-0000-000000000003"
    assert error(visma.post("vouchers", body, useDefaultVatCodes="false"))[1] == 2000


def ledger_item(customer: dict, **fields) -> dict:
    body = voucher()
    return {"CurrencyCode": "EUR", "CustomerId": customer["Id"], "DueDate": body["VoucherDate"],
            "InvoiceDate": body["VoucherDate"], "InvoiceNumber": 1764633600, "IsCreditInvoice": False,
            "PaymentReferenceNumber": "90498", "TotalAmountInvoiceCurrency": 121.00,
            "RemainingAmountInvoiceCurrency": 121.00, "VATAmountInvoiceCurrency": 21.00,
            "RoundingsAmountInvoiceCurrency": 0, "Voucher": body, **fields}


def test_a_customer_ledger_item_with_voucher_is_a_sales_booking_on_the_customer(visma):
    path = "customerledgeritems/customerledgeritemswithvoucher"
    customer = visma.customer()
    created = visma.post(path, ledger_item(customer), useDefaultVatCodes="false")
    assert created.status_code == 200, created.text
    assert created.json()["Voucher"]["NumberAndNumberSeries"] == "A1"
    found = visma.get("customerledgeritems", **{"$filter": "PaymentReferenceNumber eq '90498'"}).json()["Data"]
    assert [item["Id"] for item in found] == [created.json()["Id"]]
    assert error(visma.post(path, ledger_item(customer, InvoiceNumber=None)))[1] == 2000
    assert error(visma.post(path, ledger_item(customer, RoundingsAmountInvoiceCurrency=2)))[1] == 2000
    assert error(visma.post(path, ledger_item({"Id": "00000000-0000-0000-0000-000000000004"})))[1] == 3000
    unbalanced = ledger_item(customer, Voucher=voucher("120.00"))
    assert error(visma.post(path, unbalanced))[1] == 2000
    assert visma.state.post_count(visma.company, "customerledgeritems") == 1


def test_the_state_survives_a_restart(visma, tmp_path):
    customer = visma.customer()
    path = str(tmp_path / "visma.json")
    visma.state.save(path)
    again = VismaState.load(path, clock=visma.clock)
    assert again.records(visma.company, "customers")[0]["Id"] == customer["Id"]
    assert again.tokens.lookup(visma.tokens["access_token"]) is not None
