"""No tenant sees another: every URL with another tenant's id answers 404, lists show only one's own."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.webhooks import an_order, delivery
from worker import db
from worker.models import Order


def place_order(client, merchant, seed: int) -> int:
    body, headers = delivery(merchant["shop"]["webhook_secret"], an_order(seed, status="pending_payment"))
    assert client.post(f"/webhooks/kmoshops/{merchant['source'].webhook_token}", data=body,
                       headers=headers).status_code == 200
    with db.session_scope() as session:
        return session.execute(sa.select(Order.id).where(Order.tenant_id == merchant["tenant_id"])).scalar_one()


def login(client, merchant) -> None:
    response = client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    assert response.status_code == 302


def test_merchant_a_gets_404_for_merchant_bs_order_same_as_for_a_missing_one(client):
    a, b = make_merchant(), make_merchant()
    place_order(client, a, 1)
    b_order = place_order(client, b, 2)
    login(client, a)
    other = client.get(f"/orders/{b_order}")
    missing = client.get("/orders/999999")
    assert other.status_code == missing.status_code == 404
    assert other.get_data() == missing.get_data()


@pytest.mark.parametrize("tab", ["report", "errors", "open"])
def test_tabs_list_only_the_merchants_own_orders(client, tab):
    a, b = make_merchant(), make_merchant()
    place_order(client, a, 11)
    place_order(client, b, 12)
    login(client, a)
    page = client.get(f"/tab/{tab}").get_data(as_text=True)
    assert "KMO-2026-00012" not in page
    if tab == "open":
        assert "KMO-2026-00011" in page


def test_pages_need_a_login(client):
    for url in ("/", "/tab/report", "/tab/errors", "/tab/open", "/status", "/orders/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_wrong_password_is_refused_with_a_plain_message(client):
    merchant = make_merchant()
    response = client.post("/login", data={"username": merchant["email"], "password": "wrong"})
    assert response.status_code == 401
    assert any(plain in response.get_data(as_text=True) for plain in ("do not match", "horen niet bij elkaar"))


def test_logout_ends_the_session_on_the_server(client):
    merchant = make_merchant()
    login(client, merchant)
    cookie = client.get_cookie("session").value
    client.post("/logout")
    client.set_cookie("session", cookie)  # replaying the old cookie does not get back in
    assert client.get("/").status_code == 302
