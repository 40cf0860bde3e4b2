"""A merchant signs up for Amazon, chooses the marketplace and gives consent through Login with Amazon."""
from __future__ import annotations

import re
import urllib.parse

import requests
import sqlalchemy as sa

from tests.support.amazon import DE, NL, seller
from tests.support.language import says
from tests.test_onboarding import sign_up
from worker import db, secrets
from worker.config import settings
from worker.connectors.amazon import AmazonSource
from worker.models import Connection


def amazon_sign_up(client) -> str:
    signed = sign_up(client, email="verkoper@example.com", country="NL", name="Mokken BV", shop_system="amazon")
    client.post(f"/login?next={signed['url']}", data={"username": signed["username"], "password": signed["password"]})
    return signed["url"].rsplit("/", 1)[1]


def source_row() -> Connection:
    with db.session_scope() as session:
        row = session.execute(sa.select(Connection).where(Connection.role == "source")).scalar_one()
        session.expunge(row)
        return row


def consent(location: str, spid: str, decision: str = "allow") -> str:
    """Confirm (or cancel) at the sandbox's Seller Central consent page; the path Amazon sends the browser back to."""
    assert requests.get(location, timeout=10).status_code == 200
    form = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    back = requests.post(location.split("?")[0], data={**form, "selling_partner_id": spid, "decision": decision},
                         allow_redirects=False, timeout=10)
    assert back.status_code == 302
    return back.headers["Location"].removeprefix(settings.public_url)


def test_the_seller_chooses_the_marketplace_and_consents_at_amazon(sandboxes, web):
    client = web.test_client()
    token = amazon_sign_up(client)
    page = client.get(f"/install/{token}")
    html = page.get_data(as_text=True)
    assert re.search(r'action="/connect/amazon".*?<select name="marketplace">\s*<option value="NL" selected>', html, re.S)
    assert settings.sandbox_url in page.headers["Content-Security-Policy"]  # the form may lead to Seller Central
    spid, _ = seller([NL, DE])
    start = client.post("/connect/amazon", data={"marketplace": "DE"})
    assert start.status_code == 302 and "version=beta" in start.headers["Location"]
    done = client.get(consent(start.headers["Location"], spid), follow_redirects=True)
    assert says(done.get_data(as_text=True), "%(system)s is connected.", system="Amazon"), re.findall(r"flash[^>]*>([^<]*)", done.get_data(as_text=True))
    source = source_row()
    assert source.system == "amazon" and source.is_connected and source.settings["marketplace"] == "DE"
    with db.session_scope() as session:
        assert secrets.read(session.get(Connection, source.id))["refresh_token"].startswith("Atzr|")
    assert AmazonSource.reauthorise_by(source) is not None


def test_a_cancelled_consent_connects_nothing_and_says_so(sandboxes, web):
    client = web.test_client()
    amazon_sign_up(client)
    spid, _ = seller()
    start = client.post("/connect/amazon", data={"marketplace": "XX"})  # not a choice: not kept
    done = client.get(consent(start.headers["Location"], spid, decision="deny"), follow_redirects=True)
    assert says(done.get_data(as_text=True), "%(system)s did not grant access, so nothing was connected. "
                                             "Press Connect to try again.", system="Amazon")
    source = source_row()
    assert not source.is_connected and source.settings.get("marketplace") == "NL"


def test_the_status_dot_asks_for_the_yearly_reauthorisation_a_month_ahead(sandboxes, client):
    import datetime as dt

    from tests.support.amazon import amazon_merchant
    from worker.models.base import utcnow
    merchant = amazon_merchant()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    reminder = re.compile(r'<p class="pause" role="status">[^<]*Amazon[^<]*</p>')  # either language
    assert not reminder.search(client.get("/status").get_data(as_text=True))
    with db.session_scope() as session:
        source = session.get(Connection, merchant["source"].id)
        source.settings = {**source.settings, "authorised_at": (utcnow() - dt.timedelta(days=340)).isoformat()}
    status = client.get("/status").get_data(as_text=True)
    assert reminder.search(status) and 'action="/connect/amazon"' in status
