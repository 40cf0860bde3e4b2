"""A merchant who chose Visma eAccounting, end to end: sign-up, OAuth, configuration, an order in the books."""
from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from tests.connectors.test_visma_client import consent
from tests.support.waiting import wait_for
from tests.test_pluggable import sign_up_for, target_of
from worker import db
from worker.connectors.visma_eaccounting.sandbox import FaultRule
from worker.models import Order, Posting, RemoteCall, Tenant

HX = {"HX-Request": "true"}


def installed_visma_merchant(client, sandboxes, email: str) -> dict:
    """Signed up for Visma, shop and Visma company connected, configured through the Configuration tab."""
    signed = sign_up_for(client, "visma_eaccounting", email)
    token, shop = signed["url"].rsplit("/", 1)[1], email.split("@")[0]
    sandboxes.kmo.add_shop(shop, f"{shop}-key", f"{shop}-secret", country="NL")
    client.post(f"/install/{token}/source/connect", data={"shop_id": shop, "api_key": f"{shop}-key",
                                                "webhook_secret": f"{shop}-secret"})
    company = sandboxes.visma.add_user(f"{shop}@visma.test", "pw")
    start = client.post("/connect/visma").headers["Location"]
    state = re.search(r"[?&]state=([^&]+)", start).group(1)
    client.get(f"/connect/visma/callback?code={consent(start, f'{shop}@visma.test', 'pw')}&state={state}")
    configure(client, target_of(email).settings["reference"])
    return {"shop": shop, "company": company, "target": target_of(email)}


def configure(client, reference: dict) -> None:
    page = client.get("/config/").get_data(as_text=True)
    assert "Visma eAccounting" in page and "Exact" not in page and "division" not in page.lower()
    for account in ("1200", "1300", "1600"):
        assert f'<option value="{account}"' in page  # the debtors' accounts, read from the company
    terms = next(t["Id"] for t in reference["terms_of_payment"] if t["NumberOfDays"] == 14)
    unit = next(u["Id"] for u in reference["units"] if u["Code"] == "PCE")
    general = {"document_type": "invoice", "debtor_account": "1300", "terms_of_payment": terms, "default_unit": unit}
    saved = client.post("/config/general", data=general, headers=HX).get_data(as_text=True)
    assert 'class="note"' in saved and "field-error" not in saved, saved
    codes = {c["Code"]: c["Id"] for c in reference["vat_codes"]}
    rows = (("NL:21.00", "NL21", "8000"), ("NL:9.00", "NL9", "8010"), ("BE:21.00", "BE21", "8050"),
            ("BE:12.00", "BE12", "8050"), ("BE:6.00", "BE6", "8050"))  # at home and, under OSS, to Belgium
    vat = {"key": [key for key, _, _ in rows]}
    for key, code, account in rows:
        vat.update({f"country-{key}": key[:2], f"rate-{key}": key.split(":")[1], f"code-{key}": codes[code],
                    f"gl-{key}": account})
    saved = client.post("/config/vat", data=vat, headers=HX).get_data(as_text=True)
    assert 'class="note"' in saved and "field-error" not in saved, saved
    with db.session_scope() as session:
        assert session.execute(sa.select(Tenant).order_by(Tenant.id.desc())).scalars().first().configured_at


def posted(number: str):
    with db.session_scope() as session:
        order = session.execute(sa.select(Order).where(Order.number == number)).scalar()
        if order is None or order.state not in ("posted", "failed"):
            return None
        posting = session.get(Posting, order.posting.id) if order.posting else None
        return order.state, order.error_code, order.error_message, posting and posting.remote_id, order.id


def test_a_visma_merchant_gets_an_invoice_draft_with_the_orders_total(sandboxes, web, worker):
    client = web.test_client()
    merchant = installed_visma_merchant(client, sandboxes, "visser@example.nl")
    shop_order = sandboxes.kmo.create_order(merchant["shop"], kind="b2c", status="paid")
    state, code, message, remote_id, _ = wait_for(lambda: posted(shop_order["number"]))
    assert state == "posted", (code, message)
    [draft] = sandboxes.visma.records(merchant["company"], "customerinvoicedrafts")
    assert draft["Id"] == remote_id and draft["YourReference"].endswith(shop_order["number"])
    assert Decimal(str(draft["TotalAmount"])) == Decimal(shop_order["totals"]["total_incl_vat"])
    assert shop_order["number"] in client.get("/tab/report", headers=HX).get_data(as_text=True)


def test_a_visma_draft_in_doubt_is_looked_up_by_reference_not_sent_twice(sandboxes, web, worker):
    client = web.test_client()
    merchant = installed_visma_merchant(client, sandboxes, "dubbel@example.nl")
    sandboxes.visma.add_fault(FaultRule("POST", "customerinvoicedrafts", mode="commit_then_hang", hang_seconds=8,
                                        count=1))  # longer than the worker's client timeout
    shop_order = sandboxes.kmo.create_order(merchant["shop"], kind="b2c", status="paid")
    state, code, message, remote_id, order_id = wait_for(lambda: posted(shop_order["number"]), timeout=60)
    assert state == "posted", (code, message)
    assert sandboxes.visma.post_count(merchant["company"], "customerinvoicedrafts") == 1
    [draft] = sandboxes.visma.records(merchant["company"], "customerinvoicedrafts")
    assert draft["Id"] == remote_id
    with db.session_scope() as session:
        calls = session.execute(sa.select(RemoteCall.method, RemoteCall.url).where(RemoteCall.order_id == order_id)
                                .order_by(RemoteCall.id)).all()
    drafts = [method for method, url in calls if "/customerinvoicedrafts" in url]
    assert drafts[:1] == ["POST"] and drafts.count("POST") == 1 and "GET" in drafts
