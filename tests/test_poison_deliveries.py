"""Signed but malformed deliveries: kept raw, answered 2xx, and shown to the merchant; never lost.

When the order id can be read, the order goes to Errors as ORDER_UNREADABLE with what was wrong and
the raw delivery under More info; when not even that can be read, the dashboard shows the delivery.
"""
from __future__ import annotations


import json

import pytest
from markupsafe import escape
import sqlalchemy as sa

from tests.support.language import says
from tests.support.merchants import make_merchant
from tests.support.webhooks import an_order, delivery
from tests.test_webhook_intake import url_of
from worker import db
from worker.models import Order, WebhookDelivery


def login(client, merchant) -> None:
    answer = client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    assert answer.status_code == 302


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def poisoned(seed: int, **changes) -> bytes:
    return json.dumps(an_order(seed, **{"status": "paid", **changes})).encode()


def deep_body() -> bytes:
    text = json.dumps(an_order(3001, status="paid"))
    return (text[:-1] + ', "note": ' + nested(5000) + "}").encode()


def without(seed: int, *keys: str) -> bytes:
    order = an_order(seed, status="paid")
    for key in keys:
        del order[key]
    return json.dumps(order).encode()


# (body, shop order id, what the merchant's explanation mentions)
WITH_AN_ID = {
    "deep nesting": (deep_body(), "3001", "32"),  # the depth limit the sentence names
    "utf-16": (json.dumps(an_order(3002, status="paid")).encode("utf-16"), "3002", "UTF-8"),
    "quantity abc": (poisoned(3003, lines=[{**an_order(3003)["lines"][0], "quantity": "abc"}]), "3003", "abc"),
    "long number": (poisoned(3004, number="KMO-" + "9" * 150), "3004", "100"),
    "currency EURO": (poisoned(3005, currency="EURO"), "3005", "EURO"),
    "list for a string": (poisoned(3006, status=["paid", "shipped"]), "3006", "status"),
    "list for a name": (poisoned(3007, customer={"email": "a@b.test", "first_name": ["Jan"]}), "3007", "first_name"),
    "total 1e15": (poisoned(3008, totals={"total_incl_vat": 1e15, "vat_total": "0.00"}), "3008", "total_incl_vat"),
    "missing fields": (json.dumps({"id": 3009, "number": "KMO-3009"}).encode(), "3009", "created_at"),
    "long id": (poisoned(3010, id="x" * 150), None, "100"),
    "NUL in a name": (poisoned(3011, customer={"email": "a@b.test", "last_name": "Ja\u0000ns"}), "3011", "last_name"),
    "NaN total": (poisoned(3012).replace(b'"total_incl_vat": "', b'"total_incl_vat": NaN, "x": "'), "3012", "NaN"),
    "no date": (without(3013, "created_at"), "3013", "created_at"),
}


@pytest.mark.parametrize("case", list(WITH_AN_ID))
def test_a_malformed_order_with_an_id_is_kept_and_lands_in_errors_with_the_raw_delivery(client, case):
    body, shop_id, mentioned = WITH_AN_ID[case]
    merchant = make_merchant()
    sent, headers = delivery(merchant["shop"]["webhook_secret"], body)
    response = client.post(url_of(merchant), data=sent, headers=headers)
    assert 200 <= response.status_code < 300, response.get_data(as_text=True)
    with db.session_scope() as session:
        raw = session.execute(sa.select(WebhookDelivery)).scalar_one()
        assert raw.raw_body() == body
        order = session.execute(sa.select(Order)).scalar_one()
        assert raw.order_id == order.id
        if shop_id is not None:
            assert order.shop_order_id == shop_id
        assert (order.state, order.error_code) == ("failed", "ORDER_UNREADABLE")
        assert mentioned in order.error_message and "Traceback" not in order.error_message
        order_id = order.id
        jobs = session.execute(sa.text("SELECT count(*) FROM procrastinate_jobs")).scalar_one()
    assert jobs == 0
    login(client, merchant)
    assert "ORDER_UNREADABLE" in client.get("/tab/errors").get_data(as_text=True)
    info = client.get(f"/orders/{order_id}/info").get_data(as_text=True)
    assert str(escape(raw_text(body)[:60])) in info


def raw_text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return json.loads(body) and body.decode("utf-16")


WITHOUT_AN_ID = {
    "cut off": b'{"id": 12, "number": ',
    "a list": b"[1, 2, 3]",
    "no id": json.dumps({"number": "KMO-NO-ID", "lines": []}).encode(),
    "not UTF-8 at all": b'{"id": 4, "number": "\xff\xfe\xfa"}',
    "only nesting": nested(100000).encode(),
    "an id that is an object": json.dumps({"id": {"value": 4}, "number": "X"}).encode(),
}


