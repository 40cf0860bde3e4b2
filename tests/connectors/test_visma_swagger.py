"""Our Visma requests and the sandbox's answers, checked against the vendor's swagger (specs/visma-eaccounting).

Real traffic: our VismaClient and VismaDocuments talk to the running sandbox over a socket, and a
``requests`` response hook records every request body and every answer as they crossed the wire.
Each is checked against its operation's schema (required properties, types, enums, lengths,
decimals, ranges, uuid and date-time formats; see tests/support/swagger.py).

Where the 2018 swagger is older than what targets.md §2 documents, the newer fact is used and named
in ``NEWER_THAN_SWAGGER`` below.
"""
from __future__ import annotations

import json
import pathlib
from decimal import Decimal
from urllib.parse import parse_qsl, urlparse

import pytest
import requests

from tests.connectors.test_visma_client import connect_visma, connection
from tests.connectors.test_visma_documents import order, vat_settings
from tests.support.orders import Amount, build
from tests.support.swagger import Swagger
from worker.config import settings
from worker.connectors.kmoshops.mapping import to_canonical
from worker.connectors.errors import RemoteRejected
from worker.connectors.visma_eaccounting.client import VismaClient
from worker.connectors.visma_eaccounting.documents import VismaDocuments

SPEC = pathlib.Path(__file__).resolve().parents[1] / "specs" / "visma-eaccounting-swagger.json"  # tests/specs/
D = Decimal

# targets.md §2.4 / §2.9 item 8 (struqtur's client, generated from the 2025 sandbox swagger): every list
# is paginated, vatcodes included (``PaginatedResponseVatCodeApi``); the 2018 file answers a bare array.
NEWER_THAN_SWAGGER = {("GET", "/v2/vatcodes"): {"type": "object", "properties": {
    "Meta": {"$ref": "#/definitions/PaginationMetadata"},
    "Data": {"type": "array", "items": {"$ref": "#/definitions/VatCode"}}}, "required": ["Meta", "Data"]}}
# Operations the traffic below must have exercised (so the check cannot pass on silence).
EXPECTED = {("GET", "/v2/vatcodes"), ("GET", "/v2/accounts"), ("GET", "/v2/termsofpayments"), ("GET", "/v2/units"),
            ("GET", "/v2/articleaccountcodings"), ("GET", "/v2/companysettings"), ("GET", "/v2/customers"),
            ("POST", "/v2/customers"), ("GET", "/v2/articles"), ("POST", "/v2/articles"),
            ("POST", "/v2/customerinvoicedrafts"), ("GET", "/v2/customerinvoicedrafts/{invoiceDraftId}"),
            ("GET", "/v2/customerinvoicedrafts"), ("POST", "/v2/orders"), ("GET", "/v2/orders/{id}"),
            ("GET", "/v2/orders"), ("POST", "/v2/customerledgeritems/customerledgeritemswithvoucher"),
            ("GET", "/v2/customerledgeritems"), ("GET", "/v2/vouchers"), ("GET", "/v2/fiscalyears"),
            ("GET", "/v2/customerinvoices")}


class Recorder:
    """Every exchange of a requests Session: method, API path, query, request body, status, answer."""

    def __init__(self):
        self.http = requests.Session()
        self.http.hooks["response"].append(self.keep)
        self.exchanges: list[dict] = []
        self.api_path = urlparse(settings.visma_api_url).path

    def keep(self, response: requests.Response, *args, **kwargs) -> None:
        request, url = response.request, urlparse(response.request.url)
        if not url.path.startswith(self.api_path):
            return  # the identity server's token calls are form-encoded OAuth, not part of API v2
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        self.exchanges.append({"method": request.method, "path": "/v2" + url.path[len(self.api_path):],
                               "query": dict(parse_qsl(url.query)), "sent": json.loads(body) if body else None,
                               "status": response.status_code, "answer": response.json()})


def problems_of(spec: Swagger, exchange: dict) -> tuple[str, list[str]]:
    """The operation's template and every way the exchange breaks the swagger."""
    template, operation = spec.operation(exchange["method"], exchange["path"])
    where, found = f"{exchange['method']} {template}", []
    undeclared = {k.lower() for k in exchange["query"] if not k.startswith("$")} - spec.query_names(operation)
    found += [f"query parameter {name} is not in the swagger" for name in sorted(undeclared)]
    schema = spec.body_schema(operation)
    if exchange["sent"] is not None:
        found += ["no body expected"] if schema is None else spec.errors(exchange["sent"], schema, "request")
    if exchange["status"] == 200:
        answer = NEWER_THAN_SWAGGER.get((exchange["method"], template)) or spec.response_schema(operation, 200)
        found += spec.errors(exchange["answer"], answer, "answer") if answer else ["no answer schema"]
    return where, found


