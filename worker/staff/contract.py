"""Contract settings the manuals call "on request", and stopping, resuming, trials and old licence keys.

The options live on the target connection's settings, beside the merchant's own choices, under
``contract_*`` keys that the Configuration tab never writes:

* ``contract_document_types``: the document types the merchant may choose (empty: all the target offers);
* ``contract_currencies``: ISO codes booked in the order's own currency (the pre-checks read it);
* ``contract_direct_sales_invoices``: Exact direct sales invoices (type 8023, on the cash journal);
* ``contract_no_revenue_account``: lines carry no revenue account (ledger mapping disabled).
"""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors, subscription
from worker.models import Connection, StaffUser, Tenant, User
from worker.models.base import utcnow
from worker.staff import audit, merchants

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_TRIAL_EXTENSION_DAYS = 90


def target_of(session: orm.Session, tenant: Tenant) -> Connection:
    """The tenant's accounting connection; ValueError for a tenant without one (a payroll integration)."""
    target = session.execute(sa.select(Connection).where(
        Connection.tenant_id == tenant.id, Connection.role == "target")).scalar_one_or_none()
    if target is None:
        raise ValueError("this merchant has no accounting system, so no contract options")
    return target


def current(target: Connection) -> dict:
    """The contract options as they stand."""
    return merchants.contract_view(target)["current"]


def parse_currencies(text: str) -> list[str]:
    """"usd, GBP" → ["GBP", "USD"]; ValueError for anything that is not a three-letter code (or EUR)."""
    codes = sorted({code.strip().upper() for code in re.split(r"[\s,;]+", text) if code.strip()})
    bad = [code for code in codes if not CURRENCY.match(code) or code == "EUR"]
    if bad:
        raise ValueError(f"not a foreign currency code: {', '.join(bad)}")
    return codes


def save(session: orm.Session, staff: StaffUser, tenant: Tenant, options: dict) -> dict:
    """Store the contract options on the target connection; returns the change (before, after)."""
    target = target_of(session, tenant)
    offered = dict(connectors.get(target.system).document_types)
    types = [t for t in options.get("document_types", []) if t in offered]
    if options.get("document_types") and not types:
        raise ValueError("none of those document types exists for this accounting system")
    ledger = dict(offered).get(target.settings.get("document_type")) if target.settings.get(
        "document_type") in connectors.get(target.system).ledger_document_types else None
    if options.get("no_revenue_account") and ledger:
        raise ValueError(f"the merchant creates a {ledger}, whose lines always name a revenue account;"
                         " have them choose another document type first")
    after = {"document_types": types, "currencies": list(options.get("currencies", [])),
             "direct_sales_invoices": bool(options.get("direct_sales_invoices")),
             "no_revenue_account": bool(options.get("no_revenue_account"))}
    before = current(target)
    target.settings = {**target.settings, **{f"contract_{key}": value for key, value in after.items()}}
    audit.record(session, staff, tenant.id, "contract_settings", before=before, after=after)
    return {"before": before, "after": after}


def stop(session: orm.Session, staff: StaffUser, tenant: Tenant) -> None:
    """Stop the integration as of today (never a future date), as the merchant's own Stop does."""
    if tenant.stopped_at is None:
        subscription.stop(session, tenant)
    audit.record(session, staff, tenant.id, "stop", stopped_at=tenant.stopped_at.isoformat())


def resume(session: orm.Session, staff: StaffUser, tenant: Tenant) -> int:
    """Undo a stop; orders held meanwhile go through when the subscription allows. Returns how many."""
    tenant.stopped_at = None
    resumed = subscription.resume_held(session, tenant)
    audit.record(session, staff, tenant.id, "resume", resumed_orders=resumed)
    return resumed


def extend_trial(session: orm.Session, staff: StaffUser, tenant: Tenant, days: int) -> dt.datetime:
    """Extend the trial by ``days`` from its end (or from today when it ended); held orders resume."""
    if not 1 <= days <= MAX_TRIAL_EXTENSION_DAYS:
        raise ValueError(f"extend by 1 to {MAX_TRIAL_EXTENSION_DAYS} days")
    before = tenant.trial_ends_at
    tenant.trial_ends_at = max(filter(None, [before, utcnow()])) + dt.timedelta(days=days)
    resumed = subscription.resume_held(session, tenant)
    audit.record(session, staff, tenant.id, "extend_trial", days=days, before=before.isoformat() if before else None,
                 after=tenant.trial_ends_at.isoformat(), resumed_orders=resumed)
    return tenant.trial_ends_at


def retire_licence_key(session: orm.Session, staff: StaffUser, tenant: Tenant, old: Tenant) -> None:
    """Remove an old licence key of the same merchant: its logins go, it is stopped, its data stays."""
    if old.id not in {other.id for other in merchants.other_installations(session, tenant)}:
        raise ValueError("that is not another installation of this merchant")
    session.execute(sa.delete(User).where(User.tenant_id == old.id))
    if old.stopped_at is None:
        subscription.stop(session, old)
    old.retired_at = utcnow()
    for tenant_id in {tenant.id, old.id}:
        audit.record(session, staff, tenant_id, "retire_licence_key", licence_key=old.licence_key)
