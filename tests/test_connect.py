"""Connecting Exact Online from the dashboard: redirect, consent at Exact, callback bound to the session."""
from __future__ import annotations

import re
import urllib.parse

import requests
import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.waiting import wait_for
from tests.support.webhooks import an_order, delivery
from worker import db, secrets
from worker.models import Connection, Order


def consent(authorize_url: str, username: str, password: str) -> str:
    """Log in at the Exact sandbox's consent page; returns where Exact sends the browser back."""
    http = requests.Session()
    page = http.get(authorize_url, timeout=10)
    form = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    answer = http.post(page.url, data={**form, "username": username, "password": password},
                       allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    return answer.headers["Location"]


def start(client, merchant) -> str:
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    response = client.post("/connect/exact")
    assert response.status_code == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(response.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["state"]
    return response.headers["Location"]


def test_connect_stores_tokens_learns_the_division_and_turns_the_dot_green(sandboxes, client):
    merchant = make_merchant(sandboxes, connect_exact=False)
    division = sandboxes.exact.add_user(username="new@example.test", password="pw", division=None)
    back = consent(start(client, merchant), "new@example.test", "pw")
    page = client.get(back[back.index("/connect/"):], follow_redirects=True).get_data(as_text=True)
    assert "Exact Online is connected." in page or "Exact Online is gekoppeld." in page
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        assert target.status == "connected" and target.settings["division"] == str(division)
        assert secrets.read(target)["refresh_token"]


def test_a_callback_from_another_login_session_is_refused_with_an_explanation(sandboxes, client, app):
    merchant = make_merchant(sandboxes, connect_exact=False)
    sandboxes.exact.add_user(username="x@example.test", password="pw", division=None)
    back = consent(start(client, merchant), "x@example.test", "pw")
    other = app.test_client()  # the same merchant, logged in in another browser
    other.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    page = other.get(back[back.index("/connect/"):], follow_redirects=True).get_data(as_text=True)
    assert "did not start from this session" in page or "niet vanuit deze sessie gestart" in page
    with db.session_scope() as session:
        assert session.get(Connection, merchant["target"].id).status != "connected"


def test_connecting_again_sends_orders_that_waited_for_a_new_login_through(sandboxes, client, worker):
    merchant = make_merchant(sandboxes)
    with db.session_scope() as session:  # Exact stopped accepting our refresh token
        secrets.update(session.get(Connection, merchant["target"].id), refresh_token="revoked", expires_at=0)
    sandboxes.exact.clock.advance(601)
    body, headers = delivery(merchant["shop"]["webhook_secret"], an_order(3, status="paid"))
    client.post(f"/webhooks/kmoshops/{merchant['source'].webhook_token}", data=body, headers=headers)

    def state():
        with db.session_scope() as session:
            return session.execute(sa.select(Order.state, Order.error_code)).one()

    assert wait_for(lambda: state().state == "failed" and state()) == ("failed", "REAUTH_REQUIRED")
    back = consent(start(client, merchant), merchant["exact_user"], "pw")
    client.get(back[back.index("/connect/"):])
    assert wait_for(lambda: state().state == "posted")
