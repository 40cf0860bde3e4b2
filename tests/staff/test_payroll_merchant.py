"""Webcare looks after a payroll-only merchant too: its page opens, and shop-only tools say why they do not apply."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.staff import staff_client
from tests.test_pluggable import sign_up_for
from worker import db
from worker.models import Tenant


def test_a_payroll_merchant_page_works_without_a_shop_or_accounting_system(sandboxes, web):
    sign_up_for(web.test_client(), "visma_net", "loon@visser.nl", shop="nmbrs")
    with db.session_scope() as session:
        tenant_id = session.execute(sa.select(Tenant.id).where(Tenant.email == "loon@visser.nl")).scalar_one()
    client, _ = staff_client(web, "admin")
    page = client.get(f"/staff/merchants/{tenant_id}")
    assert page.status_code == 200
    assert "<strong>Payroll</strong> nmbrs" in page.get_data(as_text=True)
    assert "<strong>Ledger</strong> visma_net" in page.get_data(as_text=True)
    assert 'id="missing-link"' not in page.get_data(as_text=True)
    search = client.get(f"/staff/merchants/{tenant_id}/missing?number=1001").get_data(as_text=True)
    assert "Nothing to search: this merchant has no webshop connection to ask." in search
    saved = client.post(f"/staff/merchants/{tenant_id}/contract", data={"currencies": "USD"}, follow_redirects=True)
    assert "Not saved: this merchant has no accounting system, so no contract options." in saved.get_data(as_text=True)
