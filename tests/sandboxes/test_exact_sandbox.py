"""The Exact Online sandbox over a real socket: what a client of the real API would notice."""
from __future__ import annotations

import base64
import hashlib
import re
import threading
from decimal import Decimal
from urllib.parse import parse_qs
from urllib.parse import urlparse

import pytest
import requests
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Response

from tests.support.waiting import wait_for
from worker.connectors.exact.sandbox import Clock
from worker.connectors.exact.sandbox import ExactState
from worker.connectors.exact.sandbox import FaultRule
from worker.connectors.exact.sandbox import create_app
from worker.httpserver import ServerThread

CLIENT, SECRET, REDIRECT = "koppel-dev", "koppel-dev-secret", "http://127.0.0.1:8000/connect/exact/callback"
USER, PASSWORD = "demo@koppel.test", "demo"


class Mount:
    """One real socket for the whole module; each test mounts its own sandbox under /exact."""

    def __init__(self):
        self.app = None
        self.server = ServerThread(self).start()

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)

    def mount(self, state: ExactState) -> str:
        self.app = DispatcherMiddleware(Response("not here", status=404), {"/exact": create_app(state)})
        return self.server.url + "/exact"


class Exact:
    """A fresh sandbox on the shared socket, mounted under /exact, and a client of it."""

    def __init__(self, mount: Mount, **options):
        self.clock = Clock()
        self.state = ExactState(clock=self.clock, **options)
        self.state.register_client(client_id=CLIENT, client_secret=SECRET, redirect_uri=REDIRECT)
        self.division = self.state.add_user(username=USER, password=PASSWORD, division=None)
        self.mount = mount
        self.base = mount.mount(self.state)
        self.tokens: dict = {}

    def authorize(self, **extra) -> requests.Response:
        params = {"client_id": CLIENT, "redirect_uri": REDIRECT, "response_type": "code", "state": "xyz", **extra}
        form = {**params, "username": USER, "password": PASSWORD}
        return requests.post(f"{self.base}/api/oauth2/auth", data=form, allow_redirects=False, timeout=5)

    def code(self, **extra) -> str:
        return parse_qs(urlparse(self.authorize(**extra).headers["Location"]).query)["code"][0]

    def token(self, **form) -> requests.Response:
        body = {"client_id": CLIENT, "client_secret": SECRET, **form}
        return requests.post(f"{self.base}/api/oauth2/token", data=body, timeout=5)

    def login(self) -> dict:
        self.tokens = self.token(grant_type="authorization_code", code=self.code(), redirect_uri=REDIRECT).json()
        return self.tokens

    def refresh(self, refresh_token: str | None = None) -> requests.Response:
        return self.token(grant_type="refresh_token", refresh_token=refresh_token or self.tokens["refresh_token"])

    def url(self, path: str) -> str:
        return f"{self.base}/api/v1/{self.division}/{path}"

    def call(self, method: str, path: str, accept: str = "application/json", **kwargs) -> requests.Response:
        if not self.tokens:
            self.login()
        headers = {"Authorization": f"Bearer {self.tokens['access_token']}", "Accept": accept}
        url = path if path.startswith("http") else self.url(path)
        return requests.request(method, url, headers=headers, timeout=kwargs.pop("timeout", 5), **kwargs)

    def me(self, **params) -> requests.Response:
        return self.call("GET", f"{self.base}/api/v1/current/Me", params=params)

    def get(self, path: str, **params) -> requests.Response:
        return self.call("GET", path, params=params)

    def post(self, path: str, body: dict) -> requests.Response:
        return self.call("POST", path, json=body)

    def ids(self, entity_path: str, code: str) -> str:
        rows = self.get(entity_path, **{"$filter": f"Code eq '{code}'", "$select": "ID"}).json()["d"]["results"]
        return rows[0]["ID"]

    def customer(self, **fields) -> str:
        return self.post("crm/Accounts", {"Name": "Jan de Vries", "Email": "jan@example.nl", "Status": "C",
                                          **fields}).json()["d"]["ID"]

    def item(self, code: str = "SKU-1", **fields) -> str:
        body = {"Code": code, "Description": f"Product {code}", **fields}
        return self.post("logistics/Items", body).json()["d"]["ID"]


@pytest.fixture(scope="module")
def mount():
    shared = Mount()
    yield shared
    shared.server.stop()


