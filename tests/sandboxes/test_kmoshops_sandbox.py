"""The KMO Shops sandbox behaves like the platform of contract kmoshops-sim/v0, over real sockets."""
from __future__ import annotations

import json
import random
import re
import socket
import threading
import time
import uuid
from decimal import ROUND_HALF_UP
from decimal import Decimal

import pytest
import requests
from flask import Flask
from flask import request
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from stdnum.eu import vat as eu_vat
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from worker.connectors.kmoshops import signature
from worker.connectors.kmoshops.sandbox import KINDS
from worker.connectors.kmoshops.sandbox import Clock
from worker.connectors.kmoshops.sandbox import KmoShopsState
from worker.connectors.kmoshops.sandbox import WebhookSender
from worker.connectors.kmoshops.sandbox import create_app
from worker.connectors.kmoshops.sandbox import generate_order
from worker.connectors.kmoshops.sandbox.catalogue import EU_COUNTRIES
from worker.httpserver import ServerThread

SECRET = "whsec-1"
AUTH = {"Authorization": "Bearer key-1"}


def wait_until(condition, timeout: float = 5.0):
    """Poll ``condition`` until it is truthy or the deadline passes (never a blind sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError("condition not met before the deadline")


class Receiver:
    """A tiny webhook endpoint on a real socket that records raw requests and answers as told."""

    def __init__(self, answer=200):
        self.answer = answer  # a status code, or a callable returning a Flask response
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        app = Flask("receiver")
        app.add_url_rule("/hook", "hook", self._hook, methods=["POST"])
        self.server = ServerThread(app).start()
        self.url = self.server.url + "/hook"

    def _hook(self):
        with self._lock:
            self.requests.append({"headers": dict(request.headers), "body": request.get_data()})
        if callable(self.answer):
            return self.answer()
        return "", self.answer, {"Location": "/elsewhere"} if 300 <= self.answer < 400 else {}

    def delivery_ids(self) -> list[str]:
        """The X-KMOShops-Delivery-Id of every request so far."""
        return [r["headers"]["X-Kmoshops-Delivery-Id"] for r in self.requests]


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def state(clock):
    state = KmoShopsState(clock=clock, seed=7)
    state.add_shop(shop_id="shop-1", api_key="key-1", webhook_secret=SECRET)
    return state


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.stop()


@pytest.fixture
def api(state):
    """The sandbox app mounted under /kmoshops, as the dev launcher mounts it."""
    server = ServerThread(DispatcherMiddleware(NotFound(), {"/kmoshops": create_app(state)})).start()
    yield server.url + "/kmoshops"
    server.stop()


# Webhook delivery -----------------------------------------------------------------------------


def test_delivery_is_signed_fat_and_carries_every_header(state, receiver, api, clock):
    sub_id = state.subscribe("shop-1", receiver.url)
    order = state.create_order("shop-1", kind="b2b_eu")
    assert WebhookSender(state).deliver_due() == 1

    [got] = receiver.requests
    headers, body = got["headers"], got["body"]
    assert signature.verify(SECRET, headers["X-Kmoshops-Signature"], body, now=clock.now())
    assert headers["X-Kmoshops-Signature"].startswith(f"t={headers['X-Kmoshops-Timestamp']},v1=")
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["User-Agent"] == "KMOShops-Webhooks/0 (kmoshops-sim/v0)"
    assert headers["X-Kmoshops-Topic"] == "orders/created"
    assert headers["X-Kmoshops-Shop-Id"] == "shop-1"
    assert headers["X-Kmoshops-Webhook-Id"] == sub_id
    assert uuid.UUID(headers["X-Kmoshops-Delivery-Id"]).version == 4
    assert uuid.UUID(headers["X-Kmoshops-Event-Id"])
    # Fat payload: exactly what the REST API returns for that order.
    served = requests.get(f"{api}/v1/orders/{order['id']}", headers=AUTH).json()
    assert json.loads(body) == served == order
    assert state.deliveries()[0]["state"] == "delivered"


def test_background_sender_delivers_without_being_asked(state, receiver):
    state.subscribe("shop-1", receiver.url)
    sender = WebhookSender(state, poll_interval=0.01).start()
    try:
        state.create_order("shop-1")
        wait_until(lambda: receiver.requests)
    finally:
        sender.stop()
    assert wait_until(lambda: state.deliveries()[0]["state"] == "delivered")


def test_failed_delivery_is_retried_only_after_the_clock_moves(state, receiver, clock):
    receiver.answer = 500
    state.subscribe("shop-1", receiver.url)
    state.create_order("shop-1")
    sender = WebhookSender(state)
    sender.deliver_due()
    sender.deliver_due()
    clock.advance(59)
    sender.deliver_due()
    assert len(receiver.requests) == 1

    clock.advance(1)
    sender.deliver_due()
    first, second = receiver.requests
    assert receiver.delivery_ids() == [first["headers"]["X-Kmoshops-Delivery-Id"]] * 2
    old, new = first["headers"], second["headers"]
    assert int(new["X-Kmoshops-Timestamp"]) >= int(old["X-Kmoshops-Timestamp"]) + 60
    assert new["X-Kmoshops-Signature"] != old["X-Kmoshops-Signature"]
    assert signature.verify(SECRET, new["X-Kmoshops-Signature"], second["body"], now=clock.now())
    assert second["body"] == first["body"]


def test_retries_stop_when_the_schedule_is_used_up(state, receiver, clock):
    receiver.answer = 503
    state.subscribe("shop-1", receiver.url)
    state.create_order("shop-1")
    sender = WebhookSender(state)
    sender.deliver_due()
    for wait in (60, 300, 900, 3600, 14400, 43200, 86400):
        clock.advance(wait)
        sender.deliver_due()
    clock.advance(10 * 86400)
    sender.deliver_due()

    [delivery] = state.deliveries()
    assert len(receiver.requests) == 8 == len(delivery["attempts"])
    assert delivery["state"] == "failed" and delivery["next_attempt_at"] is None
    assert len(set(receiver.delivery_ids())) == 1


@pytest.mark.parametrize("status, delivered", [(200, True), (202, True), (204, True),
                                               (302, False), (404, False), (500, False)])
def test_only_2xx_counts_as_delivered(state, receiver, status, delivered):
    receiver.answer = status
    state.subscribe("shop-1", receiver.url)
    state.create_order("shop-1")
    WebhookSender(state).deliver_due()
    [delivery] = state.deliveries()
    assert delivery["attempts"][0]["status"] == status
    assert delivery["state"] == ("delivered" if delivered else "pending")


def test_slow_receiver_times_out_and_is_retried(state, receiver):
    release = threading.Event()

    def slow_answer():
        release.wait(5)  # answers only once the test is done with it
        return "", 200

    receiver.answer = slow_answer
    state.subscribe("shop-1", receiver.url)
    state.create_order("shop-1")
    try:
        WebhookSender(state, timeout=0.2).deliver_due()
    finally:
        release.set()
    [delivery] = state.deliveries()
    attempt = delivery["attempts"][0]
    assert attempt["error"] == "timeout"
    assert delivery["state"] == "pending" and delivery["next_attempt_at"] == attempt["at"] + 60


def test_unreachable_receiver_is_a_failed_attempt(state):
    with socket.socket() as probe:  # a port that was free a moment ago has nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    state.subscribe("shop-1", f"http://127.0.0.1:{port}/hook")
    state.create_order("shop-1")
    WebhookSender(state).deliver_due()
    [delivery] = state.deliveries()
    assert delivery["attempts"][0]["error"].startswith("connection error")
    assert delivery["state"] == "pending"


def test_subscription_is_disabled_after_consecutive_failures(state, receiver, api):
    receiver.answer = 500
    sub_id = state.subscribe("shop-1", receiver.url)
    for _ in range(3):
        state.create_order("shop-1")
    WebhookSender(state, disable_after=3).deliver_due()

    hooks = requests.get(f"{api}/v1/webhooks", headers=AUTH).json()["data"]
    assert [(h["id"], h["state"]) for h in hooks] == [(sub_id, "disabled")]
    assert {d["state"] for d in state.deliveries()} == {"failed"}
    state.create_order("shop-1")
    assert len(state.deliveries()) == 3  # nothing is queued for a disabled subscription


def test_a_success_resets_the_failure_count(state, receiver):
    answers = iter([500, 500, 200, 500, 500])
    receiver.answer = lambda: ("", next(answers))
    state.subscribe("shop-1", receiver.url)
    for _ in range(5):
        state.create_order("shop-1")
    WebhookSender(state, disable_after=3).deliver_due()
    assert state.subscriptions("shop-1")[0]["state"] == "enabled"


def test_one_event_has_one_event_id_across_subscriptions(state, receiver):
    state.subscribe("shop-1", receiver.url)
    state.subscribe("shop-1", receiver.url, topics=["orders/cancelled"])
    order = state.create_order("shop-1")
    state.set_status("shop-1", order["id"], "cancelled")
    WebhookSender(state).deliver_due()

    seen = [(r["headers"]["X-Kmoshops-Topic"], r["headers"]["X-Kmoshops-Event-Id"])
            for r in receiver.requests]
    assert [topic for topic, _ in seen] == ["orders/created", "orders/status_changed",
                                             "orders/cancelled", "orders/cancelled"]
    assert seen[2][1] == seen[3][1] and len({event for _, event in seen}) == 3
    assert len(set(receiver.delivery_ids())) == 4
    assert json.loads(receiver.requests[-1]["body"])["status"] == "cancelled"


def test_duplicates_reuse_the_delivery_id(state, receiver):
    state.subscribe("shop-1", receiver.url)
    state.create_order("shop-1")
    WebhookSender(state, duplicate_rate=1.0).deliver_due()
    assert len(receiver.requests) == 2 and len(set(receiver.delivery_ids())) == 1
    assert [a["kind"] for a in state.deliveries()[0]["attempts"]] == ["scheduled", "duplicate"]


def test_burst_sends_one_delivery_concurrently(state, receiver, api):
    together = threading.Barrier(5, timeout=5)

    def answer():
        try:
            together.wait()  # only passes when five requests are in flight at once
            return "", 200
        except threading.BrokenBarrierError:
            return "", 500

    state.subscribe("shop-1", receiver.url)
    state.create_order("shop-1")
    delivery_id = state.deliveries()[0]["id"]
    receiver.answer = answer
    response = requests.post(f"{api}/_sandbox/deliveries/{delivery_id}/burst", json={"times": 5})
    assert response.status_code == 200
    assert [a["status"] for a in response.json()["data"]] == [200] * 5
    assert receiver.delivery_ids() == [delivery_id] * 5


def test_replay_resends_the_same_delivery(state, receiver, api):
    receiver.answer = 500
    state.subscribe("shop-1", receiver.url)
    state.create_order("shop-1")
    WebhookSender(state, retry_schedule=()).deliver_due()
    [failed] = state.deliveries()
    assert failed["state"] == "failed"

    receiver.answer = 200
    response = requests.post(f"{api}/_sandbox/deliveries/{failed['id']}/replay")
    assert response.json()["status"] == 200
    assert receiver.delivery_ids() == [failed["id"]] * 2
    assert state.delivery(failed["id"])["state"] == "delivered"


# REST API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "key-1"}])
def test_api_rejects_missing_or_bad_keys(api, headers):
    response = requests.get(f"{api}/v1/orders", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_another_shops_order_is_not_found(state, api):
    state.add_shop(shop_id="shop-2", api_key="key-2", webhook_secret="whsec-2")
    theirs = state.create_order("shop-2")
    response = requests.get(f"{api}/v1/orders/{theirs['id']}", headers=AUTH)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": f"Order {theirs['id']} not found",
                                         "details": {}}}


def test_paging_follows_links_next_under_the_mount_point(state, api, clock):
    created = []
    for _ in range(5):
        created.append(state.create_order("shop-1")["id"])
        clock.advance(1)
    url, seen, pages = f"{api}/v1/orders?per_page=2", [], 0
    while url:
        body = requests.get(url, headers=AUTH).json()
        assert body["meta"]["total"] == 5 and body["meta"]["per_page"] == 2
        seen += [o["id"] for o in body["data"]]
        url, pages = body["links"]["next"], pages + 1
        assert url is None or url.startswith(f"{api}/v1/orders?")
    assert seen == created and pages == 3


def test_updated_since_returns_changed_orders_by_updated_at(state, api, clock):
    first = state.create_order("shop-1")
    clock.advance(3600)
    cutoff = clock.now()
    second = state.create_order("shop-1")
    clock.advance(60)
    state.set_status("shop-1", first["id"], "shipped")
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(cutoff - 1))
    body = requests.get(f"{api}/v1/orders", params={"updated_since": since}, headers=AUTH).json()
    assert [o["id"] for o in body["data"]] == [second["id"], first["id"]]
    shipped = requests.get(f"{api}/v1/orders", params={"status": "shipped"}, headers=AUTH).json()
    assert [o["id"] for o in shipped["data"]] == [first["id"]]


@pytest.mark.parametrize("params", [{"per_page": 101}, {"per_page": 0}, {"page": "x"},
                                    {"updated_since": "yesterday"}, {"status": "lost"}])
def test_bad_query_parameters_are_422(api, params):
    response = requests.get(f"{api}/v1/orders", params=params, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_webhook_subscriptions_crud(api):
    response = requests.post(f"{api}/v1/webhooks", headers=AUTH,
                             json={"url": "https://koppel.example/hooks/kmo", "topics": ["orders/created"]})
    assert response.status_code == 201
    hook = response.json()
    assert hook["state"] == "enabled" and hook["topics"] == ["orders/created"]
    assert not any("secret" in key for key in hook)
    assert requests.get(f"{api}/v1/webhooks/{hook['id']}", headers=AUTH).json() == hook
    bad = requests.post(f"{api}/v1/webhooks", headers=AUTH, json={"url": "not a url"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_url"
    assert requests.delete(f"{api}/v1/webhooks/{hook['id']}", headers=AUTH).status_code == 204
    assert requests.get(f"{api}/v1/webhooks", headers=AUTH).json()["data"] == []
    assert requests.delete(f"{api}/v1/webhooks/{hook['id']}", headers=AUTH).status_code == 404


def test_rate_limit_allows_a_burst_of_40_then_429():
    clock = Clock(frozen_at=1_800_000_000.0)
    state = KmoShopsState(clock=clock)
    state.add_shop(shop_id="shop-1", api_key="key-1", webhook_secret=SECRET)
    with ServerThread(create_app(state)) as server:
        answers = [requests.get(f"{server.url}/v1/orders", headers=AUTH) for _ in range(41)]
        assert [r.status_code for r in answers[:40]] == [200] * 40
        assert [r.headers["X-RateLimit-Remaining"] for r in answers[:3]] == ["39", "38", "37"]
        limited = answers[40]
        assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
        assert limited.headers["Retry-After"] == "1"
        assert limited.headers["X-RateLimit-Limit"] == "40"
        assert int(limited.headers["X-RateLimit-Reset"]) == 1_800_000_000 + 20
        clock.advance(1)
        assert requests.get(f"{server.url}/v1/orders", headers=AUTH).status_code == 200


def test_rate_limit_can_be_turned_off():
    state = KmoShopsState(clock=Clock(frozen_at=1_800_000_000.0), rate_limit=False)
    state.add_shop(shop_id="shop-1", api_key="key-1", webhook_secret=SECRET)
    app = create_app(state).test_client()
    assert {app.get("/v1/orders", headers=AUTH).status_code for _ in range(60)} == {200}


# Control endpoints ----------------------------------------------------------------------------


def test_control_endpoints_drive_a_whole_scenario(api, receiver, state):
    shop = {"shop_id": "shop-9", "api_key": "key-9", "webhook_secret": "whsec-9", "country": "NL"}
    assert requests.post(f"{api}/_sandbox/shops", json=shop).status_code == 201
    assert requests.post(f"{api}/_sandbox/shops", json=shop).status_code == 200
    requests.post(f"{api}/v1/webhooks", headers={"Authorization": "Bearer key-9"}, json={"url": receiver.url})
    created = requests.post(f"{api}/_sandbox/shops/shop-9/orders", json={"kind": "b2b_domestic"})
    assert created.status_code == 201
    order = created.json()
    assert order["customer"]["vat_number"].startswith("NL")
    changed = requests.post(f"{api}/_sandbox/shops/shop-9/orders/{order['id']}/status",
                            json={"status": "shipped"})
    assert changed.json()["status"] == "shipped"
    assert requests.post(f"{api}/_sandbox/deliveries/run").json()["attempted"] == 2
    deliveries = requests.get(f"{api}/_sandbox/deliveries", params={"shop_id": "shop-9"}).json()["data"]
    assert [(d["topic"], d["state"]) for d in deliveries] == [("orders/created", "delivered"),
                                                             ("orders/status_changed", "delivered")]
    before = state.clock.now()
    now = requests.post(f"{api}/_sandbox/clock/advance", json={"seconds": 300}).json()["now"]
    assert now >= before + 300
    bad_kind = requests.post(f"{api}/_sandbox/shops/shop-9/orders", json={"kind": "wholesale"})
    assert bad_kind.status_code == 422
    assert requests.post(f"{api}/_sandbox/shops/nope/orders").status_code == 404


def test_overrides_make_an_inconsistent_order_on_purpose(state, receiver):
    state.subscribe("shop-1", receiver.url)
    totals = generate_order(random.Random(1), number="KMO-2026-00001")["totals"]
    bad_totals = {**totals, "total_incl_vat": "0.01"}
    order = state.create_order("shop-1", totals=bad_totals, customer={"email": "x@example.com"})
    WebhookSender(state).deliver_due()
    assert json.loads(receiver.requests[0]["body"])["totals"]["total_incl_vat"] == "0.01"
    assert order["customer"] == {"email": "x@example.com"}
    with pytest.raises(ValueError):
        state.create_order("shop-1", total="1.00")  # a typo must not be silently ignored


# Persistence ----------------------------------------------------------------------------------


def test_state_survives_a_restart(tmp_path, state, receiver, clock):
    path = str(tmp_path / "kmoshops.json")
    state.autosave_path = path
    sub_id = state.subscribe("shop-1", receiver.url)
    order = state.create_order("shop-1", kind="export")
    state.set_status("shop-1", order["id"], "completed")

    loaded = KmoShopsState.load(path, clock=clock)
    assert loaded.get_order("shop-1", order["id"]) == state.get_order("shop-1", order["id"])
    assert loaded.subscriptions("shop-1")[0]["id"] == sub_id
    assert [d["id"] for d in loaded.deliveries()] == [d["id"] for d in state.deliveries()]
    assert loaded.shop_for_key("key-1") == "shop-1"
    assert loaded.create_order("shop-1")["id"] == order["id"] + 1
    assert WebhookSender(loaded).deliver_due() == 3  # the queued deliveries go out after the restart


# Generator ------------------------------------------------------------------------------------

MONEY = re.compile(r"^\d+\.\d{2}$")


def d(text: str) -> Decimal:
    assert MONEY.match(text), text
    return Decimal(text)


def check_line(line: dict, includes_vat: bool) -> None:
    rate, qty = Decimal(line["vat_rate"]), line["quantity"]
    excl, vat, incl = d(line["total_excl_vat"]), d(line["vat_amount"]), d(line["total_incl_vat"])
    assert excl + vat == incl
    if includes_vat:
        assert incl == d(line["unit_price_incl_vat"]) * qty
        assert vat == (incl * rate / (100 + rate)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    else:
        assert excl == d(line["unit_price_excl_vat"]) * qty
        assert vat == (excl * rate / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def check_totals(order: dict) -> None:
    lines, shipping, discounts = order["lines"], order["shipping"], order["discounts"]
    totals = order["totals"]
    parts = [(l["vat_rate"], d(l["total_excl_vat"]), d(l["total_incl_vat"])) for l in lines]
    parts.append((shipping["vat_rate"], d(shipping["price_excl_vat"]), d(shipping["price_incl_vat"])))
    parts += [(x["vat_rate"], -d(x["amount_excl_vat"]), -d(x["amount_incl_vat"])) for x in discounts]
    assert d(totals["total_incl_vat"]) == sum(incl for _, _, incl in parts)
    assert d(totals["subtotal_excl_vat"]) == sum(d(l["total_excl_vat"]) for l in lines)
    assert d(totals["discount_excl_vat"]) == sum(d(x["amount_excl_vat"]) for x in discounts)
    assert d(totals["shipping_excl_vat"]) == d(shipping["price_excl_vat"])
    breakdown = {b["rate"]: (d(b["base"]), d(b["vat"])) for b in totals["vat_breakdown"]}
    for rate in {r for r, _, incl in parts if incl}:
        base = sum(excl for r, excl, _ in parts if r == rate)
        vat = sum(incl - excl for r, excl, incl in parts if r == rate)
        assert breakdown[rate] == (base, vat)
    assert d(totals["vat_total"]) == sum(v for _, v in breakdown.values())
    net = d(totals["subtotal_excl_vat"]) + d(totals["shipping_excl_vat"]) - d(totals["discount_excl_vat"])
    assert net + d(totals["vat_total"]) == d(totals["total_incl_vat"])


def check_kind(order: dict, kind: str, shop_country: str) -> None:
    customer, country = order["customer"], order["billing_address"]["country_code"]
    rates = {l["vat_rate"] for l in order["lines"]}
    if kind == "b2b_eu":
        assert order["vat_regime"] == "intra_eu_reverse_charge" and rates == {"0.00"}
        assert country in EU_COUNTRIES and country != shop_country
        assert eu_vat.is_valid(customer["vat_number"]) and customer["vat_number"].startswith(country)
        assert customer["company_name"]
    elif kind == "export":
        assert order["vat_regime"] == "export" and rates == {"0.00"} and country not in EU_COUNTRIES
    elif kind == "b2b_domestic":
        assert country == shop_country and order["vat_regime"] == "standard"
        assert eu_vat.is_valid(customer["vat_number"]) and customer["vat_number"].startswith(shop_country)
    else:
        allowed = {"BE": {"21.00", "12.00", "6.00"}, "NL": {"21.00", "9.00"}}[country]
        assert rates <= allowed
        assert order["vat_regime"] == ("standard" if country == shop_country else "oss")
        assert (customer["email"] == "") == (kind == "no_email")


@settings(max_examples=400, deadline=None)
@given(seed=st.integers(0, 2**32), kind=st.sampled_from(KINDS), includes_vat=st.booleans(),
       shop_country=st.sampled_from(["BE", "NL"]))
def test_generated_orders_add_up_to_the_cent(seed, kind, includes_vat, shop_country):
    order = generate_order(random.Random(seed), kind=kind, number="KMO-2026-00123",
                           shop_country=shop_country, prices_include_vat=includes_vat)
    for line in order["lines"]:
        check_line(line, includes_vat)
    check_totals(order)
    check_kind(order, kind, shop_country)
    assert order["id"] == 123 and order["currency"] == "EUR" and order["prices_include_vat"] is includes_vat
    again = generate_order(random.Random(seed), kind=kind, number="KMO-2026-00123",
                           shop_country=shop_country, prices_include_vat=includes_vat)
    assert again == order


def test_generated_orders_cover_the_interesting_cases():
    orders = [generate_order(random.Random(seed), kind=kind, number=f"KMO-2026-{seed:05d}")
              for seed in range(60) for kind in KINDS]
    assert any(o["discounts"] for o in orders)
    assert any(o["shipping_address"] != o["billing_address"] for o in orders)
    assert any(o["shipping"]["price_incl_vat"] != "0.00" for o in orders)
    assert any(len({l["vat_rate"] for l in o["lines"]}) > 1 for o in orders)
    assert {o["vat_regime"] for o in orders} == {"standard", "oss", "intra_eu_reverse_charge", "export"}
