"""Mollie Payments API v2: the real client against the sandbox, both on real sockets, webhooks included."""
from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest
import requests
from flask import Flask, request
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Response

from worker.connectors.errors import RemoteUnavailable
from worker.connectors.mollie import MollieClient, MollieError
from worker.connectors.mollie.sandbox import create_sandbox
from worker.connectors.mollie.sandbox_state import Clock, MollieState
from worker.connectors.mollie.api_rules import format_value
from worker.httpserver import ServerThread

KEY = "test_koppel"


class Receiver:
    """Koppel's side: a webhook endpoint answering from ``statuses`` (then 200) and a return page."""

    def __init__(self):
        self.calls: list[tuple[dict, str]] = []
        self.statuses: list[int] = []
        self.changed = threading.Condition()
        self.app = Flask("receiver")
        self.app.add_url_rule("/hook", "hook", self._hook, methods=["POST"])
        self.app.add_url_rule("/return", "back", lambda: "thanks")

    def _hook(self):
        with self.changed:
            self.calls.append((request.form.to_dict(), request.content_type))
            self.changed.notify_all()
            status = self.statuses.pop(0) if self.statuses else 200
        return Response("", status=status)

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        """True once ``count`` webhook calls arrived (waits on a condition, never sleeps blindly)."""
        with self.changed:
            return self.changed.wait_for(lambda: len(self.calls) >= count, timeout)


@pytest.fixture
def clock():
    return Clock(frozen_at=1_800_000_000)


@pytest.fixture
def state(clock):
    return MollieState(api_keys={KEY}, clock=clock)


@pytest.fixture
def receiver():
    return Receiver()


