"""Missing order: the shop is asked through its connector and each order gets its reason; Fetch now stores it."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.staff import staff_client
from tests.support.waiting import wait_for
from worker import db
from worker.models import AuditEntry, Order

HX = {"HX-Request": "true"}


def deaf(sandboxes, merchant) -> None:
    """The shop stops sending webhooks to Koppel (a subscription switched off)."""
    shop_id = merchant["shop"]["shop_id"]
    for sub in sandboxes.kmo.subscriptions(shop_id):
        sandboxes.kmo.unsubscribe(shop_id, sub["id"])


def state_of(number: str) -> str | None:
    with db.session_scope() as session:
        return session.execute(sa.select(Order.state).where(Order.number == number)).scalar()


def test_each_order_gets_its_reason_and_a_missed_one_is_fetched(web, sandboxes):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    arrived = sandboxes.kmo.create_order(shop_id, status="pending_payment")
    wait_for(lambda: state_of(arrived["number"]) == "open")
    deaf(sandboxes, merchant)
    missed = sandboxes.kmo.create_order(shop_id, status="paid")
    cancelled = sandboxes.kmo.create_order(shop_id, status="cancelled")
    client, staff = staff_client(web)
    page = client.get(f"/staff/merchants/{merchant['tenant_id']}/missing",
                      query_string={"since": "2000-01-01", "until": "2100-01-01"}, headers=HX).get_data(as_text=True)
    rows = {number: page.split(number, 1)[1].split("</tr>", 1)[0]
            for number in (arrived["number"], missed["number"], cancelled["number"])}
    assert "In Open: shop status pending_payment" in rows[arrived["number"]]
    assert "no webhook reached Koppel" in rows[missed["number"]] and "Fetch now" in rows[missed["number"]]
    assert "cancelled orders are never transferred" in rows[cancelled["number"]]
    unknown = client.get(f"/staff/merchants/{merchant['tenant_id']}/missing",
                         query_string={"number": "KMO-1999-00001"}, headers=HX).get_data(as_text=True)
    assert "Not in the shop" in unknown
    assert state_of(missed["number"]) is None
    response = client.post(f"/staff/merchants/{merchant['tenant_id']}/missing/fetch",
                           data={"shop_order_id": str(missed["id"])})
    assert response.status_code == 302
    assert state_of(missed["number"]) in ("queued", "failed", "posted")  # in the pipeline like any webhook's order
    with db.session_scope() as session:
        actions = session.execute(sa.select(AuditEntry.action).where(
            AuditEntry.tenant_id == merchant["tenant_id"], AuditEntry.staff_id == staff["id"])
            .order_by(AuditEntry.id)).scalars().all()
    assert actions == ["missing_order_search", "missing_order_search", "fetch_order"]