@pytest.fixture
def exact(mount):
    sandbox = Exact(mount)
    yield sandbox
    sandbox.state.clear_faults()  # releases requests still hanging in a fault


def message(response: requests.Response) -> str:
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == "" and body["error"]["message"]["lang"] == ""
    return body["error"]["message"]["value"]


# --- OAuth -----------------------------------------------------------------------------------


def test_consent_page_refuses_unregistered_redirect_without_redirecting(exact):
    page = requests.get(f"{exact.base}/api/oauth2/auth", timeout=5, allow_redirects=False,
                        params={"client_id": CLIENT, "redirect_uri": "http://evil.test/cb", "response_type": "code"})
    assert page.status_code == 400 and "Location" not in page.headers
    unknown = requests.get(f"{exact.base}/api/oauth2/auth", timeout=5, allow_redirects=False,
                           params={"client_id": "nobody", "redirect_uri": REDIRECT, "response_type": "code"})
    assert unknown.status_code == 400


def test_consent_page_shows_a_login_form_and_rejects_a_wrong_password(exact):
    page = requests.get(f"{exact.base}/api/oauth2/auth", timeout=5,
                        params={"client_id": CLIENT, "redirect_uri": REDIRECT, "response_type": "code", "state": "s"})
    assert page.status_code == 200 and "Grant access" in page.text and 'name="password"' in page.text
    hidden = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    wrong = requests.post(page.url, data={**hidden, "username": USER, "password": "nope"}, timeout=5,
                          allow_redirects=False)
    assert wrong.status_code == 200 and "Invalid username or password" in wrong.text
    right = requests.post(page.url, data={**hidden, "username": USER, "password": PASSWORD}, timeout=5,
                          allow_redirects=False)
    assert right.status_code == 302
    query = parse_qs(urlparse(right.headers["Location"]).query)
    assert right.headers["Location"].startswith(REDIRECT) and query["state"] == ["s"] and query["code"]


