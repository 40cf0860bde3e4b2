"""Connecting a merchant's systems for them: a connect link by e-mail (OAuth), and the key form for "key" connectors.

The key form is generic over connectors; it is tested with a small "key" connector of this test's own
(registered for the test only), whose check of the credentials is a fixed key, so the test says nothing
about any real system. A real "key" connector's own test_credentials/connect are tested with it.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.support.language import says
from tests.support.merchants import make_merchant
from tests.support.staff import staff_client
from worker import connectors, db, secrets
from worker.connectors.base import Setting, Source
from worker.connectors.errors import RemoteRejected
from worker.i18n import N_
from worker.models import AuditEntry, Connection, OutboxEmail, Tenant
from worker.models.base import utcnow


class KeyShop(Source):
    """A shop connected with a shop id and an API key (this test's own)."""

    key = "test_key_shop"
    name = "Key Shop"
    connect_kind = "key"
    settings_schema = (Setting("shop_id", N_("Shop id"), asked=True),
                       Setting("api_key", N_("API key"), secret=True, asked=True),
                       Setting("transfer_statuses", "Statuses", default="paid"))
    status_labels = {"paid": "Paid"}
    tested: list[dict] = []

    @classmethod
    def test_credentials(cls, values: dict[str, str]) -> None:
        cls.tested.append(dict(values))
        if values["api_key"] != "the-right-key":
            raise RemoteRejected(401, "invalid API key")

    @classmethod
    def connect(cls, connection, values: dict[str, str]) -> None:
        connection.settings = {**connection.settings, "shop_id": values["shop_id"]}
        secrets.update(connection, api_key=values["api_key"])
        connection.status, connection.status_checked_at = "connected", utcnow()


@pytest.fixture
def key_shop(monkeypatch):
    monkeypatch.setitem(connectors.REGISTRY, KeyShop.key, KeyShop)
    monkeypatch.setitem(connectors.SOURCES, KeyShop.key, KeyShop)
    KeyShop.tested = []
    return KeyShop


def source_of(merchant: dict) -> Connection:
    with db.session_scope() as session:
        source = session.get(Connection, merchant["source"].id)
        session.expunge(source)
        return source


def actions_of(merchant: dict) -> list[AuditEntry]:
    with db.session_scope() as session:
        rows = session.execute(sa.select(AuditEntry).where(AuditEntry.tenant_id == merchant["tenant_id"])
                               .order_by(AuditEntry.id)).scalars().all()
        session.expunge_all()
        return rows


def test_an_admin_e_mails_the_merchant_a_link_to_their_connect_step(app, sandboxes):
    merchant = make_merchant(sandboxes, connect_exact=False)
    admin, _ = staff_client(app, "admin")
    page = admin.get(f"/staff/merchants/{merchant['tenant_id']}/install").get_data(as_text=True)
    assert "E-mail the merchant a link to connect Exact Online" in page
    support, _ = staff_client(app, "support")
    assert support.post(f"/staff/merchants/{merchant['tenant_id']}/connect/target/link").status_code == 403

    answer = admin.post(f"/staff/merchants/{merchant['tenant_id']}/connect/target/link")
    assert answer.status_code == 302
    with db.session_scope() as session:
        [mail] = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == "connect-link")).scalars().all()
        tenant = session.get(Tenant, merchant["tenant_id"])
        language, token = tenant.language, tenant.install_token
    assert mail.recipients == [merchant["email"]] and language == "nl"  # a Belgian merchant: Dutch where translated
    assert says(mail.subject, "Connect %(system)s to Koppel", system="Exact Online")
    link = re.search(r"(http\S+/install/\S+)", mail.body).group(1)
    assert link.endswith(f"/install/{token}")
    assert [(e.action, e.detail["system"]) for e in actions_of(merchant)][-1] == ("send_connect_link", "Exact Online")

    merchant_client = app.test_client()  # the merchant follows the link: log in, then the Connect button
    path = link.split("127.0.0.1", 1)[1].split("/", 1)[1]
    assert merchant_client.get(f"/{path}").status_code == 302
    merchant_client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    step = merchant_client.get(f"/{path}").get_data(as_text=True)
    assert 'action="/connect/exact"' in step
    profile = merchant_client.get("/profile/").get_data(as_text=True)
    assert says(profile, "Webcare e-mailed you a link to connect one of your systems.")


def consented(app, merchant: dict):
    admin, _ = staff_client(app, "admin")
    admin.post(f"/staff/merchants/{merchant['tenant_id']}/install/consent", data={"reference": "ticket 12"})
    return admin


def test_the_key_form_tests_the_details_then_connects_and_keeps_the_key_secret(app, database, key_shop):
    merchant = make_merchant()
    with db.session_scope() as session:
        session.get(Connection, merchant["source"].id).system = key_shop.key
    url = f"/staff/merchants/{merchant['tenant_id']}/connect/source/key"
    admin, _ = staff_client(app, "admin")
    admin.post(url, data={"shop_id": "shop-77", "api_key": "the-right-key"})
    assert key_shop.tested == [] and source_of(merchant).status != "connected"  # no consent on record yet

    admin = consented(app, merchant)
    page = admin.get(f"/staff/merchants/{merchant['tenant_id']}/install").get_data(as_text=True)
    form = re.search(r'<form[^>]*id="key-source".*?</form>', page, re.S).group(0)
    assert 'name="shop_id"' in form and 'type="password" name="api_key"' in form and "Test and connect Key Shop" in form

    refused = admin.post(url, data={"shop_id": "shop-77", "api_key": "a-wrong-key"}, follow_redirects=True)
    assert "Not connected: Key Shop refused these details: 401: invalid API key." in refused.get_data(as_text=True)
    assert source_of(merchant).status != "connected" and source_of(merchant).settings["shop_id"] != "shop-77"
    assert admin.post(url, data={"shop_id": "", "api_key": "x"}, follow_redirects=True).status_code == 200
    assert len(key_shop.tested) == 1  # a missing field is not even tried

    done = admin.post(url, data={"shop_id": " shop-77 ", "api_key": "the-right-key"}, follow_redirects=True)
    assert "Key Shop is connected." in done.get_data(as_text=True)
    source = source_of(merchant)
    assert source.status == "connected" and source.settings["shop_id"] == "shop-77"
    assert secrets.read(source)["api_key"] == "the-right-key" and "the-right-key" not in str(source.secrets)
    entry = actions_of(merchant)[-1]
    assert entry.action == "connect_on_behalf" and entry.detail == {
        "role": "source", "system": "Key Shop", "details": {"shop_id": "shop-77"}}  # never the key


def test_an_oauth_connector_has_no_key_form(app, sandboxes):
    merchant = make_merchant(sandboxes, connect_exact=False)
    admin = consented(app, merchant)
    page = admin.get(f"/staff/merchants/{merchant['tenant_id']}/install").get_data(as_text=True)
    assert 'id="key-target"' not in page
    answer = admin.post(f"/staff/merchants/{merchant['tenant_id']}/connect/target/key", data={"x": "y"},
                        follow_redirects=True).get_data(as_text=True)
    assert "connects with the merchant&#39;s own login" in answer
    assert not [e for e in actions_of(merchant) if e.action == "connect_on_behalf"]
