"""The daily digest: one e-mail per merchant with the orders that failed or differ since the last one."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker import db, mail
from worker.config import settings
from worker.models import Order, Posting, Tenant
from worker.models.base import utcnow


def _new_problems(session: orm.Session, tenant: Tenant) -> tuple[list[Order], list[Order]]:
    since = tenant.last_digest_at
    failed = sa.select(Order).where(Order.tenant_id == tenant.id, Order.state == "failed")
    differ = (sa.select(Order).join(Posting).where(Order.tenant_id == tenant.id, Order.total_difference.is_not(None)))
    if since is not None:
        failed = failed.where(Order.failed_at > since)
        differ = differ.where(Posting.posted_at > since)
    return (session.execute(failed.order_by(Order.error_code, Order.id)).scalars().all(),
            session.execute(differ.order_by(Order.id)).scalars().all())


def body(tenant: Tenant, failed: list[Order], differ: list[Order]) -> str:
    lines = [f"Hello {tenant.name},", ""]
    if failed:
        lines.append(f"{len(failed)} order(s) could not be transferred since our last message:")
        lines += [f"  - {o.number}: {o.error_message}" for o in failed]
        lines += ["", "Open the Errors tab to see what to do, then press Process."]
    if differ:
        lines += ["", "In these orders the total in your accounting system differs from the shop's:"]
        lines += [f"  - {o.number}: difference € {o.total_difference:.2f}" for o in differ]
    lines += ["", f"Dashboard: {settings.public_url}", f"Licence key: {tenant.licence_key}"]
    return "\n".join(lines)


def queue_for(session: orm.Session, tenant: Tenant) -> bool:
    """Queue the tenant's digest when there is news; returns whether one was queued."""
    failed, differ = _new_problems(session, tenant)
    tenant.last_digest_at = utcnow()
    if not failed and not differ:
        return False
    count = len(failed) + len(differ)
    mail.queue_email(session, tenant.id, mail.recipients_of(tenant),
                     f"Koppel: {count} order(s) need your attention", body(tenant, failed, differ), "digest")
    return True


def queue_all() -> int:
    """Queue today's digests for every tenant; returns how many were queued."""
    queued = 0
    with db.session_scope() as session:
        for tenant in session.execute(sa.select(Tenant).with_for_update(skip_locked=True)).scalars():
            queued += queue_for(session, tenant)
    return queued
