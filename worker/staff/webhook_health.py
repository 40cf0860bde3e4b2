"""Failed webhooks, as the shops see them: each connected shop is asked for its subscriptions to Koppel.

A shop that failed to deliver to us counts ``consecutive_failures`` and may have disabled the
subscription; a shop with no subscription to our URL sends nothing at all. Asked on demand (one
call per shop), not on every refresh of the health page.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors
from worker.connectors.errors import RemoteError
from worker.models import Connection, Tenant

MAX_SHOPS = 100


def failing(session: orm.Session) -> dict:
    """Shops whose webhook to Koppel fails, is disabled or is missing, and shops that could not be asked."""
    rows = session.execute(sa.select(Connection, Tenant).join(Tenant, Tenant.id == Connection.tenant_id).where(
        Connection.role == "source", Connection.status == "connected").order_by(Connection.id)
        .limit(MAX_SHOPS)).all()
    problems, asked = [], 0
    for source, tenant in rows:
        source_cls = connectors.get(source.system)
        if source_cls.arrival != "webhook":
            continue  # a polled source has no webhooks to fail
        asked += 1
        try:
            ours = [hook for hook in source_cls.reader(source).webhooks() if hook.get("url") == source_cls.webhook_url(source)]
        except RemoteError as exc:
            problems.append(_problem(tenant, f"could not be asked: {exc}"))
            continue
        if not ours:
            problems.append(_problem(tenant, "no webhook subscription to Koppel: orders arrive only by the hourly poll"))
        for hook in ours:
            if hook.get("state") != "enabled" or hook.get("consecutive_failures"):
                problems.append(_problem(tenant, f"subscription {hook.get('state')}, "
                                                 f"{hook.get('consecutive_failures', 0)} failed deliveries in a row"))
    return {"asked": asked, "failing": problems}


def _problem(tenant: Tenant, text: str) -> dict:
    return {"tenant_id": tenant.id, "tenant": tenant.name, "problem": text}
