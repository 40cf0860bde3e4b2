"""One merchant as webcare sees it: connections, contract, subscription, the dashboard lists, tickets."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors, ratelimit, subscription
from worker.models import Connection, Invoice, Order, RemoteCall, Tenant, Ticket, User
from worker.onboarding import installation_missing

# The dashboard lists (Report, Errors, Open) are paged by portal/orderpages.py for merchants and webcare alike.


def connections(session: orm.Session, tenant_id: int) -> dict[str, Connection]:
    """The tenant's connections by role."""
    rows = session.execute(sa.select(Connection).where(Connection.tenant_id == tenant_id)).scalars()
    return {c.role: c for c in rows}


def overview(session: orm.Session, tenant: Tenant) -> dict:
    """Everything on the merchant page except the order lists."""
    mine = connections(session, tenant.id)
    counts = dict(session.execute(sa.select(Order.state, sa.func.count()).where(Order.tenant_id == tenant.id)
                                  .group_by(Order.state)).all())
    return {
        "tenant": tenant, "connections": mine, "missing": installation_missing(tenant, mine),
        "hold": subscription.hold_reason(tenant), "counts": counts,
        "logins": list(session.execute(sa.select(User).where(User.tenant_id == tenant.id)).scalars()),
        "invoices": list(session.execute(sa.select(Invoice).where(Invoice.tenant_id == tenant.id)
                                         .order_by(Invoice.id.desc()).limit(10)).scalars()),
        "tickets": list(session.execute(sa.select(Ticket).where(Ticket.tenant_id == tenant.id)
                                        .order_by(Ticket.id.desc()).limit(20)).scalars()),
        "budgets": {role: ratelimit.budgets(c.id) for role, c in mine.items()},
        "siblings": other_installations(session, tenant),
        "contract_view": contract_view(mine.get("target")),
    }


def contract_view(target: Connection | None) -> dict | None:
    """The contract options of the target connection and the document types its system offers."""
    if target is None:
        return None
    values = target.settings
    return {"offered": connectors.get(target.system).document_types,
            "current": {"document_types": list(values.get("contract_document_types") or []),
                        "currencies": list(values.get("contract_currencies") or []),
                        "direct_sales_invoices": bool(values.get("contract_direct_sales_invoices")),
                        "no_revenue_account": bool(values.get("contract_no_revenue_account"))}}


def other_installations(session: orm.Session, tenant: Tenant) -> list[Tenant]:
    """Other tenants of the same person (same e-mail): the old licence keys a merchant asks to remove."""
    emails = sa.select(User.email).where(User.tenant_id == tenant.id)
    ids = sa.select(User.tenant_id).where(User.email.in_(emails))
    return list(session.execute(sa.select(Tenant).where(
        sa.or_(Tenant.id.in_(ids), Tenant.email == tenant.email), Tenant.id != tenant.id)
        .order_by(Tenant.id)).scalars())


def order_calls(session: orm.Session, order: Order, limit: int = 10) -> list[RemoteCall]:
    """More info: the newest calls made for ``order``."""
    return list(session.execute(sa.select(RemoteCall).where(RemoteCall.order_id == order.id)
                                .order_by(RemoteCall.id.desc()).limit(limit)).scalars())
