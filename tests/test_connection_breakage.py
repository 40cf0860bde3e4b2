"""A connection that breaks after installation says what broke and offers the fix, and the merchant is
e-mailed once per breakage, not on every failed call (and not through the next morning's digest)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support.language import says
from tests.support.merchants import make_merchant
from tests.test_visma_flow import installed_visma_merchant
from worker import breakage, db, demo, secrets, tasks
from worker.config import settings
from worker.connectors.errors import ReauthRequired, RemoteRejected
from worker.connectors.visma_eaccounting import tokens as visma_tokens
from worker.models import Connection, OutboxEmail, Tenant

NOT_FINISHED = "The installation is not finished yet. Still to do:"


def mails(kind: str) -> list[OutboxEmail]:
    with db.session_scope() as session:
        rows = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == kind)
                               .order_by(OutboxEmail.id)).scalars().all()
        session.expunge_all()
        return rows


def revoke_shop_key(sandboxes, merchant) -> None:
    """The merchant regenerates the API key in their shop's back office."""
    sandboxes.kmo._shops[merchant["shop"]["shop_id"]]["api_key"] = "regenerated-in-the-shop"


def dashboard(client, merchant) -> str:
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    return client.get("/").get_data(as_text=True)


def test_a_revoked_shop_key_turns_the_shop_red_with_the_reason_and_mails_the_merchant_once(sandboxes, client):
    merchant = make_merchant(sandboxes)
    source_id = merchant["source"].id
    revoke_shop_key(sandboxes, merchant)
    tasks.poll_shop_changes(0)
    tasks.poll_shop_changes(0)
    assert not breakage.source_refused(source_id, RemoteRejected(401, "Missing or invalid API key"))
    [mail] = mails("connection_broken")
    assert mail.recipients == [merchant["email"]]
    assert says(mail.body, breakage.REFUSED_DETAILS) and "/install/" in mail.body
    with db.session_scope() as session:
        source = session.get(Connection, source_id)
        assert source.status == "error" and source.status_reason == breakage.REFUSED_DETAILS
        install_url = f"/install/{session.get(Tenant, merchant['tenant_id']).install_token}"
    page = dashboard(client, merchant)
    assert says(page, breakage.REFUSED_DETAILS) and not says(page, NOT_FINISHED)
    assert says(page, "Change connection details") and install_url in page


def test_connecting_again_ends_the_incident_and_a_new_breakage_mails_again(sandboxes, client):
    merchant = make_merchant(sandboxes)
    source_id = merchant["source"].id
    revoke_shop_key(sandboxes, merchant)
    tasks.poll_shop_changes(0)
    sandboxes.kmo._shops[merchant["shop"]["shop_id"]]["api_key"] = merchant["shop"]["api_key"]
    demo.connect_sandbox_shop(merchant["tenant_id"])
    assert "not working" not in dashboard(client, merchant).replace("niet werkend", "not working")
    revoke_shop_key(sandboxes, merchant)
    tasks.poll_shop_changes(0)
    assert len(mails("connection_broken")) == 2
    with db.session_scope() as session:
        assert session.get(Connection, source_id).status == "error"


def test_a_passing_outage_is_no_breakage(sandboxes):
    merchant = make_merchant(sandboxes)
    assert not breakage.source_refused(merchant["source"].id, RemoteRejected(422, "invalid updated_since"))
    assert mails("connection_broken") == []


def test_visma_withdrawing_our_authorisation_mails_once_and_offers_connect(sandboxes, client):
    installed = installed_visma_merchant(client, sandboxes, "fietsen@example.com")
    target_id = installed["target"].id
    with db.session_scope() as session:
        secrets.update(session.get(Connection, target_id), refresh_token="withdrawn", expires_at=0)
    for _ in range(2):
        with pytest.raises(ReauthRequired):
            visma_tokens.access_token(target_id, settings.visma_identity_url)
    [mail] = mails("reauth")
    assert "Visma eAccounting" in mail.subject and says(mail.body, "Connect")
    page = client.get("/").get_data(as_text=True)
    assert says(page, visma_tokens.REAUTH_MESSAGE) and not says(page, NOT_FINISHED)


def test_process_with_a_revoked_shop_key_also_marks_the_shop_once(sandboxes, client):
    from tests.test_i18n import add_order
    merchant = make_merchant(sandboxes)
    order_id = add_order(merchant, "42")
    revoke_shop_key(sandboxes, merchant)
    dashboard(client, merchant)
    for _ in range(2):
        client.post(f"/orders/{order_id}/process?tab=open", headers={"HX-Request": "true"})
    assert len(mails("connection_broken")) == 1
    with db.session_scope() as session:
        assert session.get(Connection, merchant["source"].id).status_reason == breakage.REFUSED_DETAILS
