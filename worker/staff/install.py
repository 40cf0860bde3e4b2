"""Installing on a merchant's behalf (€ 39.50 excl. VAT): only with their consent on record, then the connections.

The consent is an audit entry (who recorded it, when, and the merchant's request it refers to);
the installation is invoiced like the subscription. Systems that connect with a key are connected by
webcare with the key the merchant gave (worker/staff/connect_on_behalf.py); an OAuth login stays the
merchant's to give (a connect link is e-mailed to them).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy import orm

from worker import mail
from worker.config import settings
from worker.i18n import N_, gettext_for, money
from worker.models import AuditEntry, Invoice, StaffUser, Tenant
from worker.models.base import utcnow
from worker.staff import audit
from worker.subscription import VAT_RATE

PRICE_EXCL = Decimal("39.50")


def consent(session: orm.Session, tenant: Tenant) -> AuditEntry | None:
    """The recorded consent to install on the merchant's behalf, if any."""
    return session.execute(sa.select(AuditEntry).where(AuditEntry.tenant_id == tenant.id,
                                                       AuditEntry.action == "install_consent")
                           .order_by(AuditEntry.id.desc()).limit(1)).scalar()


def record_consent(session: orm.Session, staff: StaffUser, tenant: Tenant, reference: str) -> Invoice:
    """Record the merchant's request (ticket, e-mail) and invoice the installation like the subscription."""
    reference = reference.strip()[:300]
    if not reference:
        raise ValueError("say where the merchant asked for it (ticket number, e-mail date)")
    if consent(session, tenant) is not None:
        raise ValueError("consent is on record already")
    audit.record(session, staff, tenant.id, "install_consent", reference=reference)
    return _invoice(session, tenant)


def _invoice(session: orm.Session, tenant: Tenant) -> Invoice:
    now = utcnow()
    vat = (PRICE_EXCL * VAT_RATE / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    invoice = Invoice(tenant_id=tenant.id, kind="installation", number=f"I{now:%Y}-{tenant.id:05d}-{now:%m%d%H%M}",
                      description=N_("Installation of Koppel by webcare"), amount_excl=PRICE_EXCL, vat_rate=VAT_RATE,
                      vat=vat, total=PRICE_EXCL + vat, period_start=now.date(), period_end=now.date())
    session.add(invoice)
    session.flush()
    _ = gettext_for(tenant.language)
    body = "\n".join([_("Hello %(name)s,") % {"name": tenant.name}, "",
                      _("As you asked, webcare installs Koppel for you. The installation costs %(total)s incl. VAT. "
                        "You can pay here:") % {"total": money(invoice.total, tenant.language)},
                      f"  {settings.public_url}/profile/invoices/{invoice.id}/pay", "",
                      _("Connecting your accounting system needs your own login there: press Connect on the "
                        "dashboard when webcare asks you to.")])
    mail.queue_email(session, tenant.id, mail.recipients_of(tenant), _("Webcare installs Koppel for you"), body,
                     "installation-invoice")
    return invoice
