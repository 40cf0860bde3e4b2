"""Role checks on every /staff route, found by walking the URL map (as test_tenancy does for merchants).

Every staff endpoint is listed here with its role: a new route fails this test until someone decides
who may use it. Nobody without a staff login and second factor gets anything; a merchant's session
counts for nothing; support staff get 403 on admin routes.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.staff import make_staff, staff_client
from tests.support.webhooks import an_order, delivery
from worker import db, support
from worker.models import Migration, Order, Tenant

PUBLIC = {"staff.login", "staff.second_factor", "staff.enrol"}
ROLES = {
    "staff.logout": "support", "staff.index": "support", "staff.find_orders": "support",
    "staff.show_merchant": "support", "staff.show_tab": "support", "staff.show_order": "support",
    "staff.inbox": "support", "staff.show_ticket": "support", "staff.reply": "support",
    "staff.change_state": "support", "staff.show_health": "support", "staff.show_health_live": "support",
    "staff.health_json": "support", "staff.show_webhook_health": "support", "staff.find_missing": "support", "staff.fetch_missing": "support",
    "staff.save_contract": "admin", "staff.stop": "admin", "staff.resume": "admin", "staff.extend_trial": "admin",
    "staff.retire_licence_key": "admin", "staff.show_migrations": "admin", "staff.quote_migration": "admin",
    "staff.change_migration": "admin", "staff.show_migration_progress": "admin", "staff.show_install": "admin",
    "staff.record_install_consent": "admin", "staff.list_accounts": "admin",
    "staff.change_account": "admin", "staff.send_connect_link": "admin", "staff.connect_with_key": "admin",
}


FORM = {"state": "waiting", "body": "Thank you, fixed.", "then": "waiting", "days": "7", "confirm": "yes",
        "currencies": "USD"}


@pytest.fixture
def ids(app):
    """Real ids for every URL parameter: a merchant with an order and a ticket, and an old installation of theirs."""
    merchant = make_merchant()
    body, headers = delivery(merchant["shop"]["webhook_secret"], an_order(7, status="pending_payment"))
    assert app.test_client().post(f"/webhooks/kmoshops/{merchant['source'].webhook_token}", data=body,
                                  headers=headers).status_code == 200
    with db.session_scope() as session:
        tenant = session.get(Tenant, merchant["tenant_id"])
        ticket = support.ask_us(session, tenant, merchant["email"], "Hello", "A question")
        old = Tenant(name="Old shop", email=merchant["email"])
        session.add(old)
        session.flush()
        order_id = session.execute(sa.select(Order.id).where(Order.tenant_id == tenant.id)).scalar_one()
        migration = Migration(tenant_id=tenant.id, since=dt.date(2026, 1, 1), until=dt.date(2026, 1, 31),
                              price_excl=Decimal("67.50"))
        session.add(migration)
        session.flush()
        return {"tenant_id": tenant.id, "ticket_id": ticket.id, "order_id": order_id, "old_id": old.id,
                "tab": "open", "merchant": merchant, "migration_id": migration.id, "action": "pause",
                "staff_id": make_staff("support")["id"], "what": "reset-totp", "role": "target"}


def staff_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff")]


def requests_for(app, ids):
    """(endpoint, method, url) for every method of every /staff rule."""
    adapter = app.url_map.bind("localhost")
    for rule in staff_rules(app):
        url = adapter.build(rule.endpoint, {name: ids[name] for name in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def call(client, method, url):
    return client.open(url, method=method, data=FORM if method == "POST" else None)


def test_every_staff_endpoint_has_a_declared_role_that_matches_this_table(app):
    views = app.view_functions
    endpoints = {rule.endpoint for rule in staff_rules(app)}
    assert endpoints == PUBLIC | set(ROLES)
    for endpoint in PUBLIC:
        assert getattr(views[endpoint], "staff_public", False), endpoint
    for endpoint, role in ROLES.items():
        assert getattr(views[endpoint], "staff_role", None) == role, endpoint


def test_nobody_without_a_staff_login_gets_anything_and_a_merchant_session_counts_for_nothing(app, ids):
    anonymous, merchant = app.test_client(), app.test_client()
    assert merchant.post("/login", data={"username": ids["merchant"]["email"],
                                         "password": ids["merchant"]["password"]}).status_code == 302
    for endpoint, method, url in requests_for(app, ids):
        if endpoint in PUBLIC:
            continue
        for client in (anonymous, merchant):
            response = call(client, method, url)
            assert response.status_code == 302, (endpoint, method, response.status_code)
            assert response.headers["Location"].startswith("/staff/login"), (endpoint, method)


def test_a_password_without_the_second_factor_opens_nothing(app, ids):
    client, staff = app.test_client(), make_staff("admin")
    client.post("/staff/login", data={"email": staff["email"], "password": staff["password"]})
    for endpoint, method, url in requests_for(app, ids):
        if endpoint not in PUBLIC:
            response = call(client, method, url)
            assert response.status_code == 302 and "/staff/login/code" in response.headers["Location"], endpoint


@pytest.mark.parametrize("role", ["support", "admin"])
def test_each_role_gets_exactly_its_routes(app, ids, role):
    client, _ = staff_client(app, role)
    logout = None
    for endpoint, method, url in requests_for(app, ids):
        if endpoint in PUBLIC:
            continue
        if endpoint == "staff.logout":
            logout = (method, url)  # last, or the sweep would log itself out
            continue
        response = call(client, method, url)
        allowed = role == "admin" or ROLES[endpoint] == "support"
        if allowed:
            # Pages render; actions redirect back (POST-redirect-GET), never to the login.
            assert response.status_code == (200 if method == "GET" else 302), (endpoint, method, response.status_code)
            assert "/staff/login" not in response.headers.get("Location", ""), (endpoint, method)
        else:
            assert response.status_code == 403, (endpoint, method, response.status_code)
    assert call(client, *logout).status_code == 302
    assert client.get("/staff/").status_code == 302
