"""The subscription: a 30-day trial that does not renew by itself, then a paid year.

After the trial (or after the merchant stopped), new orders are still received and stored but
wait in Open as "held"; paying resumes them. Nothing is lost in between.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy import orm

from worker import mail
from worker.config import settings
from worker.i18n import N_, day, gettext_for, money
from worker.models import Invoice, Order, Tenant
from worker.models.base import utcnow
from worker.pipeline import intake

PRICE_EXCL = Decimal("195.00")  # one year, excl. VAT
VAT_RATE = Decimal("21.00")
OFFER_DAYS_BEFORE_END = 5


def yearly_price() -> dict[str, Decimal]:
    """A paid year: ``excl`` VAT, the ``rate``, the ``vat`` (rounded once, half up, to the cent) and ``total``."""
    vat = (PRICE_EXCL * VAT_RATE / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return {"excl": PRICE_EXCL, "rate": VAT_RATE, "vat": vat, "total": PRICE_EXCL + vat}


def hold_reason(tenant: Tenant) -> str | None:
    """Why orders are held, for the dashboard: "stopped" or "expired"; None when they flow."""
    if tenant.stopped_at is not None:
        return "stopped"
    return None if tenant.transfers_allowed() else "expired"


def open_invoice(session: orm.Session, tenant: Tenant, now: dt.datetime | None = None) -> Invoice:
    """The tenant's unpaid invoice for the next year, made once."""
    existing = session.execute(sa.select(Invoice).where(Invoice.tenant_id == tenant.id, Invoice.status == "open",
                                                        Invoice.kind == "subscription")).scalars().first()
    if existing:
        return existing
    now = now or utcnow()
    start = max(filter(None, [tenant.trial_ends_at, tenant.paid_until, now])).date()
    vat = yearly_price()["vat"]
    invoice = Invoice(tenant_id=tenant.id, number=f"K{now:%Y}-{tenant.id:05d}-{now:%m%d%H%M%S}",
                      description=N_("Koppel subscription"), amount_excl=PRICE_EXCL, vat_rate=VAT_RATE, vat=vat,
                      total=PRICE_EXCL + vat, period_start=start, period_end=start + dt.timedelta(days=365))
    session.add(invoice)
    session.flush()
    return invoice


def send_offers(session: orm.Session, now: dt.datetime | None = None) -> int:
    """E-mail the offer to every trial ending within five days (once); returns how many were sent."""
    now = now or utcnow()
    due = session.execute(sa.select(Tenant).where(
        Tenant.trial_ends_at <= now + dt.timedelta(days=OFFER_DAYS_BEFORE_END), Tenant.offer_sent_at.is_(None),
        Tenant.paid_until.is_(None), Tenant.stopped_at.is_(None)).with_for_update(skip_locked=True)).scalars().all()
    for tenant in due:
        invoice = open_invoice(session, tenant, now)
        _ = gettext_for(tenant.language)
        link = f"{settings.public_url}/profile/invoices/{invoice.id}/pay"
        body = "\n".join([_("Hello %(name)s,") % {"name": tenant.name}, "",
                          _("Your Koppel trial ends on %(date)s. It does not renew by itself.")
                          % {"date": day(tenant.trial_ends_at.date(), tenant.language)},
                          _("To keep your orders flowing, pay for a year (%(total)s incl. VAT) here:")
                          % {"total": money(invoice.total, tenant.language)}, f"  {link}", "",
                          _("After the trial, new orders are still received and kept; they are transferred "
                            "as soon as you have paid.")])
        mail.queue_email(session, tenant.id, mail.recipients_of(tenant), _("Your Koppel trial ends soon"), body,
                         "offer")
        tenant.offer_sent_at = now
    return len(due)


def mark_paid(session: orm.Session, invoice: Invoice, paid_at: dt.datetime) -> int:
    """Record a payment: extend the subscription and send held orders on. Returns how many resumed."""
    if invoice.status == "paid":
        return 0
    invoice.status, invoice.paid_at = "paid", paid_at
    if invoice.kind != "subscription":
        return 0  # a migration invoice pays for work done; it does not extend the subscription
    tenant = session.get(Tenant, invoice.tenant_id)
    end = dt.datetime.combine(invoice.period_end, dt.time(23, 59), tzinfo=dt.timezone.utc)
    tenant.paid_until = max(filter(None, [tenant.paid_until, end]))
    return resume_held(session, tenant)


def resume_held(session: orm.Session, tenant: Tenant) -> int:
    """Queue every held order of an active tenant."""
    if not tenant.transfers_allowed():
        return 0
    held = session.execute(sa.select(Order).where(Order.tenant_id == tenant.id, Order.state == "held")
                           .with_for_update()).scalars().all()
    for order in held:
        intake.queue(session, order)
    return len(held)


def stop(session: orm.Session, tenant: Tenant) -> None:
    """Stop the integration today (never a later date); orders and data stay visible."""
    tenant.stopped_at = utcnow()
