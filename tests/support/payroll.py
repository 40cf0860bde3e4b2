"""Payroll merchants for tests: a payroll connection and a ledger connection made through the real clients."""
from __future__ import annotations

import itertools
import re
from urllib.parse import parse_qs, urlparse

import requests
import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.waiting import wait_for
from worker import db
from worker.config import settings
from worker.connectors.nmbrs import NmbrsPayroll
from worker.connectors.visma_net import VismaNetLedger, oauth, tokens
from worker.models import Connection, PayrollMapping, PayrollRun, PayrollTransaction

_numbers = itertools.count(1)
REDIRECT = "/connect/vismanet/callback"


def consent(url: str, username: str, password: str) -> dict:
    """Log in on Visma Connect's page as the merchant would; the query it sends the browser back with."""
    http = requests.Session()
    page = http.get(url, timeout=10)
    form = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    answer = http.post(page.url, data={**form, "username": username, "password": password},
                       allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return {k: v[0] for k, v in parse_qs(urlparse(answer.headers["Location"]).query).items()}


def connect_ledger(sandboxes, tenant_id: int) -> tuple[int, str]:
    """The tenant's ledger connection, authorised through Visma Connect's code flow; (its id, the customer)."""
    n = next(_numbers)
    customer = sandboxes.vismanet.add_user(f"payroll{n}@visma.test", "pw")
    url, _, verifier = oauth.authorization_url(settings.public_url + REDIRECT)
    code = consent(url, f"payroll{n}@visma.test", "pw")["code"]
    first = oauth.exchange_code(settings.public_url + REDIRECT, code, verifier)
    with db.session_scope() as session:
        ledger = Connection(tenant_id=tenant_id, role="ledger", system="visma_net", settings={})
        session.add(ledger)
        session.flush()
        tokens.store_first_tokens(ledger, first)
        session.commit()
        ledger.settings = {"companies": VismaNetLedger.companies(ledger)}
        return ledger.id, customer


def connect_payroll(sandboxes, tenant_id: int) -> int:
    """The tenant's payroll connection, tested and stored through the connector's key flow."""
    n = next(_numbers)
    values = {"username": f"salaris{n}@visser.nl", "token": f"nmbrs-token-{n}", "domain": ""}
    sandboxes.nmbrs.add_user(values["username"], values["token"])
    NmbrsPayroll.test_credentials(values)
    with db.session_scope() as session:
        payroll = Connection(tenant_id=tenant_id, role="payroll", system="nmbrs", settings={})
        session.add(payroll)
        session.flush()
        NmbrsPayroll.connect(payroll, values)
        return payroll.id


def make_payroll_merchant(sandboxes, **mapping) -> dict:
    """A merchant with both connections and payroll company 1 mapped to ledger company 1."""
    merchant = make_merchant(sandboxes, connect_exact=False)
    payroll_id = connect_payroll(sandboxes, merchant["tenant_id"])
    ledger_id, customer = connect_ledger(sandboxes, merchant["tenant_id"])
    with db.session_scope() as session:
        row = PayrollMapping(tenant_id=merchant["tenant_id"], payroll_company_id="1",
                             payroll_company_name="Bakkerij Visser BV", ledger_company_id="1",
                             ledger_company_name="Visser Holding", **mapping)
        session.add(row)
        session.flush()
        mapping_id = row.id
    return {**merchant, "payroll_id": payroll_id, "ledger_id": ledger_id, "customer": customer,
            "mapping_id": mapping_id}


def payroll_run(tenant_id: int, run_id: str) -> PayrollRun | None:
    with db.session_scope() as session:
        row = session.execute(sa.select(PayrollRun).where(PayrollRun.tenant_id == tenant_id,
                                                          PayrollRun.run_id == run_id)).scalar_one_or_none()
        if row is not None:
            session.expunge(row)
        return row


def wait_for_state(tenant_id: int, run_id: str, states=("posted", "failed", "changed"), timeout: float = 30):
    """The run's row once it reached one of ``states``."""
    return wait_for(lambda: (lambda r: r if r is not None and r.state in states else None)(
        payroll_run(tenant_id, run_id)), timeout=timeout, message=f"run {run_id} in {states}")


def transactions(payroll_run_id: int) -> list[PayrollTransaction]:
    with db.session_scope() as session:
        rows = session.execute(sa.select(PayrollTransaction).where(PayrollTransaction.run_id == payroll_run_id)
                               .order_by(PayrollTransaction.financial_period)).scalars().all()
        session.expunge_all()
        return rows
