"""The Mijnwebwinkel sandbox answers like MyOnlineStore Connect (sources.md §2.8), over a real socket."""
from __future__ import annotations

import json
import pathlib

import pytest
import requests

from worker.config import settings
from worker.connectors.mijnwebwinkel import sandbox as mww
from worker.httpserver import ServerThread
from tests.support.network import free_port

# The vendor OpenAPI file's schemas (components.schemas of its openapi.yaml, MIT licence beside it).
SPEC = json.loads((pathlib.Path(__file__).parent / "specs" / "mijnwebwinkel_schemas.json").read_text())
PARTNER, STORE = "partner-koppel", "store-token-1"


@pytest.fixture
def shop():
    state = mww.MijnwebwinkelState(mww.Clock(), partners={PARTNER: "Koppel", mww.OTHER_PARTNER: "Boekhoudpakket"})
    state.add_store(STORE, PARTNER)
    port = free_port()
    server = ServerThread(mww.create_app(state), port=port).start()
    yield state, f"http://127.0.0.1:{port}"
    server.stop()


def get(base: str, path: str, **params):
    return requests.get(f"{base}{path}", params={"token": STORE, "partner_token": PARTNER, **params}, timeout=5)


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def conforms(value, schema: dict, path: str = "$") -> list[str]:
    """Where ``value`` breaks the vendor's schema (types, required fields, enums, oneOf, allOf)."""
    schema = resolve(schema)
    if "allOf" in schema:
        return [p for part in schema["allOf"] for p in conforms(value, {k: v for k, v in resolve(part).items()
                                                                        if k != "required"} | {}, path)]
    if "oneOf" in schema:
        return [] if any(not conforms(value, option, path) for option in schema["oneOf"]) else [f"{path}: no oneOf"]
    kind = schema.get("type")
    checks = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict}
    if kind in checks and not isinstance(value, checks[kind]):
        return [f"{path}: {type(value).__name__} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{path}: {value!r} not in enum"]
    problems = [f"{path}.{name}: missing" for name in schema.get("required", []) if isinstance(value, dict)
                and name not in value]
    if isinstance(value, dict):
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problems += conforms(value[name], sub, f"{path}.{name}")
    if isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            problems += conforms(item, schema["items"], f"{path}[{n}]")
    return problems


def test_both_tokens_are_required_and_a_token_works_only_for_its_partner(shop):
    state, base = shop
    state.add_store("made-for-another-partner", mww.OTHER_PARTNER)
    assert requests.get(f"{base}/v1/orders", params={"token": STORE}, timeout=5).status_code == 401
    assert requests.get(f"{base}/v1/orders", params={"partner_token": PARTNER}, timeout=5).status_code == 401
    wrong = requests.get(f"{base}/v1/store", params={"token": "made-for-another-partner", "partner_token": PARTNER},
                         timeout=5)
    assert wrong.status_code == 403 and not conforms(wrong.json(), {"$ref": "#/components/schemas/Error"})
    assert set(wrong.json()) == {"code", "message", "description"}
    state.stores[STORE].active = False
    assert get(base, "/v1/store").status_code == 403


def test_orders_come_as_bare_arrays_paged_by_offset_and_limit_capped_at_100(shop):
    state, base = shop
    for _ in range(105):
        state.add_order(STORE, {})
    first = get(base, "/v1/orders")
    assert isinstance(first.json(), list) and len(first.json()) == 10  # the default limit
    capped = get(base, "/v1/orders", limit=250).json()
    rest = get(base, "/v1/orders", limit=100, offset=100).json()
    assert len(capped) == 100 and len(rest) == 5
    assert [o["number"] for o in capped + rest] == sorted(o["number"] for o in capped + rest)
    assert get(base, "/v1/orders/count").json() == {"count": 105}
    assert get(base, "/v2-beta/orders", limit=1).status_code == 200


def test_test_orders_are_hidden_unless_asked_for(shop):
    state, base = shop
    state.add_order(STORE, {})
    hidden = state.add_order(STORE, {"test": True})["number"]
    assert hidden not in [o["number"] for o in get(base, "/v1/orders").json()]
    assert hidden in [o["number"] for o in get(base, "/v1/orders", test="true").json()]


def test_status_changes_are_filtered_by_their_date_and_time(shop):
    state, base = shop
    old = state.add_order(STORE, {})["number"]
    state.clock.advance(3600)
    date, time = state.local_now()
    new = state.add_order(STORE, {})["number"]
    since = get(base, "/v1/orders", status_changed_start_date=f"{date} {time}").json()
    assert [o["number"] for o in since] == [new]
    state.clock.advance(60)
    state.set_status(STORE, old, 3)
    assert {o["number"] for o in get(base, "/v1/orders", status_changed_start_date=f"{date} {time}").json()} == {old, new}
    assert get(base, "/v1/orders", status_changed_start_date="yesterday").status_code == 400


def test_the_rate_limit_per_partner_and_store_answers_429_with_retry_after(shop):
    state, base = shop
    state.requests_per_minute = 3
    answers = [get(base, "/v1/store") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1 and answers[-1].json()["code"] == 429
    state.clock.advance(61)
    assert get(base, "/v1/store").status_code == 200


def test_answers_validate_against_the_vendor_openapi(shop):
    state, base = shop
    state.add_order(STORE, {"lines": [{"unit_price": "15.00", "rate": "21"}, {"unit_price": "3.27", "rate": "9",
                                                                           "quantity": 3}],
                            "discount": "2.00", "shipping": "4.95", "payment_costs": "0.29"})
    state.add_order(STORE, {"b2b": {"company": "Voorbeeldig BV", "taxnumber": "BE0123456749", "country": "BE"},
                            "tax_strategy": "reverse_charged_vat"})
    state.credit(STORE, 1001)
    orders = get(base, "/v1/orders").json()
    assert len(orders) == 3
    for order in orders:
        assert not conforms(order, {"$ref": "#/components/schemas/Order"}), conforms(order, {"$ref": "#/components/schemas/Order"})
    statuses = get(base, "/v1/orderstatuses").json()
    assert not conforms(statuses, {"type": "array", "items": {"$ref": "#/components/schemas/OrderStatus"}})
    assert {"status": 10, "description": "Creditnota", "credit_order": True} in statuses
    assert not conforms(get(base, "/v1/store").json(), {"$ref": "#/components/schemas/Store"})
    assert get(base, "/v1/orders/9999").status_code == 404
    assert orders[2]["credited_order_number"] == 1001 and get(base, "/v1/orders/1001").json()["credit_order_numbers"] == [1003]