def error_shape(exchange: dict) -> bool:
    """A refusal as targets.md §2.5 documents it (the 2018 swagger declares no error answers)."""
    answer = exchange["answer"]
    return (exchange["status"] == 400 and set(answer) == {"ErrorCode", "DeveloperErrorMessage", "ErrorId"}
            and answer["ErrorCode"] == 2000 and isinstance(answer["DeveloperErrorMessage"], str)
            and bool(answer["ErrorId"]))


def b2b_order(number: str, regime: str = "standard"):
    """A company customer; intra-EU reverse charge lines at 0 %."""
    rate = D(0) if regime == "intra_eu_reverse_charge" else D(21)
    data, _ = build(number, int(number), [Amount(D("19.99"), rate, 4), Amount(D("250.00"), rate)], False,
                    f"inkoop{number}@bedrijf.example", shipping=Amount(D("6.95"), rate), company="Bedrijf BV",
                    vat_number="NL004495445B01" if regime != "standard" else "", regime=regime)
    return to_canonical(data)


@pytest.fixture
def traffic(sandboxes):
    """Reference data read, and every document type posted and read back, through a recording session."""
    merchant = connect_visma(sandboxes)
    target = connection(merchant["target_id"])
    recorder = Recorder()
    client = VismaClient(target.id, http=recorder.http, tenant_id=target.tenant_id)
    settings_ = {**vat_settings(client), "debtor_account": "1300"}
    documents = VismaDocuments(client, settings_)
    for path in ("vatcodes", "accounts", "termsofpayments", "units", "articleaccountcodings", "fiscalyears",
                 "customers"):
        client.get(path)
    client.get_one("companysettings")
    draft = documents.create("invoice", order("91001"))
    client.get_one(f"customerinvoicedrafts/{draft.remote_id}")
    icp = documents.create("invoice", b2b_order("91002", "intra_eu_reverse_charge"))
    client.get_one(f"customerinvoicedrafts/{icp.remote_id}")
    sales_order = documents.create("order", b2b_order("91003"))
    client.get_one(f"orders/{sales_order.remote_id}")
    documents.create("entry", order("91004", company="Fischer BV", email="boekhouding@fischer.example"))
    for kind, number in (("invoice", "91001"), ("order", "91003"), ("entry", "91004"), ("invoice", "99999")):
        documents.find(kind, number)
    client.get("vouchers")
    with pytest.raises(RemoteRejected):  # a customer without the required fields: Visma's error answer
        client.post("customers", {"Name": "Zonder adres"})
    return recorder.exchanges


def test_our_requests_and_the_sandboxs_answers_match_the_vendor_swagger(traffic):
    spec = Swagger(SPEC)
    seen, broken = set(), {}
    for exchange in traffic:
        if exchange["status"] != 200:
            assert error_shape(exchange), exchange
            continue
        where, found = problems_of(spec, exchange)
        seen.add(tuple(where.split(" ", 1)))
        if found:
            broken.setdefault(where, set()).update(found)
    assert EXPECTED <= seen, sorted(EXPECTED - seen)
    assert not broken, json.dumps({k: sorted(v) for k, v in broken.items()}, indent=1)


def test_the_posted_bodies_carry_what_the_swagger_requires_of_each_document(traffic):
    """Spot checks a reader can see: the required fields of each POST are really in what we sent."""
    spec = Swagger(SPEC)
    posts = {x["path"]: x["sent"] for x in traffic if x["method"] == "POST" and x["status"] == 200}
    for path, definition in (("/v2/customerinvoicedrafts", "CustomerInvoiceDraftApi"), ("/v2/orders", "OrderApi"),
                             ("/v2/customers", "CustomerApi"), ("/v2/articles", "ArticleApi"),
                             ("/v2/customerledgeritems/customerledgeritemswithvoucher",
                              "CustomerLedgerItemWithVoucherApi")):
        required = spec.doc["definitions"][definition]["required"]
        assert all(posts[path].get(name) is not None for name in required), (path, required)
    voucher = posts["/v2/customerledgeritems/customerledgeritemswithvoucher"]["Voucher"]
    assert all("AccountNumber" in row for row in voucher["Rows"])


def test_the_validator_refuses_what_the_swagger_forbids():
    """The checker itself: a body breaking the swagger's rules is reported, rule by rule."""
    spec = Swagger(SPEC)
    _, operation = spec.operation("POST", "/v2/orders")
    bad = {"CustomerId": "not-a-guid", "Amount": 10.123, "CurrencyCode": "EURO", "Status": 7,
           "EuThirdParty": "no", "Rows": [{"LineNumber": 1001, "IsTextRow": False}]}
    found = "\n".join(spec.errors(bad, spec.body_schema(operation), "request"))
    for expected in ("CustomerId: 'not-a-guid' is not a uuid", "Amount: 10.123 has more decimals",
                     "CurrencyCode: 4 characters, at most 3", "Status: 7 outside", "EuThirdParty: expected a boolean",
                     "Rows[0].LineNumber: 1001 outside", "Rows[0].IsWorkCost: required", "VatAmount: required"):
        assert expected in found, found
