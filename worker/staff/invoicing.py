"""Invoicing a migration to the merchant the way the subscription is invoiced: an invoice, a pay link by e-mail."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import orm

from worker import mail
from worker.config import settings
from worker.i18n import N_, day, gettext_for, money
from worker.models import Invoice, Migration, Tenant
from worker.models.base import utcnow
from worker.subscription import VAT_RATE


def migration_invoice(session: orm.Session, tenant: Tenant, migration: Migration) -> Invoice:
    """The invoice for ``migration`` (shown in Profile, paid through the payment provider) and its e-mail."""
    now = utcnow()
    vat = (migration.price_excl * VAT_RATE / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    invoice = Invoice(tenant_id=tenant.id, kind="migration", number=f"M{now:%Y}-{tenant.id:05d}-{migration.id:05d}",
                      description=N_("Koppel migration of past orders"), amount_excl=migration.price_excl,
                      vat_rate=VAT_RATE, vat=vat, total=migration.price_excl + vat, period_start=migration.since,
                      period_end=migration.until)
    session.add(invoice)
    session.flush()
    _ = gettext_for(tenant.language)
    values = {"count": migration.order_count, "since": day(migration.since, tenant.language),
              "until": day(migration.until, tenant.language), "total": money(invoice.total, tenant.language)}
    body = "\n".join([
        _("Hello %(name)s,") % {"name": tenant.name}, "",
        _("As you asked, webcare is transferring your %(count)s orders from %(since)s to %(until)s. They go "
          "through at a pace that leaves room for your new orders; the Report tab shows them as they arrive.")
        % values,
        _("The migration costs %(total)s incl. VAT. You can pay here:") % values,
        f"  {settings.public_url}/profile/invoices/{invoice.id}/pay"])
    mail.queue_email(session, tenant.id, mail.recipients_of(tenant), _("Your Koppel migration invoice"), body,
                     "migration-invoice")
    return invoice
