"""The Administrations tab: connect both systems, map a company with a dimension, send a run, see it sent."""
from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from tests.support.language import says
from tests.support.merchants import make_merchant
from tests.support.payroll import consent, make_payroll_merchant, payroll_run, wait_for_state
from worker import db
from worker.connectors.visma_net import oauth
from worker.i18n import money
from worker.models import Connection, PayrollMapping
from worker.payroll import runs


def logged_in(web, sandboxes) -> tuple:
    merchant = make_merchant(sandboxes, connect_exact=False)
    client = web.test_client()
    assert client.post("/login", data={"username": merchant["email"], "password": merchant["password"]}).status_code == 302
    return merchant, client


def connect_ledger(client, sandboxes, username: str) -> dict:
    """Press Connect for the ledger, log in on its consent page, come back; the callback's answer."""
    start = client.post("/administrations/ledger", data={"system": "visma_net"})
    assert start.status_code == 302, start.get_data(as_text=True)
    back = consent(start.headers["Location"], username, "pw")
    query = "&".join(f"{k}={v}" for k, v in back.items())
    return client.get(f"/connect/vismanet/callback?{query}", follow_redirects=True)


def connection(tenant_id: int, role: str) -> Connection | None:
    with db.session_scope() as session:
        found = session.execute(sa.select(Connection).where(Connection.tenant_id == tenant_id,
                                                            Connection.role == role)).scalar()
        if found is not None:
            session.expunge(found)
        return found


def test_a_merchant_connects_maps_and_sends_a_run_from_the_administrations_tab(sandboxes, web, worker):
    merchant, client = logged_in(web, sandboxes)
    page = client.get("/administrations/").get_data(as_text=True)
    assert says(page, oauth.BEFORE_REDIRECT) and 'name="token" type="password"' in page

    sandboxes.nmbrs.add_user("salaris@visser.nl", "nmbrs-token")
    refused = client.post("/administrations/payroll", data={"system": "nmbrs", "username": "salaris@visser.nl",
                                                            "token": "wrong"}, follow_redirects=True)
    assert "1001" in refused.get_data(as_text=True) and connection(merchant["tenant_id"], "payroll") is None
    client.post("/administrations/payroll", data={"system": "nmbrs", "username": "salaris@visser.nl",
                                                  "token": "nmbrs-token", "domain": ""})
    assert connection(merchant["tenant_id"], "payroll").is_connected

    sandboxes.vismanet.add_user("boekhouder@visser.nl", "pw")
    connect_ledger(client, sandboxes, "boekhouder@visser.nl")
    ledger = connection(merchant["tenant_id"], "ledger")
    assert ledger.is_connected and ledger.settings["companies"] == [{"id": "1", "name": "Visser Holding"}]
    status = client.get("/status", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Nmbrs" in status and "Visma.net" in status

    client.post("/administrations/mappings", data={"payroll_company": "1", "ledger_company": "1",
                                                   "cost_center_on": "1", "cost_center_description": "Kostenplaats"})
    with db.session_scope() as session:
        mapping = session.execute(sa.select(PayrollMapping)).scalar_one()
        assert (mapping.ledger_company_name, mapping.cost_center_dimension, mapping.cost_unit_dimension) == (
            "Visser Holding", "Kostenplaats", None)
        mapping_id = mapping.id
    page = client.get("/administrations/").get_data(as_text=True)
    assert "Bakkerij Visser BV" in page and re.search(r'<option value="103">', page)

    client.post("/administrations/send", data={"mapping": mapping_id, "year": sandboxes.nmbrs.year, "period": "3",
                                               "run": ""})
    posted = wait_for_state(merchant["tenant_id"], "103")
    assert posted.state == "posted", posted.error_params
    booked = sandboxes.vismanet.transactions(_customer(sandboxes, "boekhouder@visser.nl"))
    assert len(booked) == 3 and {"segmentId": 1, "segmentValue": "200"} in [
        s for t in booked for line in t["journalTransactionLines"] for s in line.get("subaccount", [])]
    page = client.get("/administrations/").get_data(as_text=True)
    assert says(page, "sent") and all(t["batchNumber"] in page for t in booked)
    assert any(money(Decimal("10800.00"), language) in page for language in ("en", "nl"))  # as money, not 10800.00


def _customer(sandboxes, username: str) -> str:
    return sandboxes.vismanet.users[username]["tenant"]


def test_still_being_logged_in_to_the_ledger_is_explained(sandboxes, web):
    merchant, client = logged_in(web, sandboxes)
    sandboxes.vismanet.add_user("busy@visser.nl", "pw")
    sandboxes.vismanet.users["busy@visser.nl"]["session_open"] = True
    page = connect_ledger(client, sandboxes, "busy@visser.nl").get_data(as_text=True)
    assert says(page, oauth.LOGGED_IN_ADVICE)
    assert not connection(merchant["tenant_id"], "ledger").is_connected


def test_a_failed_journal_shows_its_advice_on_the_tab(sandboxes, web, worker):
    merchant = make_payroll_merchant(sandboxes)
    with sandboxes.vismanet.lock:
        del sandboxes.vismanet.company(merchant["customer"], "1")["accounts"]["2410"]
    with db.session_scope() as session:
        runs.send(session, merchant["tenant_id"], merchant["mapping_id"], sandboxes.nmbrs.year, run_id="101")
    wait_for_state(merchant["tenant_id"], "101")
    client = web.test_client()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    page = client.get("/administrations/").get_data(as_text=True)
    assert payroll_run(merchant["tenant_id"], "101").error_code == "LEDGER_ACCOUNTS_MISSING"
    assert says(page, "These ledger accounts do not exist (or are inactive) in %(ledger)s: %(accounts)s. Create them "
                      "in its chart of accounts with the numbers used in the payroll system, then send again.",
                ledger="Visma.net", accounts="2410")
    errors = client.get("/administrations/?tab=errors").get_data(as_text=True)
    report = client.get("/administrations/?tab=report").get_data(as_text=True)
    assert 'class="journal failed"' in errors and 'class="journal failed"' not in report


def test_another_tenants_mapping_answers_404_and_sends_nothing(sandboxes, web):
    owner = make_payroll_merchant(sandboxes)
    _, client = logged_in(web, sandboxes)
    answer = client.post("/administrations/send", data={"mapping": owner["mapping_id"], "year": sandboxes.nmbrs.year,
                                                        "run": "101"})
    assert answer.status_code == 404 and payroll_run(owner["tenant_id"], "101") is None
    assert "Bakkerij Visser BV" not in client.get("/administrations/").get_data(as_text=True)
