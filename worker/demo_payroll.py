"""The payroll development demo merchant: an Nmbrs sandbox API user and a Visma.net sandbox customer,
connected as a merchant would (the key form's SOAP test, the consent page), company 1 mapped with cost centres,
and its runs noted at once: the earlier ones queued for sending, the newest left checked in Open.

Seeded by ``make run`` next to ``demo.seed`` (login ``demo-payroll@koppel.test``, the demo password). Like
``worker.demo`` it talks to the sandboxes over HTTP only; ``ensure_sandbox_users`` (development only)
puts its logins into the sandboxes' states before they are served.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from worker import db, demo
from worker.config import settings
from worker.connectors.nmbrs import NmbrsPayroll
from worker.connectors.visma_net import VismaNetLedger, oauth, tokens
from worker.i18n import language_for_country
from worker.models import Connection, PayrollMapping, PayrollRun, Tenant, User
from worker.models.base import utcnow
from worker.models.tenants import TRIAL_DAYS
from worker.passwords import hash_password
from worker.payroll import poll, runs

PAYROLL_DEMO_EMAIL = "demo-payroll@koppel.test"
NMBRS_DEMO_USER = ("demo-payroll@koppel.test", "demo-payroll-nmbrs-token")  # user name, API token
VISMANET_DEMO_USER = ("demo-payroll@koppel.test", "demo")  # Visma Connect login, password
REDIRECT = "/connect/vismanet/callback"


def ensure_sandbox_users(sandboxes) -> None:
    """The demo's Nmbrs API user and Visma.net login in the sandboxes (kept across restarts with them)."""
    if NMBRS_DEMO_USER[0] not in sandboxes.nmbrs.users:
        sandboxes.nmbrs.add_user(*NMBRS_DEMO_USER)
    if VISMANET_DEMO_USER[0] not in sandboxes.vismanet.users:
        sandboxes.vismanet.add_user(*VISMANET_DEMO_USER)


def create_merchant() -> int:
    """The tenant, its login and its two (unconnected) payroll connections; returns its id."""
    with db.session_scope() as session:
        tenant = Tenant(name="Demo Bakkerij (salarissen)", email=PAYROLL_DEMO_EMAIL, country="NL",
                        language=language_for_country("NL"), shop_system="nmbrs", accounting_system="visma_net",
                        terms_accepted_at=utcnow(), trial_ends_at=utcnow() + dt.timedelta(days=TRIAL_DAYS))
        session.add(tenant)
        session.flush()
        session.add(User(tenant_id=tenant.id, username=PAYROLL_DEMO_EMAIL, email=PAYROLL_DEMO_EMAIL,
                         password_hash=hash_password(demo.DEMO_PASSWORD), password_set_at=utcnow()))
        session.add_all([Connection(tenant_id=tenant.id, role=role, system=system, settings={})
                         for role, system in (("payroll", "nmbrs"), ("ledger", "visma_net"))])
        return tenant.id


def consent(username: str, password: str) -> dict:
    """Log in at Visma Connect's sandbox page as the merchant would; the first token pair."""
    url, _, verifier = oauth.authorization_url(settings.public_url + REDIRECT)
    code = demo.consent_code(url, username, password, "Visma.net")
    return oauth.exchange_code(settings.public_url + REDIRECT, code, verifier)


def connect(tenant_id: int) -> None:
    """Connect both systems through their real clients and map payroll company 1 to ledger company 1."""
    with db.session_scope() as session:
        mine = {c.role: c for c in session.execute(sa.select(Connection).where(
            Connection.tenant_id == tenant_id)).scalars()}
        NmbrsPayroll.connect(mine["payroll"], {"username": NMBRS_DEMO_USER[0], "token": NMBRS_DEMO_USER[1]})
        tokens.store_first_tokens(mine["ledger"], consent(*VISMANET_DEMO_USER))
        session.commit()  # the ledger client reads the tokens through its own session
        mine["ledger"].settings = {**mine["ledger"].settings, "companies": VismaNetLedger.companies(mine["ledger"])}
        payroll_company = mine["payroll"].settings["companies"][0]
        ledger_company = mine["ledger"].settings["companies"][0]
        session.add(PayrollMapping(tenant_id=tenant_id, payroll_company_id=str(payroll_company["id"]),
                                   payroll_company_name=payroll_company["name"],
                                   ledger_company_id=ledger_company["id"], ledger_company_name=ledger_company["name"],
                                   cost_center_dimension="Kostenplaats"))
        session.get(Tenant, tenant_id).configured_at = utcnow()


def first_journals(tenant_id: int) -> None:
    """Note the company's runs now, as the morning poll would, and send all but the newest as the merchant would.

    The poll runs once a day (05:45), so a fresh `make run` would show no journal until the next morning;
    the worker posts the queued runs (Report) and checks the newest (Open, waiting for Process) when it starts."""
    poll.poll(tenant_id)
    with db.session_scope() as session:
        noted = session.execute(sa.select(PayrollRun).where(
            PayrollRun.tenant_id == tenant_id, PayrollRun.state == "open").order_by(
            PayrollRun.year, PayrollRun.run_number).with_for_update()).scalars().all()
        for payroll_run in noted[:-1]:
            runs.queue_again(session, payroll_run)


def has_journals(tenant_id: int) -> bool:
    """Whether any run of the tenant was noted (a later `make run` leaves them as the visitor left them)."""
    with db.session_scope() as session:
        return session.execute(sa.select(sa.exists().where(PayrollRun.tenant_id == tenant_id))).scalar()


def seed() -> bool:
    """Create the payroll demo merchant once (False when it exists already); connect it when it is not, and
    give it its first journals when it has none."""
    with db.session_scope() as session:
        user = session.execute(sa.select(User).where(User.email == PAYROLL_DEMO_EMAIL)).scalar()
        tenant_id = user.tenant_id if user else None
        connected = user is not None and session.get(Tenant, tenant_id).configured_at is not None
    created = tenant_id is None
    if created:
        tenant_id = create_merchant()
    if not connected:
        connect(tenant_id)
    if not has_journals(tenant_id):
        first_journals(tenant_id)
    return created
