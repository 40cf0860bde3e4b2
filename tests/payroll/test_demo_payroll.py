"""The payroll demo merchant `make run` seeds: Nmbrs and Visma.net sandboxes connected, a company mapped."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.payroll import wait_for_state
from tests.support.language import says
from worker import db, demo, demo_payroll
from worker.models import Connection, PayrollMapping, Tenant, User


def test_the_payroll_demo_merchant_logs_in_and_sends_a_period_from_the_administrations_tab(sandboxes, web, worker):
    demo_payroll.ensure_sandbox_users(sandboxes)
    assert demo_payroll.seed() is True
    assert demo_payroll.seed() is False  # `make run` again keeps the merchant
    with db.session_scope() as session:
        user = session.execute(sa.select(User).where(User.email == demo_payroll.PAYROLL_DEMO_EMAIL)).scalar_one()
        tenant_id = user.tenant_id
        states = {c.role: c.status for c in session.execute(sa.select(Connection).where(
            Connection.tenant_id == tenant_id)).scalars()}
        mapping = session.execute(sa.select(PayrollMapping).where(PayrollMapping.tenant_id == tenant_id)).scalar_one()
        assert states == {"payroll": "connected", "ledger": "connected"}
        assert session.get(Tenant, tenant_id).configured_at is not None
        mapping_id = mapping.id
    client = web.test_client()
    client.post("/login", data={"username": demo_payroll.PAYROLL_DEMO_EMAIL, "password": demo.DEMO_PASSWORD})
    home = client.get("/")
    assert home.status_code == 200 and 'class="missing"' not in home.get_data(as_text=True)  # nothing to install
    page = client.get("/administrations/").get_data(as_text=True)
    assert "Bakkerij Visser BV" in page and "Kostenplaats" in page
    client.post("/administrations/send", data={"mapping": mapping_id, "year": sandboxes.nmbrs.year, "period": "3",
                                               "run": ""})
    assert wait_for_state(tenant_id, "103").state == "posted"
    assert says(client.get("/administrations/").get_data(as_text=True), "sent")
