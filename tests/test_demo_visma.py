"""The second demo merchant `make run` seeds: KMO Shops into a Visma eAccounting sandbox company, ready to go."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from tests.support.waiting import wait_for
from worker import db, demo, demo_visma
from worker.models import Connection, Order, Tenant, User

HX = {"HX-Request": "true"}


def test_the_visma_demo_merchant_logs_in_and_its_demo_order_becomes_an_invoice_draft(sandboxes, web, worker):
    sandboxes.ensure_demo_visma_user(*demo_visma.VISMA_DEMO_USER)
    assert demo_visma.seed() is True
    assert demo_visma.seed() is False  # `make run` again keeps the merchant
    with db.session_scope() as session:
        user = session.execute(sa.select(User).where(User.email == demo_visma.VISMA_DEMO_EMAIL)).scalar_one()
        target = session.execute(sa.select(Connection).where(Connection.tenant_id == user.tenant_id,
                                                             Connection.role == "target")).scalar_one()
        assert target.system == "visma_eaccounting" and target.status == "connected"
        assert session.get(Tenant, user.tenant_id).configured_at is not None
    client = web.test_client()
    client.post("/login", data={"username": demo_visma.VISMA_DEMO_EMAIL, "password": demo.DEMO_PASSWORD})
    page = client.get("/").get_data(as_text=True)
    assert "Visma eAccounting" in page and 'class="missing"' not in page  # nothing left to install
    placed = client.post("/demo/order")
    number = placed.headers["Location"].split("waiting=")[1].split("&")[0]
    wait_for(lambda: number in client.get("/tab/report", headers=HX).get_data(as_text=True), timeout=40)
    company = sandboxes.visma.users[demo_visma.VISMA_DEMO_USER[0]]["company"]
    [draft] = sandboxes.visma.records(company, "customerinvoicedrafts")
    with db.session_scope() as session:
        order = session.execute(sa.select(Order).where(Order.number == number)).scalar_one()
        assert Decimal(str(draft["TotalAmount"])) == Decimal(order.payload["totals"]["total_incl_vat"])
