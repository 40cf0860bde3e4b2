"""Every staff view of a merchant's data and every staff action is audited, and the merchant sees it in Profile."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.staff import staff_client
from tests.support.webhooks import an_order, delivery
from worker import db, support
from worker.models import AuditEntry, Order, Tenant

# (what staff do, method, URL template, form, the audit action written for the merchant's tenant)
ACTIONS = [
    ("merchant page", "GET", "/staff/merchants/{t}", None, "view_merchant"),
    ("a list", "GET", "/staff/merchants/{t}/tab/errors", None, "view_orders"),
    ("order search", "GET", "/staff/orders?number=KMO-2026-00501", None, "view_orders"),
    ("More info", "GET", "/staff/merchants/{t}/orders/{o}", None, "view_order"),
    ("a ticket", "GET", "/staff/tickets/{k}", None, "view_ticket"),
    ("reply", "POST", "/staff/tickets/{k}/reply", {"body": "Fixed.", "then": "closed"}, "reply_ticket"),
    ("ticket state", "POST", "/staff/tickets/{k}/state", {"state": "closed"}, "ticket_state"),
    ("contract", "POST", "/staff/merchants/{t}/contract", {"currencies": "USD"}, "contract_settings"),
    ("stop", "POST", "/staff/merchants/{t}/stop", {"confirm": "yes"}, "stop"),
    ("resume", "POST", "/staff/merchants/{t}/resume", {}, "resume"),
    ("trial", "POST", "/staff/merchants/{t}/trial", {"days": "14"}, "extend_trial"),
    ("old key", "POST", "/staff/merchants/{t}/retire/{old}", {}, "retire_licence_key"),
    ("migrations", "GET", "/staff/merchants/{t}/migrations", None, "view_migration"),
    ("install consent", "POST", "/staff/merchants/{t}/install/consent", {"reference": "ticket 1"}, "install_consent"),
]


@pytest.fixture
def merchant(app):
    """A merchant with an order, a question, and an old installation under the same e-mail."""
    found = make_merchant()
    body, headers = delivery(found["shop"]["webhook_secret"], an_order(501, status="pending_payment"))
    app.test_client().post(f"/webhooks/kmoshops/{found['source'].webhook_token}", data=body, headers=headers)
    with db.session_scope() as session:
        tenant = session.get(Tenant, found["tenant_id"])
        found["ticket"] = support.ask_us(session, tenant, found["email"], "Missing order", "Order 12, 1 May").id
        old = Tenant(name="Old shop", email=found["email"])
        session.add(old)
        session.flush()
        found["old"] = old.id
        found["order"] = session.execute(sa.select(Order.id).where(Order.tenant_id == tenant.id)).scalar_one()
    return found


def entries(tenant_id: int) -> list[tuple]:
    with db.session_scope() as session:
        return [(e.staff_id, e.action) for e in session.execute(
            sa.select(AuditEntry).where(AuditEntry.tenant_id == tenant_id).order_by(AuditEntry.id)).scalars()]


@pytest.mark.parametrize("what, method, url, form, action", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_each_view_and_action_writes_who_when_which_tenant_what(app, merchant, what, method, url, form, action):
    client, staff = staff_client(app, "admin")
    url = url.format(t=merchant["tenant_id"], o=merchant["order"], k=merchant["ticket"], old=merchant["old"])
    before = entries(merchant["tenant_id"])
    response = client.open(url, method=method, data=form)
    assert response.status_code == (200 if method == "GET" else 302)
    assert entries(merchant["tenant_id"])[len(before):] == [(staff["id"], action)]


def test_the_merchant_sees_webcare_lines_in_profile_and_another_merchant_does_not(app, merchant):
    client, staff = staff_client(app, "support")
    client.get(f"/staff/merchants/{merchant['tenant_id']}")
    other = make_merchant()
    for who, expected in ((merchant, True), (other, False)):
        own = app.test_client()
        own.post("/language/en")
        own.post("/login", data={"username": who["email"], "password": who["password"]})
        page = own.get("/profile/").get_data(as_text=True)
        assert ("Webcare looked at your integration." in page and staff["name"] in page) is expected
        assert 'id="webcare"' in page
