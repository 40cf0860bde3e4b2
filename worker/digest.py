"""The daily digest: one e-mail per merchant, in their language, with orders that failed or differ since the last,
and what the nightly reconciliation newly found in their administration."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker import db, mail
from worker.config import settings
from worker.i18n import gettext_for, money
from worker.models import Order, Posting, Tenant
from worker.models.base import utcnow
from worker.pipeline import reconcile
from worker.pipeline.messages import order_problem


def _new_problems(session: orm.Session, tenant: Tenant) -> tuple[list[Order], list[Order]]:
    since = tenant.last_digest_at
    failed = sa.select(Order).where(Order.tenant_id == tenant.id, Order.state == "failed")
    differ = (sa.select(Order).join(Posting).where(Order.tenant_id == tenant.id, Order.total_difference.is_not(None)))
    if since is not None:
        failed = failed.where(Order.failed_at > since)
        differ = differ.where(Posting.posted_at > since)
    return (session.execute(failed.order_by(Order.error_code, Order.id)).scalars().all(),
            session.execute(differ.order_by(Order.id)).scalars().all())


def body(tenant: Tenant, failed: list[Order], differ: list[Order], findings: list | None = None) -> str:
    language = tenant.language
    _ = gettext_for(language)
    lines = [_("Hello %(name)s,") % {"name": tenant.name}, ""]
    if failed:
        lines.append(_("%(count)d order(s) could not be transferred since our last message:") % {"count": len(failed)})
        lines += [f"  - {o.number}: {order_problem(o, language).message}" for o in failed]
        lines += ["", _("Open the Errors tab to see what to do, then press Process.")]
    if differ:
        lines += ["", _("In these orders the total in your accounting system differs from the shop's:")]
        lines += [f"  - {o.number}: " + _("difference %(amount)s") % {"amount": money(o.total_difference, language)}
                  for o in differ]
    if findings:
        lines += ["", _(reconcile.HEADING)] + [f"  - {reconcile.describe(f, _)}" for f in findings]
    lines += ["", _("Dashboard: %(url)s") % {"url": settings.public_url},
              _("Licence key: %(key)s") % {"key": tenant.licence_key}]
    return "\n".join(lines)


def queue_for(session: orm.Session, tenant: Tenant) -> bool:
    """Queue the tenant's digest when there is news; returns whether one was queued."""
    failed, differ = _new_problems(session, tenant)
    findings = reconcile.current(session, tenant.id, since=tenant.last_digest_at)
    tenant.last_digest_at = utcnow()
    if not failed and not differ and not findings:
        return False
    count = len(failed) + len(differ) + len(findings)
    _ = gettext_for(tenant.language)
    mail.queue_email(session, tenant.id, mail.recipients_of(tenant),
                     _("Koppel: %(count)d order(s) need your attention") % {"count": count},
                     body(tenant, failed, differ, findings), "digest")
    return True


def queue_all() -> int:
    """Queue today's digests for every tenant; returns how many were queued."""
    queued = 0
    with db.session_scope() as session:
        for tenant in session.execute(sa.select(Tenant).with_for_update(skip_locked=True)).scalars():
            queued += queue_for(session, tenant)
    return queued
