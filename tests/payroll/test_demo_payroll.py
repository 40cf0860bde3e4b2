"""The payroll demo merchant `make run` seeds: Nmbrs and Visma.net sandboxes connected, a company mapped, and
journals a visitor finds at once (sent ones in Report, the newest checked in Open)."""
from __future__ import annotations

import re

import sqlalchemy as sa

from tests.support.language import says
from tests.support.payroll import payroll_run, wait_for_state
from tests.support.waiting import wait_for
from worker import db, demo, demo_payroll
from worker.i18n import money
from worker.models import Connection, PayrollMapping, Tenant, User

HX = {"HX-Request": "true"}


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


def test_a_visitor_finds_the_payroll_demo_s_journals_sent_in_report_and_the_newest_waiting_in_open(
        sandboxes, web, worker):
    demo_payroll.ensure_sandbox_users(sandboxes)  # as `make run` does before it seeds
    demo_payroll.seed()
    client = web.test_client()
    client.post("/login", data={"username": demo_payroll.PAYROLL_DEMO_EMAIL, "password": demo.DEMO_PASSWORD})

    def report() -> list[str]:
        page = client.get("/tab/report", headers=HX).get_data(as_text=True)
        return re.findall(r'<tr id="journal-\d+" class="journal posted".*?</tr>', page, re.S)

    sent = wait_for(lambda: (lambda rows: rows if len(rows) == 2 else None)(report()), timeout=40,
                    message="the demo's first two journals in Report")
    ledger = sandboxes.vismanet.users[demo_payroll.VISMANET_DEMO_USER[0]]["tenant"]
    batches = [t["batchNumber"] for t in sandboxes.vismanet.transactions(ledger, "1")]
    assert len(batches) == 2 and all(any(b in row for row in sent) for b in batches)  # one per month, booked
    march = wait_for(lambda: (lambda r: r if r is not None and r.total_debit is not None else None)(
        payroll_run(_tenant_id(), "103")), message="the newest run checked")
    assert march.state == "open" and march.error_code is None  # checked, waiting for the visitor's Process
    waiting = client.get("/tab/open", headers=HX).get_data(as_text=True)
    assert f'id="journal-{march.id}"' in waiting and says(waiting, "Checked, ready to send")
    assert any(money(march.total_debit, language) in waiting for language in ("en", "nl"))
    assert says(client.get("/tab/errors", headers=HX).get_data(as_text=True), "No journals with errors.")
    demo_payroll.seed()  # `make run` again: the journals stay as the visitor left them, nothing is sent again
    assert payroll_run(_tenant_id(), "103").state == "open" and len(report()) == 2
    assert len(sandboxes.vismanet.transactions(ledger, "1")) == 2


def _tenant_id() -> int:
    with db.session_scope() as session:
        return session.execute(sa.select(User.tenant_id).where(
            User.email == demo_payroll.PAYROLL_DEMO_EMAIL)).scalar_one()