@pytest.mark.parametrize("case", list(WITHOUT_AN_ID))
def test_a_delivery_without_a_readable_order_id_is_kept_and_shown_on_the_dashboard(client, case):
    body = WITHOUT_AN_ID[case]
    merchant, other = make_merchant(), make_merchant()
    sent, headers = delivery(merchant["shop"]["webhook_secret"], body)
    response = client.post(url_of(merchant), data=sent, headers=headers)
    assert 200 <= response.status_code < 300
    assert client.post(url_of(merchant), data=sent, headers=headers).status_code == 200  # the shop retries
    with db.session_scope() as session:
        raw = session.execute(sa.select(WebhookDelivery)).scalar_one()
        assert raw.raw_body() == body and raw.order_id is None and raw.problem
        assert session.execute(sa.select(sa.func.count(Order.id))).scalar_one() == 0
    login(client, merchant)
    page = client.get("/").get_data(as_text=True)
    assert says(page, "See what your shop sent")
    details = client.get("/deliveries/unreadable").get_data(as_text=True)
    shown = body.decode("utf-8", "backslashreplace")[:200]
    assert str(escape(shown)) in details
    client.get("/logout")
    login(client, other)  # another merchant sees nothing of it
    assert not says(client.get("/").get_data(as_text=True), "See what your shop sent")
    assert str(escape(shown)) not in client.get("/deliveries/unreadable").get_data(as_text=True)


def test_a_readable_version_of_an_unreadable_order_queues_it(client):
    merchant = make_merchant()
    secret = merchant["shop"]["webhook_secret"]
    order = an_order(3100, status="paid")
    bad = {**order, "currency": "EURO"}
    for version in (bad, {**order, "updated_at": "2099-01-01T00:00:00Z"}):
        body, headers = delivery(secret, version, topic="orders/updated")
        assert client.post(url_of(merchant), data=body, headers=headers).status_code == 200
    with db.session_scope() as session:
        stored = session.execute(sa.select(Order)).scalar_one()
        # Readable now, it went on through the pipeline: this merchant has no administration connected yet.
        assert (stored.state, stored.error_code, stored.currency) == ("failed", "NOT_CONNECTED", "EUR")
        assert session.execute(sa.select(sa.func.count(WebhookDelivery.id))).scalar_one() == 2


def test_an_unreadable_update_of_an_order_in_the_books_changes_nothing(client):
    merchant = make_merchant()
    secret = merchant["shop"]["webhook_secret"]
    order = an_order(3200, status="paid")
    body, headers = delivery(secret, order)
    client.post(url_of(merchant), data=body, headers=headers)
    with db.session_scope() as session:
        session.execute(sa.update(Order).values(state="posted", error_code=None, error_message=None))
    body, headers = delivery(secret, {**order, "currency": "EURO"}, topic="orders/updated")
    assert client.post(url_of(merchant), data=body, headers=headers).status_code == 200
    with db.session_scope() as session:
        stored = session.execute(sa.select(Order)).scalar_one()
        assert (stored.state, stored.error_code, stored.currency) == ("posted", None, "EUR")


def test_an_update_with_a_time_without_time_zone_is_read_as_utc(client):
    merchant = make_merchant()
    secret = merchant["shop"]["webhook_secret"]
    order = an_order(3400, status="pending_payment")
    for version in (order, {**order, "status": "paid", "updated_at": "2099-01-01T00:00:00"}):
        body, headers = delivery(secret, version, topic="orders/updated")
        assert client.post(url_of(merchant), data=body, headers=headers).status_code == 200
    with db.session_scope() as session:  # the newer version was taken (no administration yet, so NOT_CONNECTED)
        assert session.execute(sa.select(Order.shop_status, Order.error_code)).one() == ("paid", "NOT_CONNECTED")


def test_missing_delivery_id_and_odd_topics_are_still_kept(client):
    merchant = make_merchant()
    secret = merchant["shop"]["webhook_secret"]
    body, headers = delivery(secret, an_order(3300, status="paid"))
    del headers["X-KMOShops-Delivery-Id"]
    assert client.post(url_of(merchant), data=body, headers=headers).status_code == 200
    assert client.post(url_of(merchant), data=body, headers=headers).status_code == 200  # a retry: same row
    body, headers = delivery(secret, an_order(3301, status="paid"), delivery_id="d" * 300, topic="t" * 300)
    assert 200 <= client.post(url_of(merchant), data=body, headers=headers).status_code < 300
    with db.session_scope() as session:
        assert session.execute(sa.select(sa.func.count(WebhookDelivery.id))).scalar_one() == 2
        assert session.execute(sa.select(Order.shop_order_id)).scalars().all() == ["3300"]


def test_the_hourly_poll_keeps_an_unreadable_order_in_errors_too(sandboxes):
    from worker.pipeline import recheck

    merchant = make_merchant(sandboxes)
    sandboxes.sender.stop()  # the webhook never comes; only the poll finds the order
    missed = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid", currency="EURO")
    recheck.poll_changes(merchant["source"].id)
    with db.session_scope() as session:
        order = session.execute(sa.select(Order).where(Order.shop_order_id == str(missed["id"]))).scalar_one()
        assert (order.state, order.error_code) == ("failed", "ORDER_UNREADABLE")
        assert "EURO" in order.error_message


def test_a_customer_name_longer_than_our_column_is_cut_for_the_list_not_refused(client):
    merchant = make_merchant()
    order = an_order(3500, status="paid")
    order["customer"] = {**order["customer"], "company_name": "B" * 400}
    body, headers = delivery(merchant["shop"]["webhook_secret"], order)
    assert client.post(url_of(merchant), data=body, headers=headers).status_code == 200
    with db.session_scope() as session:
        stored = session.execute(sa.select(Order)).scalar_one()
        raw = session.execute(sa.select(WebhookDelivery)).scalar_one()
        assert stored.error_code != "ORDER_UNREADABLE" and stored.customer_name == "B" * 300 and raw.problem is None
