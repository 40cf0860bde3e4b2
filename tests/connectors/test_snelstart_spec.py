"""Our SnelStart requests and the sandbox's answers, checked against the vendor's OpenAPI spec (B2B API v2)."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.connectors.test_snelstart_mapping import dutch_order
from tests.support import openapi
from tests.support.orders import Amount
from tests.support.snelstart import ledger_ids, snelstart_merchant, target
from worker import db
from worker.canonical import Address
from worker.connectors.snelstart import SnelStartTarget
from worker.connectors.snelstart.sandbox import listing
from worker.models import Connection, RemoteCall

SPEC = "snelstart-b2b-api-v2.yaml"


@pytest.fixture(scope="module")
def spec():
    return openapi.load(SPEC)


def calls(connection_id: int) -> list[RemoteCall]:
    with db.session_scope() as session:
        rows = session.execute(sa.select(RemoteCall).where(RemoteCall.connection_id == connection_id)
                               .order_by(RemoteCall.id)).scalars().all()
        session.expunge_all()
        return rows


def _path(url: str) -> str:
    path = "/" + url.split("/v2/", 1)[1].split("?", 1)[0]
    parts = path.split("/")
    return "/".join(parts[:2] + (["{id}"] if len(parts) > 2 else []))


def check_calls(spec, connection_id: int) -> set[tuple[str, str]]:
    """Every logged request and answer of the connection checked against the spec; the (method, path) pairs seen."""
    checked = set()
    for call in calls(connection_id):
        path, method = _path(call.url), call.method.lower()
        assert call.status in (200, 201), (path, call.response_body)
        if method == "post":
            assert openapi.errors(spec, openapi.request_schema(spec, path, method), call.request_body) == [], path
        answer = openapi.response_schema(spec, path, method, str(call.status))
        assert openapi.errors(spec, answer, call.response_body) == [], (path, call.response_body)
        checked.add((method, path))
    return checked


def test_every_request_and_answer_of_a_booking_and_a_sales_order_fits_the_spec(sandboxes, spec):
    merchant = snelstart_merchant(sandboxes, document_type="order")
    documents = SnelStartTarget.documents(target(merchant))
    lines = [Amount(Decimal("12.40"), Decimal(21), 3), Amount(Decimal("2.10"), Decimal(9), 4)]
    documents.create("entry", dutch_order(lines, incl=True, shipping=Amount(Decimal("4.95"), Decimal(21))))
    order = dutch_order(lines, incl=False, discount=Amount(Decimal("5.00"), Decimal(21)),
                        shipping_address={"street": "Kade", "house_number": "5", "postal_code": "1011 AA",
                                          "city": "Amsterdam", "country_code": "NL"})
    documents.create("order", order)
    documents.find("entry", order.number)
    documents.find("order", order.number)
    checked = check_calls(spec, merchant["target"].id)
    assert {("post", "/verkoopboekingen"), ("post", "/verkooporders"), ("post", "/relaties"), ("post", "/artikelen"),
            ("get", "/verkoopfacturen"), ("get", "/verkooporders"), ("get", "/relaties"),
            ("get", "/artikelen")} <= checked


def test_a_payment_an_oss_booking_and_their_lookups_fit_the_spec(sandboxes, spec):
    merchant = snelstart_merchant(sandboxes)
    ledgers = ledger_ids(merchant["reference"])
    memo = next(row["id"] for row in merchant["reference"]["journals"] if row["soort"] == "Memoriaal")
    vat_map = {**target(merchant).settings["vat_map"], "DE:19.00": {"vat_code": "OSS:19.00", "gl_account": ledgers[8130]}}
    settings = {"book_payments": "yes", "journal": memo, "payment_ledger": ledgers[1100], "oss_vat_ledger": ledgers[1640],
                "vat_map": vat_map}
    with db.session_scope() as session:
        connection = session.get(Connection, merchant["target"].id)
        connection.settings = {**connection.settings, **settings}
    documents = SnelStartTarget.documents(target(merchant))
    order = dataclasses.replace(dutch_order([Amount(Decimal("23.80"), Decimal(19), 2)], incl=True),
                                billing=Address(postal_code="10115", city="Berlin", country="DE"), vat_regime="oss")
    created = documents.create("entry", order)  # the OSS booking and its payment
    documents.complete("entry", order, created)  # after a lost answer: the payment is looked up, not sent again
    checked = check_calls(spec, merchant["target"].id)
    assert {("post", "/verkoopboekingen"), ("post", "/memoriaalboekingen"), ("get", "/grootboekmutaties")} <= checked
    assert sandboxes.snelstart.post_count(merchant["administration"], "memoriaalboekingen") == 1


def test_the_reference_data_the_connector_reads_fits_the_spec(sandboxes, spec):
    merchant = snelstart_merchant(sandboxes)  # connecting read these without a connection to log them on
    api = SnelStartTarget.client(target(merchant))
    for path in ("companyInfo", "grootboeken", "dagboeken", "btwtarieven", "landen", "artikelomzetgroepen",
                 "verkoopordersjablonen"):
        answer = api.get_one(path)
        assert openapi.errors(spec, openapi.response_schema(spec, f"/{path}", "get", "200"), answer) == [], path


def test_the_sandbox_caps_top_where_the_spec_does(spec):
    for path in ("relaties", "grootboeken", "verkooporders", "verkoopfacturen", "artikelen", "grootboekmutaties"):
        [top] = [p for p in spec["paths"][f"/{path}"]["get"]["parameters"] if p["name"] == "$top"]
        assert listing.CAPS.get(path, listing.DEFAULT_CAP) == top["schema"]["maximum"], path