def test_code_exchange_gives_a_bearer_pair_with_expires_in_as_the_string_600(exact):
    code = exact.code()
    answer = exact.token(grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert answer.status_code == 200
    body = answer.json()
    assert body["expires_in"] == "600" and body["token_type"] == "bearer"
    assert body["access_token"] and body["refresh_token"] and exact.state.token_calls == 1
    again = exact.token(grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_code_expires_after_ten_minutes_and_bad_client_credentials_are_refused(exact):
    code = exact.code()
    bad = exact.token(grant_type="authorization_code", code=code, redirect_uri=REDIRECT, client_secret="wrong")
    assert bad.status_code in (400, 401) and bad.json()["error"] == "invalid_client"
    basic = requests.post(f"{exact.base}/api/oauth2/token", auth=(CLIENT, "wrong"), timeout=5,
                          data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT})
    assert basic.status_code == 401 and basic.json()["error"] == "invalid_client"
    exact.clock.advance(601)
    late = exact.token(grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


def test_pkce_verifier_must_match_the_challenge(exact):
    verifier = "a-verifier-of-enough-length-0123456789-abcdefghijklmnop"
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    wrong = exact.token(grant_type="authorization_code", redirect_uri=REDIRECT, code_verifier="other-verifier",
                        code=exact.code(code_challenge=challenge, code_challenge_method="S256"))
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    missing = exact.token(grant_type="authorization_code", redirect_uri=REDIRECT,
                          code=exact.code(code_challenge=challenge, code_challenge_method="S256"))
    assert missing.status_code == 400
    right = exact.token(grant_type="authorization_code", redirect_uri=REDIRECT, code_verifier=verifier,
                        code=exact.code(code_challenge=challenge, code_challenge_method="S256"))
    assert right.status_code == 200


def test_refresh_before_570_seconds_is_refused_with_a_reason_header(exact):
    exact.login()
    exact.clock.advance(560)
    early = exact.refresh()
    assert early.status_code == 400 and early.headers["Reason"].startswith("TooEarlyToRefreshTokens")
    assert early.json() == {"error": "access_denied",
                            "error_description": "Rate limit exceeded: access_token not expired"}
    exact.clock.advance(11)
    assert exact.refresh().status_code == 200  # the refused attempt did not spend the token


def test_refresh_rotates_and_a_replayed_token_is_an_old_refresh_token(exact):
    first = exact.login()
    exact.clock.advance(580)
    second = exact.refresh().json()
    assert second["refresh_token"] != first["refresh_token"] and second["expires_in"] == "600"
    replay = exact.refresh(first["refresh_token"])
    assert replay.status_code == 401
    assert replay.json() == {"error": "unauthorized_client", "error_description": "Old refresh token used."}
    exact.clock.advance(580)
    assert exact.refresh(second["refresh_token"]).status_code == 200


def test_two_simultaneous_refreshes_of_one_token_have_exactly_one_winner(exact):
    exact.login()
    exact.clock.advance(590)
    barrier, answers = threading.Barrier(8), []

    def refresh():
        barrier.wait()
        answers.append(exact.refresh().status_code)

    threads = [threading.Thread(target=refresh) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] + [401] * 7
    assert exact.state.token_calls == 2


def test_refresh_token_unused_for_30_days_has_expired(exact):
    exact.login()
    exact.clock.advance(30 * 86400 + 1)
    answer = exact.refresh()
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"
    assert answer.json()["error_description"].startswith("The refresh token expired at ")


def test_family_revocation_kills_the_whole_chain_when_configured(mount):
    sandbox = Exact(mount, family_revocation=True)
    first = sandbox.login()
    sandbox.clock.advance(580)
    second = sandbox.refresh().json()
    assert sandbox.refresh(first["refresh_token"]).status_code == 401
    sandbox.tokens = second
    assert sandbox.me().status_code == 401


# --- REST basics -----------------------------------------------------------------------------


def test_me_needs_a_valid_token_and_names_the_current_division(exact):
    me = exact.me(**{"$select": "CurrentDivision"})
    assert me.status_code == 200 and me.json()["d"]["results"][0]["CurrentDivision"] == exact.division
    assert set(me.json()["d"]["results"][0]) == {"__metadata", "CurrentDivision"}
    anonymous = requests.get(f"{exact.base}/api/v1/current/Me", headers={"Accept": "application/json"}, timeout=5)
    assert anonymous.status_code == 401


def test_an_access_token_dies_after_600_seconds(exact):
    assert exact.me().status_code == 200
    exact.clock.advance(599)
    assert exact.me().status_code == 200
    exact.clock.advance(2)
    expired = exact.me()
    assert expired.status_code == 401 and message(expired)


def test_other_divisions_and_unknown_entities_are_refused_with_exacts_error_body(exact):
    other = exact.state.add_division()
    denied = exact.call("GET", f"{exact.base}/api/v1/{other}/crm/Accounts", params={"$top": "1"})
    assert denied.status_code == 401
    missing = exact.get("crm/Nonsense", **{"$top": "1"})
    assert missing.status_code == 404 and message(missing)


def test_without_accept_json_the_answer_is_atom_xml(exact):
    answer = exact.call("GET", "financial/Journals", accept="*/*", params={"$select": "Code"})
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/atom+xml")
    assert answer.text.startswith("<?xml") and "<d:Code>70</d:Code>" in answer.text


def test_every_answer_carries_the_six_rate_limit_headers_with_millisecond_resets(exact):
    answer = exact.get("financial/Journals", **{"$select": "Code"})
    names = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Minutely-Limit",
             "X-RateLimit-Minutely-Remaining", "X-RateLimit-Minutely-Reset"]
    assert all(name in answer.headers for name in names)
    minute_reset = int(answer.headers["X-RateLimit-Minutely-Reset"])
    assert minute_reset % 60000 == 0 and 0 < minute_reset / 1000 - exact.clock.now() <= 60
    assert int(answer.headers["X-RateLimit-Reset"]) % 86400000 == 0


# --- OData -----------------------------------------------------------------------------------


def test_list_calls_need_select_or_top_1(exact):
    refused = exact.get("crm/Accounts")
    assert refused.status_code == 400
    assert message(refused) == "Please add a $select or a $top=1 statement to the query string."
    assert exact.get("crm/Accounts", **{"$top": "5"}).status_code == 400
    assert exact.get("crm/Accounts", **{"$top": "1"}).status_code == 200
    assert exact.get("vat/VATCodes", **{"$select": "Code"}).status_code == 200


def test_account_codes_are_padded_to_18_and_unpadded_filters_find_nothing(exact):
    created = exact.post("crm/Accounts", {"Name": "Padded BV", "Code": "123"})
    assert created.status_code == 201 and created.json()["d"]["Code"] == " " * 15 + "123"
    unpadded = exact.get("crm/Accounts", **{"$filter": "Code eq '123'", "$select": "ID"})
    padded = exact.get("crm/Accounts", **{"$filter": f"Code eq '{'123':>18}'", "$select": "ID,Code"})
    assert unpadded.json()["d"]["results"] == []
    assert [r["ID"] for r in padded.json()["d"]["results"]] == [created.json()["d"]["ID"]]
    automatic = exact.post("crm/Accounts", {"Name": "No Code BV"}).json()["d"]
    assert len(automatic["Code"]) == 18 and automatic["Code"].strip().isdigit()


def test_filter_literals_are_checked_like_exact_does(exact):
    bad_guid = exact.get("crm/Accounts", **{"$filter": "ID eq guid'not-a-guid'", "$select": "ID"})
    assert bad_guid.status_code == 400 and message(bad_guid).startswith("Unrecognized 'Edm.Guid' literal")
    string_for_guid = exact.get("crm/Accounts", **{"$filter": "ID eq '5e9ec63d-1e6e-4920-b799-bd636a6055c9'",
                                                   "$select": "ID"})
    assert string_for_guid.status_code == 400 and "incompatible" in message(string_for_guid)
    unfilterable = exact.get("crm/Accounts", **{"$filter": "SalesVATCodeDescription eq 'Hoog'", "$select": "ID"})
    assert message(unfilterable) == "Filtering on these fields is not supported: SalesVATCodeDescription"
    unknown = exact.get("crm/Accounts", **{"$filter": "Emial eq 'x'", "$select": "ID"})
    assert unknown.status_code == 400 and "Emial" in message(unknown)
    good = exact.get("crm/Accounts", **{"$filter": "(ID eq guid'5e9ec63d-1e6e-4920-b799-bd636a6055c9' or "
                                                   "Name eq 'O''Brien') and Blocked eq false", "$select": "ID"})
    assert good.status_code == 200 and good.json()["d"]["results"] == []


def test_email_filter_returns_zero_one_or_more_accounts(exact):
    assert exact.get("crm/Accounts", **{"$filter": "Email eq 'a@b.nl'", "$select": "ID"}).json()["d"]["results"] == []
    exact.customer(Email="a@b.nl")
    exact.customer(Email="A@B.nl", Name="Dubbel")
    found = exact.get("crm/Accounts", **{"$filter": "Email eq 'a@b.nl'", "$select": "ID,Email"}).json()["d"]["results"]
    assert len(found) == 2 and set(found[0]) == {"__metadata", "ID", "Email"}


def test_lists_page_by_60_with_an_absolute_next_link(mount):
    sandbox = Exact(mount, rate_limits=False)
    for n in range(130):
        sandbox.item(f"P{n:03d}")
    first = sandbox.get("logistics/Items", **{"$select": "Code"}).json()["d"]
    assert len(first["results"]) == 60 and first["__next"].startswith(sandbox.base + "/api/v1/")
    second = sandbox.call("GET", first["__next"]).json()["d"]
    third = sandbox.call("GET", second["__next"]).json()["d"]
    codes = [r["Code"] for r in first["results"] + second["results"] + third["results"]]
    assert codes == [f"P{n:03d}" for n in range(130)] and "__next" not in third
    top = sandbox.get("logistics/Items", **{"$select": "Code", "$top": "70", "$orderby": "Code desc"}).json()["d"]
    rest = sandbox.call("GET", top["__next"]).json()["d"]
    assert len(top["results"]) + len(rest["results"]) == 70 and "__next" not in rest
    assert top["results"][0]["Code"] == "P129"


# --- documents -------------------------------------------------------------------------------


def invoice_body(exact: Exact, customer: str, item: str, vat_code: str, **fields) -> dict:
    return {"OrderedBy": customer, "Journal": "70", "YourRef": "KMO-1001", "InvoiceDate": "2026-03-05",
            "SalesInvoiceLines": [{"Item": item, "Quantity": 3, "UnitPrice": 19.99, "VATCode": vat_code}], **fields}


def test_invoice_totals_for_inclusive_and_exclusive_vat_codes(exact):
    customer, item = exact.customer(), exact.item()
    incl = exact.post("salesinvoice/SalesInvoices", invoice_body(exact, customer, item, "3  "))
    assert incl.status_code == 201
    doc = incl.json()["d"]
    # 3 x 19.99 = 59.97 incl. 21%: VAT = 59.97 x 21/121 = 10.41 (half up), net 49.56
    assert doc["AmountDC"] == 59.97 and doc["VATAmountDC"] == 10.41
    assert doc["Status"] == 20 and doc["Type"] == 8020 and isinstance(doc["InvoiceNumber"], int)
    assert re.fullmatch(r"/Date\(\d+\)/", doc["InvoiceDate"]) and doc["InvoiceID"]
    line = doc["SalesInvoiceLines"]["results"][0]
    assert line["AmountFC"] == 49.56 and line["VATAmountDC"] == 10.41 and line["VATPercentage"] == 0.21
    assert line["GLAccount"] == exact.ids("financial/GLAccounts", "8000")  # the default revenue account
    excl = exact.post("salesinvoice/SalesInvoices", invoice_body(exact, customer, item, "2  ", YourRef="KMO-1002"))
    # 59.97 excl. 9%: VAT 5.40 (5.3973), total 65.37
    assert excl.json()["d"]["AmountDC"] == 65.37 and excl.json()["d"]["VATAmountDC"] == 5.40
    stored = exact.state.documents(exact.division, "SalesInvoices")
    assert [Decimal(str(d["AmountDC"])) for d in stored] == [Decimal("59.97"), Decimal("65.37")]
    assert exact.state.post_count(exact.division, "SalesInvoices") == 2
    assert excl.json()["d"]["InvoiceNumber"] == incl.json()["d"]["InvoiceNumber"] + 1


def test_invoice_lines_are_deferred_unless_expanded_and_findable_by_yourref(exact):
    exact.post("salesinvoice/SalesInvoices", invoice_body(exact, exact.customer(), exact.item(), "1  "))
    plain = exact.get("salesinvoice/SalesInvoices", **{"$filter": "YourRef eq 'KMO-1001'",
                                                       "$select": "InvoiceID,SalesInvoiceLines"}).json()["d"]
    deferred = plain["results"][0]["SalesInvoiceLines"]["__deferred"]["uri"]
    assert exact.call("GET", deferred).json()["d"]["results"][0]["Quantity"] == 3
    expanded = exact.get("salesinvoice/SalesInvoices", **{"$filter": "YourRef eq 'KMO-1001'", "$top": "1",
                                                          "$expand": "SalesInvoiceLines"}).json()["d"]
    assert expanded["results"][0]["SalesInvoiceLines"]["results"][0]["VATCode"] == "1  "


@pytest.mark.parametrize("change, status, text", [
    (lambda b, ids: b.pop("OrderedBy"), 400, "OrderedBy"),
    (lambda b, ids: b.update(OrderedBy="5e9ec63d-1e6e-4920-b799-bd636a6055c9"), 500, "Ongeldige referentie: OrderedBy"),
    (lambda b, ids: b.update(OrderedBy="1001"), 500,
     "Error in converting value for property 'OrderedBy' to type 'Guid'"),
    (lambda b, ids: b.update(Journal="90"), 500, "geen verkoopdagboek"),
    (lambda b, ids: b.update(Journal="71"), 500, "Ongeldige referentie: Journal"),
    (lambda b, ids: b.update(Type=8022), 400, "Type"),
    (lambda b, ids: b.update(Type=8023), 400, "Warehouse"),
    (lambda b, ids: b.update(Warehouse=ids["warehouse"]), 400, "Warehouse"),
    (lambda b, ids: b["SalesInvoiceLines"][0].pop("Item"), 400, "Item"),
    (lambda b, ids: b["SalesInvoiceLines"][0].update(Item="5e9ec63d-1e6e-4920-b799-bd636a6055c9"), 500,
     "Ongeldige referentie: Item"),
    (lambda b, ids: b["SalesInvoiceLines"][0].update(VATCode="99"), 500, "Ongeldige referentie: VATCode"),
    (lambda b, ids: b["SalesInvoiceLines"][0].update(GLAccount=ids["customer"]), 500, "GLAccount"),
    (lambda b, ids: b.update(WarehouseID=ids["warehouse"]), 400, "'WarehouseID' does not exist"),
])
def test_invoices_exact_would_refuse_are_refused(exact, change, status, text):
    ids = {"customer": exact.customer(), "warehouse": exact.ids("inventory/Warehouses", "1")}
    body = invoice_body(exact, ids["customer"], exact.item(), "1  ")
    change(body, ids)
    answer = exact.post("salesinvoice/SalesInvoices", body)
    assert answer.status_code == status and text in message(answer)
    assert exact.state.documents(exact.division, "SalesInvoices") == []


def test_direct_invoice_needs_a_warehouse_and_status_is_read_only(exact):
    warehouse = exact.ids("inventory/Warehouses", "1")
    body = invoice_body(exact, exact.customer(), exact.item(), "1  ", Type=8023, Warehouse=warehouse, Status=50)
    created = exact.post("salesinvoice/SalesInvoices", body).json()["d"]
    assert created["Type"] == 8023 and created["Status"] == 20
    key = f"salesinvoice/SalesInvoices(guid'{created['InvoiceID']}')"
    assert exact.call("PUT", key, json={"Description": "Aangepast"}).status_code == 204
    assert exact.state.documents(exact.division, "SalesInvoices")[0]["Description"] == "Aangepast"
    exact.state.update_document(exact.division, "SalesInvoices", created["InvoiceID"], Status=50)
    refused = exact.call("PUT", key, json={"Description": "Te laat"})
    assert refused.status_code == 500 and "verwerkt" in message(refused)


def test_sales_orders_need_lines_and_get_increasing_numbers_and_status_12(exact):
    customer, item = exact.customer(), exact.item()
    line = {"Item": item, "Quantity": 2, "UnitPrice": 10, "VATCode": "1  "}
    assert message(exact.post("salesorder/SalesOrders", {"OrderedBy": customer})) == "Verplicht: SalesOrderLines"
    first = exact.post("salesorder/SalesOrders", {"OrderedBy": customer, "SalesOrderLines": [line]}).json()["d"]
    second = exact.post("salesorder/SalesOrders", {"OrderedBy": customer, "SalesOrderLines": [line]}).json()["d"]
    assert first["Status"] == 12 and second["OrderNumber"] == first["OrderNumber"] + 1
    assert first["AmountDC"] == 24.2 and first["SalesOrderLines"]["results"][0]["VATAmount"] == 4.2
    stranger = exact.customer(Name="Ander BV", Email="ander@example.nl")
    address = exact.post("crm/Addresses", {"Account": stranger, "Type": 4, "City": "Gent", "Country": "BE"}).json()
    wrong = exact.post("salesorder/SalesOrders", {"OrderedBy": customer, "SalesOrderLines": [line],
                                                  "DeliveryAddress": address["d"]["ID"]})
    assert wrong.status_code == 500 and "DeliveryAddress" in message(wrong)
    missing_warehouse = exact.post("salesorder/SalesOrders", {"OrderedBy": customer, "SalesOrderLines": [line],
                                                              "WarehouseID": customer})
    assert missing_warehouse.status_code == 500


def test_sales_entries_compute_vat_flip_type_on_credit_and_need_an_open_period(exact):
    customer, revenue = exact.customer(), exact.ids("financial/GLAccounts", "8000")
    line = {"GLAccount": revenue, "AmountFC": 100, "VATCode": "1  ", "Description": "Omzet"}
    entry = exact.post("salesentry/SalesEntries", {"Customer": customer, "Journal": "70",
                                                   "SalesEntryLines": [line]}).json()["d"]
    assert entry["AmountDC"] == 121.0 and entry["VATAmountDC"] == 21.0 and entry["Type"] == 20
    assert entry["Status"] == 20 and isinstance(entry["EntryNumber"], int)
    credit = exact.post("salesentry/SalesEntries", {"Customer": customer, "Journal": "70",
                                                    "SalesEntryLines": [{**line, "AmountFC": -50}]}).json()["d"]
    assert credit["Type"] == 21 and credit["AmountDC"] == -60.5
    closed = exact.post("salesentry/SalesEntries", {"Customer": customer, "Journal": "70", "ReportingYear": 2001,
                                                    "ReportingPeriod": 1, "SalesEntryLines": [line]})
    assert closed.status_code == 500 and "2001" in message(closed)
    no_gl = exact.post("salesentry/SalesEntries", {"Customer": customer, "Journal": "70",
                                                   "SalesEntryLines": [{"AmountFC": 10, "VATCode": "1  "}]})
    assert no_gl.status_code == 400 and "GLAccount" in message(no_gl)
    cash = exact.post("salesentry/SalesEntries", {"Customer": customer, "Journal": "10", "SalesEntryLines": [line]})
    assert cash.status_code == 500 and "verkoopdagboek" in message(cash)


def test_item_codes_are_required_and_unique(exact):
    assert exact.post("logistics/Items", {"Code": "X"}).status_code == 400
    exact.item("X")
    duplicate = exact.post("logistics/Items", {"Code": "X", "Description": "Again"})
    assert duplicate.status_code == 400 and "bestaat al" in message(duplicate)


def test_account_rules(exact):
    assert message(exact.post("crm/Accounts", {"Email": "x@y.nl"})) == "Verplicht: Name"
    assert exact.post("crm/Accounts", {"Name": "X", "Status": "Z"}).status_code == 400
    assert exact.post("crm/Accounts", {"Name": "X", "PaymentConditionSales": "99"}).status_code == 500
    account = exact.post("crm/Accounts", {"Name": "X", "Status": "C", "IsSales": True,
                                          "PaymentConditionSales": "30"}).json()["d"]
    assert account["PaymentConditionSales"] == "30" and account["IsSales"] is True
    put = exact.call("PUT", f"crm/Accounts(guid'{account['ID']}')", json={"City": "Utrecht"})
    assert put.status_code == 204 and put.content == b""


# --- limits and faults -----------------------------------------------------------------------


def test_the_61st_call_in_a_minute_is_429_with_only_the_minutely_headers(exact):
    exact.clock.advance(60 - exact.clock.now() % 60 + 1)  # start at the beginning of a minute
    for _ in range(60):
        assert exact.get("financial/Journals", **{"$select": "Code"}).status_code == 200
    refused = exact.get("financial/Journals", **{"$select": "Code"})
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Minutely-Remaining"] == "0"
    assert "X-RateLimit-Limit" not in refused.headers and "X-RateLimit-Remaining" not in refused.headers
    assert int(refused.headers["X-RateLimit-Minutely-Reset"]) % 60000 == 0
    exact.clock.advance(60)
    assert exact.get("financial/Journals", **{"$select": "Code"}).status_code == 200


def test_an_exhausted_day_is_429_with_only_the_daily_headers(mount):
    sandbox = Exact(mount, day_limit=3)
    assert [sandbox.me().status_code for _ in range(3)] == [200, 200, 200]
    refused = sandbox.me()
    assert refused.status_code == 429 and refused.headers["X-RateLimit-Remaining"] == "0"
    assert "X-RateLimit-Minutely-Remaining" not in refused.headers
    assert int(refused.headers["X-RateLimit-Reset"]) % 86400000 == 0  # midnight UTC, in ms


def test_the_eleventh_error_in_an_hour_blocks_the_endpoint_for_an_hour(exact):
    for _ in range(10):
        assert exact.get("crm/Accounts").status_code == 400  # no $select
    blocked = exact.get("crm/Accounts")
    assert blocked.status_code == 403 and "blocked" in message(blocked)
    assert exact.get("crm/Accounts", **{"$top": "1"}).status_code == 403
    assert exact.get("logistics/Items", **{"$top": "1"}).status_code == 200  # other endpoints still work
    exact.clock.advance(3601)
    exact.tokens = exact.refresh().json()
    assert exact.get("crm/Accounts", **{"$top": "1"}).status_code == 200


def test_status_faults_answer_without_doing_the_work(exact):
    body = invoice_body(exact, exact.customer(), exact.item(), "1  ")
    exact.state.add_fault(FaultRule(method="POST", path="salesinvoice/SalesInvoices", mode="status", status=503,
                                    count=2))
    assert [exact.post("salesinvoice/SalesInvoices", body).status_code for _ in range(3)] == [503, 503, 201]
    assert exact.state.post_count(exact.division, "SalesInvoices") == 1


def test_an_injected_429_carries_only_the_headers_the_rule_gives(exact):
    minutely = {"X-RateLimit-Minutely-Limit": "60", "X-RateLimit-Minutely-Remaining": "0",
                "X-RateLimit-Minutely-Reset": "1700000040000"}
    exact.state.add_fault(FaultRule(method="GET", path="financial/Journals", mode="status", status=429,
                                    headers=minutely))
    refused = exact.get("financial/Journals", **{"$select": "Code"})
    assert refused.status_code == 429 and refused.headers["X-RateLimit-Minutely-Reset"] == "1700000040000"
    assert "X-RateLimit-Reset" not in refused.headers and message(refused)


def test_commit_then_hang_stores_the_document_although_the_client_times_out(exact):
    body = invoice_body(exact, exact.customer(), exact.item(), "1  ")
    exact.state.add_fault(FaultRule(method="POST", path="salesinvoice/SalesInvoices", mode="commit_then_hang",
                                    hang_seconds=30, count=1))
    with pytest.raises(requests.ReadTimeout):
        exact.call("POST", "salesinvoice/SalesInvoices", json=body, timeout=0.5)
    [stored] = exact.state.documents(exact.division, "SalesInvoices")
    assert stored["YourRef"] == "KMO-1001"
    exact.state.clear_faults()  # releases the hanging request
    found = exact.get("salesinvoice/SalesInvoices", **{"$filter": "YourRef eq 'KMO-1001'", "$select": "InvoiceID"})
    assert found.json()["d"]["results"][0]["InvoiceID"] == stored["InvoiceID"]


def test_hold_then_commit_stores_the_document_only_after_the_client_gave_up(exact):
    body = invoice_body(exact, exact.customer(), exact.item(), "1  ")
    exact.state.add_fault(FaultRule(method="POST", path="salesinvoice/SalesInvoices", mode="hold_then_commit",
                                    hang_seconds=30, count=1))
    with pytest.raises(requests.ReadTimeout):
        exact.call("POST", "salesinvoice/SalesInvoices", json=body, timeout=0.5)
    assert exact.state.documents(exact.division, "SalesInvoices") == []  # not yet: a slow commit
    exact.state.clear_faults()  # the held request goes on and stores the invoice
    [stored] = wait_for(lambda: exact.state.documents(exact.division, "SalesInvoices"), timeout=10)
    assert stored["YourRef"] == "KMO-1001"


def test_commit_then_status_stores_the_document_and_answers_an_error(exact):
    body = invoice_body(exact, exact.customer(), exact.item(), "1  ")
    exact.state.add_fault(FaultRule(method="POST", path="salesinvoice/SalesInvoices", mode="commit_then_status"))
    answer = exact.post("salesinvoice/SalesInvoices", body)
    assert answer.status_code == 500 and message(answer)
    assert exact.state.post_count(exact.division, "SalesInvoices") == 1


def test_the_sandbox_control_api_works_without_auth(exact):
    control = f"{exact.base}/_sandbox"
    armed = requests.post(f"{control}/faults", json={"method": "GET", "path": "current/Me", "mode": "status",
                                                     "status": 500}, timeout=5)
    assert armed.status_code == 201
    assert exact.me().status_code == 500
    assert requests.delete(f"{control}/faults", timeout=5).status_code == 204
    exact.item("C-1")
    docs = requests.get(f"{control}/documents", params={"division": exact.division, "entity": "Items"}, timeout=5)
    assert [d["Code"] for d in docs.json()] == ["C-1"]
    stats = requests.get(f"{control}/stats", timeout=5).json()
    assert stats["token_calls"] == 1 and stats["posts"][str(exact.division)]["Items"] == 1
    before = exact.clock.now()
    requests.post(f"{control}/clock/advance", json={"seconds": 601}, timeout=5)
    assert exact.clock.now() - before >= 601
    assert exact.me().status_code == 401


def test_state_survives_a_save_and_load(exact, tmp_path):
    path = tmp_path / "exact.json"
    exact.state.autosave_path = str(path)
    exact.post("salesinvoice/SalesInvoices", invoice_body(exact, exact.customer(), exact.item(), "1  "))
    restored = ExactState.load(str(path), clock=exact.clock)
    assert restored.documents(exact.division, "SalesInvoices") == exact.state.documents(exact.division, "SalesInvoices")
    assert restored.post_count(exact.division, "SalesInvoices") == 1 and restored.token_calls == 1
    exact.state = restored
    exact.base = exact.mount.mount(restored)  # as after a restart of `make run`
    assert exact.get("salesinvoice/SalesInvoices", **{"$select": "YourRef"}).json()["d"]["results"][0]["YourRef"]
    exact.clock.advance(580)
    assert exact.refresh().status_code == 200  # the stored refresh token still works
