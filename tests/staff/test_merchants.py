"""Find and look: merchants by licence key, e-mail, name, shop or division; orders across tenants; the merchant page."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.staff import staff_client
from tests.support.webhooks import an_order, delivery
from worker import db
from worker.models import Connection, Order, Tenant

HX = {"HX-Request": "true"}


def place_order(client, merchant, seed: int, **changes) -> None:
    body, headers = delivery(merchant["shop"]["webhook_secret"], an_order(seed, **changes))
    assert client.post(f"/webhooks/kmoshops/{merchant['source'].webhook_token}", data=body,
                       headers=headers).status_code == 200


def licence_key(merchant) -> str:
    with db.session_scope() as session:
        return session.get(Tenant, merchant["tenant_id"]).licence_key


def set_division(merchant, division: str) -> None:
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.settings = {**target.settings, "division": division}


@pytest.mark.parametrize("by", ["licence key", "e-mail", "name", "shop id", "division"])
def test_a_merchant_is_found_by_each_of_the_five_keys_and_only_they(app, database, by):
    wanted, other = make_merchant(), make_merchant()
    set_division(wanted, "987654")
    text = {"licence key": licence_key(wanted), "e-mail": wanted["email"].upper(),
            "name": "", "shop id": wanted["shop"]["shop_id"],
            "division": "987654"}[by]
    if by == "name":
        with db.session_scope() as session:
            session.get(Tenant, wanted["tenant_id"]).name = "Tuincentrum De Egel"
        text = "de egel"
    client, _ = staff_client(app)
    page = client.get("/staff/", query_string={"q": text}, headers=HX).get_data(as_text=True)
    assert licence_key(wanted) in page and licence_key(other) not in page


def test_orders_are_found_across_merchants_by_number_and_by_date(app, database):
    a, b = make_merchant(), make_merchant()
    place_order(app.test_client(), a, 401, status="pending_payment")
    place_order(app.test_client(), b, 402, status="pending_payment")
    client, _ = staff_client(app)
    by_number = client.get("/staff/orders", query_string={"number": "00402"}, headers=HX).get_data(as_text=True)
    assert "KMO-2026-00402" in by_number and "KMO-2026-00401" not in by_number
    assert licence_key(b) in by_number
    with db.session_scope() as session:
        day = session.execute(sa.select(Order.order_date).where(Order.number == "KMO-2026-00401")).scalar_one()
    by_date = client.get("/staff/orders", query_string={"since": day.isoformat(), "until": day.isoformat()},
                         headers=HX).get_data(as_text=True)
    assert "KMO-2026-00401" in by_date
    none = client.get("/staff/orders", query_string={"number": "no-such"}, headers=HX).get_data(as_text=True)
    assert "No order in Koppel matches" in none


def test_the_merchant_page_shows_connections_subscription_lists_and_tickets_read_only(app, database):
    merchant = make_merchant()
    place_order(app.test_client(), merchant, 403, status="pending_payment")
    client, _ = staff_client(app)
    page = client.get(f"/staff/merchants/{merchant['tenant_id']}").get_data(as_text=True)
    assert licence_key(merchant) in page and merchant["shop"]["shop_id"] in page
    assert 'id="subscription"' in page and 'id="contract"' in page and 'id="tickets"' in page
    open_tab = client.get(f"/staff/merchants/{merchant['tenant_id']}/tab/open").get_data(as_text=True)
    assert "KMO-2026-00403" in open_tab
    assert "hx-post" not in open_tab and "<form method=\"post\"" not in open_tab  # looking, not acting
    with db.session_scope() as session:
        order_id = session.execute(sa.select(Order.id).where(Order.tenant_id == merchant["tenant_id"])).scalar_one()
    assert client.get(f"/staff/merchants/{merchant['tenant_id']}/orders/{order_id}").status_code == 200
    other = make_merchant()
    assert client.get(f"/staff/merchants/{other['tenant_id']}/orders/{order_id}").status_code == 404
