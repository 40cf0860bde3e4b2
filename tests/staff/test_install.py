"""Installing on a merchant's behalf: nothing before their consent is on record; then invoiced, and the shop connects."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.staff import staff_client
from worker import db, secrets
from worker.models import AuditEntry, Connection, Invoice, OutboxEmail


def source(merchant) -> Connection:
    with db.session_scope() as session:
        return session.get(Connection, merchant["source"].id)


def test_the_shop_is_connected_on_behalf_only_after_the_consent_is_recorded_and_invoiced(web, sandboxes):
    merchant = make_merchant()
    sandboxes.kmo.add_shop("bakker", "bakker-key", "bakker-secret")
    client, staff = staff_client(web, "admin")
    url = f"/staff/merchants/{merchant['tenant_id']}/install"
    shop = {"shop_id": "bakker", "api_key": "bakker-key", "webhook_secret": "bakker-secret"}
    client.post(f"/staff/merchants/{merchant['tenant_id']}/connect/source/key", data=shop)
    assert source(merchant).settings["shop_id"] != "bakker"  # no consent, no installation
    client.post(f"{url}/consent", data={"reference": ""})
    client.post(f"{url}/consent", data={"reference": "Ticket 12, e-mail of 2 December"})
    client.post(f"/staff/merchants/{merchant['tenant_id']}/connect/source/key", data=shop)
    connected = source(merchant)
    assert connected.status == "connected" and connected.settings["shop_id"] == "bakker"
    assert secrets.read(connected)["api_key"] == "bakker-key"
    assert any(sub["url"].endswith(connected.webhook_token) for sub in sandboxes.kmo.subscriptions("bakker"))
    with db.session_scope() as session:
        actions = session.execute(sa.select(AuditEntry.action, AuditEntry.detail).where(
            AuditEntry.tenant_id == merchant["tenant_id"], AuditEntry.staff_id == staff["id"])
            .order_by(AuditEntry.id)).all()
        assert [a for a, _ in actions] == ["install_consent", "connect_on_behalf"]
        assert actions[0][1] == {"reference": "Ticket 12, e-mail of 2 December"}
        invoice = session.execute(sa.select(Invoice).where(Invoice.tenant_id == merchant["tenant_id"])).scalar_one()
        assert (invoice.kind, str(invoice.amount_excl), str(invoice.total)) == ("installation", "39.50", "47.80")
        assert session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == "installation-invoice")).scalar_one()
    assert "Ticket 12" in client.get(url).get_data(as_text=True)