class Switch:
    """One WSGI app per test behind a server shared by the module (a server stop costs 0.5 s)."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def running():
    switch = Switch()
    with ServerThread(switch) as server:
        yield switch, server.url


@pytest.fixture
def server(running, state, receiver):
    switch, url = running
    # Mounted at /mollie as the dev launcher does, so links must carry the prefix.
    switch.app = DispatcherMiddleware(Response("not here", status=404),
                                      {"/mollie": create_sandbox(state), "/koppel": receiver.app})
    yield url
    assert state.wait_for_webhooks()  # no webhook of this test may reach the next one's receiver


@pytest.fixture
def client(server):
    return MollieClient(api_key=KEY, base_url=server + "/mollie/v2", timeout=5.0)


def create(client, server, **overrides):
    options = dict(amount=Decimal("49.50"), description="Koppel subscription 2027",
                   redirect_url=server + "/koppel/return?invoice=3", webhook_url=server + "/koppel/hook",
                   metadata={"tenant_id": 7, "invoice_id": 3}, locale="nl_NL")
    options.update(overrides)
    return client.create_payment(**options)


def post_raw(server, body, key=KEY):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return requests.post(server + "/mollie/v2/payments", json=body, headers=headers, timeout=5)


def valid_body(server, **changes):
    body = {"amount": {"currency": "EUR", "value": "10.00"}, "description": "Order 1",
            "redirectUrl": server + "/koppel/return", "webhookUrl": server + "/koppel/hook"}
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def test_create_gives_an_open_payment_whose_checkout_page_shows_amount_and_description(client, server, state):
    payment = create(client, server)
    assert payment.id.startswith("tr_") and payment.status == "open" and payment.paid_at is None
    assert payment.amount == Decimal("49.50") and isinstance(payment.amount, Decimal)
    assert (payment.currency, payment.metadata) == ("EUR", {"tenant_id": 7, "invoice_id": 3})
    assert payment.checkout_url == f"{server}/mollie/checkout/{payment.id}"
    assert payment.raw["_links"]["self"]["href"] == f"{server}/mollie/v2/payments/{payment.id}"
    assert payment.raw["mode"] == "test" and payment.raw["locale"] == "nl_NL"
    assert payment.raw["createdAt"] == "2027-01-15T08:00:00+00:00"
    assert payment.raw["expiresAt"] == "2027-01-15T08:15:00+00:00"
    page = requests.get(payment.checkout_url, timeout=5)
    assert page.status_code == 200 and "EUR 49.50" in page.text and "Koppel subscription 2027" in page.text
    for label in ("Paid", "Failed", "Canceled", "Expired", "Continue"):
        assert label in page.text
    assert "<script" not in page.text


def test_amount_travels_as_an_exact_string(server, state):
    sent = []
    session = requests.Session()
    session.hooks["response"].append(lambda response, *args, **kwargs: sent.append(response.request.body))
    client = MollieClient(api_key=KEY, base_url=server + "/mollie/v2", session=session)
    payment = create(client, server, amount=Decimal("120"))
    assert json.loads(sent[0])["amount"] == {"currency": "EUR", "value": "120.00"}
    assert state.payments[payment.id]["amount"] == {"currency": "EUR", "value": "120.00"}
    assert payment.amount == Decimal("120.00")


def test_client_refuses_floats_and_fractions_of_cents_before_sending(client, server, state):
    with pytest.raises(TypeError):
        create(client, server, amount=49.5)
    with pytest.raises(ValueError):
        create(client, server, amount=Decimal("49.505"))
    assert state.payments == {}
    assert format_value(Decimal("1500"), "JPY") == "1500"


def test_paying_at_checkout_redirects_and_calls_the_webhook_with_the_id(client, server, state, receiver):
    payment = create(client, server)
    answer = requests.post(payment.checkout_url, data={"status": "paid"}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302 and answer.headers["Location"] == server + "/koppel/return?invoice=3"
    assert receiver.wait_for(1)
    assert receiver.calls == [({"id": payment.id}, "application/x-www-form-urlencoded")]
    assert state.wait_for_webhooks()
    assert state.webhook_calls == [(server + "/koppel/hook", payment.id, 200)]
    paid = client.get_payment(payment.id)
    assert paid.status == "paid" and paid.paid_at == "2027-01-15T08:00:00+00:00"
    assert paid.checkout_url is None and paid.amount == Decimal("49.50")


@pytest.mark.parametrize("outcome, stamp", [("failed", "failedAt"), ("canceled", "canceledAt"),
                                            ("expired", "expiredAt")])
def test_other_outcomes_reach_the_webhook_too(client, server, state, receiver, outcome, stamp):
    payment = create(client, server)
    requests.post(payment.checkout_url, data={"status": outcome}, allow_redirects=False, timeout=5)
    assert receiver.wait_for(1) and receiver.calls[0][0] == {"id": payment.id}
    looked_up = client.get_payment(payment.id)
    assert looked_up.status == outcome and looked_up.paid_at is None and stamp in looked_up.raw


def test_a_processed_payment_cannot_be_changed_at_checkout(client, server, state, receiver):
    payment = create(client, server)
    requests.post(payment.checkout_url, data={"status": "paid"}, allow_redirects=False, timeout=5)
    assert state.wait_for_webhooks()
    page = requests.get(payment.checkout_url, timeout=5)
    assert "This payment has already been processed" in page.text and "<form" not in page.text
    again = requests.post(payment.checkout_url, data={"status": "failed"}, allow_redirects=False, timeout=5)
    assert again.status_code == 409 and "already been processed" in again.text
    assert client.get_payment(payment.id).status == "paid"
    assert state.wait_for_webhooks() and len(state.webhook_calls) == 1


def test_checkout_without_a_valid_choice_changes_nothing(client, server):
    payment = create(client, server)
    answer = requests.post(payment.checkout_url, data={"status": "refunded"}, allow_redirects=False, timeout=5)
    assert answer.status_code == 400 and client.get_payment(payment.id).status == "open"
    assert requests.get(server + "/mollie/checkout/tr_nothere00", timeout=5).status_code == 404


def test_failed_webhook_is_retried_only_when_the_clock_says_so(client, server, state, receiver, clock):
    receiver.statuses = [500]
    payment = create(client, server)
    state.pay(payment.id, "paid")
    assert state.wait_for_webhooks()
    hook = server + "/koppel/hook"
    assert state.webhook_calls == [(hook, payment.id, 500)]
    assert state.deliver_due() == 0
    clock.advance(59)
    assert state.deliver_due() == 0 and len(receiver.calls) == 1
    clock.advance(1)
    assert state.deliver_due() == 1
    assert state.webhook_calls == [(hook, payment.id, 500), (hook, payment.id, 200)]
    assert receiver.calls[1][0] == {"id": payment.id} and state.retries == []


def test_unreachable_webhook_is_recorded_as_an_error_and_retried(client, server, state):
    closed = ServerThread(Flask("gone"))
    closed_url = closed.url + "/hook"
    closed.server.server_close()  # a port that was free a moment ago: connection refused
    payment = create(client, server, webhook_url=closed_url)
    state.pay(payment.id)
    assert state.wait_for_webhooks()
    url, payment_id, result = state.webhook_calls[0]
    assert (url, payment_id) == (closed_url, payment.id) and isinstance(result, str)
    assert state.retries[0]["attempt"] == 2


def test_missing_or_wrong_key_is_401_in_mollies_shape(server, client):
    answer = post_raw(server, valid_body(server), key=None)
    assert answer.status_code == 401 and answer.headers["Content-Type"].startswith("application/hal+json")
    body = answer.json()
    assert (body["status"], body["title"]) == (401, "Unauthorized Request")
    assert body["detail"] == "Missing authentication, or failed to authenticate"
    assert "documentation" in body["_links"]
    with pytest.raises(MollieError) as refused:
        MollieClient(api_key="test_wrong", base_url=server + "/mollie/v2").get_payment("tr_x")
    assert refused.value.status == 401


@pytest.mark.parametrize("changes, field", [
    ({"amount": {"currency": "EUR", "value": 10.0}}, "amount.value"),
    ({"amount": {"currency": "EUR", "value": "10.5"}}, "amount.value"),
    ({"amount": {"currency": "EUR", "value": "10.000"}}, "amount.value"),
    ({"amount": {"currency": "EUR", "value": "0.00"}}, "amount"),
    ({"amount": {"currency": "EUR", "value": "1000000000.00"}}, "amount"),
    ({"amount": {"currency": "XTS", "value": "10.00"}}, "amount.currency"),
    ({"amount": None}, "amount"),
    ({"description": None}, "description"),
    ({"description": "  "}, "description"),
    ({"redirectUrl": None}, "redirectUrl"),
    ({"redirectUrl": "not a url"}, "redirectUrl"),
    ({"redirectUrl": "http://[::1/return"}, "redirectUrl"),
    ({"webhookUrl": "ftp://example.org/hook"}, "webhookUrl"),
    ({"locale": "xx_XX"}, "locale"),
    ({"method": "cash"}, "method"),
    ({"metadata": {"notes": "x" * 1100}}, "metadata"),
])
def test_invalid_requests_are_422_naming_the_field(server, state, changes, field):
    answer = post_raw(server, valid_body(server, **changes))
    body = answer.json()
    assert answer.status_code == 422 and (body["status"], body["title"]) == (422, "Unprocessable Entity")
    assert body["field"] == field and body["detail"]
    assert state.payments == {}


def test_422_reaches_the_client_as_mollie_error_with_the_field(client, server):
    with pytest.raises(MollieError) as refused:
        create(client, server, description="")
    error = refused.value
    assert (error.status, error.title, error.field) == (422, "Unprocessable Entity", "description")


def test_long_description_is_truncated_not_refused(client, server):
    assert len(create(client, server, description="x" * 300).description) == 255


def test_unknown_payment_is_404(client):
    with pytest.raises(MollieError) as missing:
        client.get_payment("tr_doesnotexist")
    assert missing.value.status == 404
    assert missing.value.detail == "No payment exists with token tr_doesnotexist."


def test_server_errors_and_unreachable_api_are_remote_unavailable():
    failing = Flask("failing")
    failing.add_url_rule("/v2/payments/<pid>", "get", lambda pid: ("boom", 502))
    with ServerThread(failing) as running:
        with pytest.raises(RemoteUnavailable):
            MollieClient(api_key=KEY, base_url=running.url + "/v2").get_payment("tr_x")
        url = running.url
    with pytest.raises(RemoteUnavailable):
        MollieClient(api_key=KEY, base_url=url + "/v2", timeout=2).get_payment("tr_x")


def test_live_like_state_refuses_loopback_webhooks(server, state):
    state.local_webhooks = False
    answer = post_raw(server, valid_body(server))
    assert answer.status_code == 422 and answer.json()["field"] == "webhookUrl"
    assert "unreachable from Mollie's point of view" in answer.json()["detail"]


def test_same_idempotency_key_gives_the_same_payment(client, server, state):
    first = create(client, server, idempotency_key="offer-3")
    second = create(client, server, idempotency_key="offer-3")
    assert first.id == second.id and len(state.payments) == 1


def test_open_payments_expire_after_fifteen_minutes(client, server, state, receiver, clock):
    payment = create(client, server)
    clock.advance(14 * 60)
    assert state.expire_due() == []
    clock.advance(60)
    assert state.expire_due() == [payment.id]
    assert receiver.wait_for(1) and client.get_payment(payment.id).status == "expired"


def test_state_survives_save_and_load(client, server, state, tmp_path):
    receiver_less = create(client, server, webhook_url=None)
    state.pay(receiver_less.id, "canceled")
    state.save(tmp_path / "mollie.json")
    loaded = MollieState.load(tmp_path / "mollie.json")
    assert loaded.api_keys == {KEY} and loaded.payments == state.payments
    assert loaded.webhook_calls == state.webhook_calls == []
