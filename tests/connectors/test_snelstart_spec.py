"""Our SnelStart requests and the sandbox's answers, checked against the vendor's OpenAPI spec (B2B API v2)."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.connectors.test_snelstart_mapping import dutch_order
from tests.support import openapi
from tests.support.orders import Amount
from tests.support.snelstart import snelstart_merchant, target
from worker import db
from worker.connectors.snelstart import SnelStartTarget
from worker.connectors.snelstart.sandbox import listing
from worker.models import RemoteCall

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
    checked = set()
    for call in calls(merchant["target"].id):
        path, method = _path(call.url), call.method.lower()
        assert call.status in (200, 201), (path, call.response_body)
        if method == "post":
            assert openapi.errors(spec, openapi.request_schema(spec, path, method), call.request_body) == [], path
        answer = openapi.response_schema(spec, path, method, str(call.status))
        assert openapi.errors(spec, answer, call.response_body) == [], (path, call.response_body)
        checked.add((method, path))
    assert {("post", "/verkoopboekingen"), ("post", "/verkooporders"), ("post", "/relaties"), ("post", "/artikelen"),
            ("get", "/verkoopfacturen"), ("get", "/verkooporders"), ("get", "/relaties"),
            ("get", "/artikelen")} <= checked


def test_the_reference_data_the_connector_reads_fits_the_spec(sandboxes, spec):
    merchant = snelstart_merchant(sandboxes)  # connecting read these without a connection to log them on
    api = SnelStartTarget.client(target(merchant))
    for path in ("companyInfo", "grootboeken", "dagboeken", "btwtarieven", "landen", "artikelomzetgroepen",
                 "verkoopordersjablonen"):
        answer = api.get_one(path)
        assert openapi.errors(spec, openapi.response_schema(spec, f"/{path}", "get", "200"), answer) == [], path


def test_the_sandbox_caps_top_where_the_spec_does(spec):
    for path in ("relaties", "grootboeken", "verkooporders", "verkoopfacturen", "artikelen"):
        [top] = [p for p in spec["paths"][f"/{path}"]["get"]["parameters"] if p["name"] == "$top"]
        assert listing.CAPS.get(path, listing.DEFAULT_CAP) == top["schema"]["maximum"], path
