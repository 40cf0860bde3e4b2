"""Charging merchants: checkout through Mollie, the payment webhook, and our invoices as PDF."""
from __future__ import annotations

import datetime as dt
import logging
import pathlib
import urllib.parse

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import orm
from wtforms.validators import ValidationError

from worker import db, subscription
from worker.config import settings
from worker.connectors.mollie import MollieClient
from worker.i18n import gettext_for
from worker.models import Invoice, Tenant

log = logging.getLogger(__name__)
# DejaVu Sans (Bitstream Vera licence, static/fonts/LICENSE-DejaVu.txt): any name, € and ’ print.
FONTS = pathlib.Path(__file__).resolve().parent.parent / "static" / "fonts"


def client() -> MollieClient:
    return MollieClient(api_key=settings.mollie_api_key, base_url=settings.mollie_url, timeout=settings.http_timeout)


def checkout_origin() -> str:
    """Where the hosted checkout lives: Mollie's own site for the real API, the sandbox otherwise."""
    if urllib.parse.urlsplit(settings.mollie_url).hostname == "api.mollie.com":
        return "https://www.mollie.com"
    return settings.mollie_url


def check_email(address: str) -> None:
    """Raise ValidationError unless ``address`` is empty or a deliverable-looking e-mail address."""
    if not address:
        return
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(str(exc)) from exc


def checkout_url(session: orm.Session, invoice: Invoice, tenant: Tenant) -> str:
    """A live checkout for the invoice: the open payment's, or a new one (checkouts expire in minutes)."""
    mollie = client()
    if invoice.payment_id:
        current = mollie.get_payment(invoice.payment_id)
        if current.status == "open" and current.checkout_url:
            return current.checkout_url
    payment = mollie.create_payment(
        amount=invoice.total, description=f"Koppel {invoice.number}",
        redirect_url=f"{settings.public_url}/profile/", webhook_url=f"{settings.public_url}/webhooks/mollie",
        metadata={"tenant_id": tenant.id, "invoice_id": invoice.id},
        locale="nl_NL" if tenant.language == "nl" else "en_US",
        idempotency_key=f"koppel-invoice-{invoice.id}-{invoice.payment_id or 'first'}")
    invoice.payment_id, invoice.checkout_url = payment.id, payment.checkout_url
    return payment.checkout_url


def payment_changed(payment_id: str) -> bool:
    """Mollie says a payment changed: read it from Mollie (webhooks carry no status) and record it."""
    payment = client().get_payment(payment_id)
    invoice_id = (payment.metadata or {}).get("invoice_id")
    with db.session_scope() as session:
        invoice = session.get(Invoice, invoice_id, with_for_update=True) if invoice_id else None
        if invoice is None or invoice.tenant_id != (payment.metadata or {}).get("tenant_id"):
            log.warning("payment %s names no invoice of ours", payment_id)
            return False
        if payment.status == "paid" and payment.amount == invoice.total:
            paid_at = dt.datetime.fromisoformat(payment.paid_at.replace("Z", "+00:00")) if payment.paid_at else None
            subscription.mark_paid(session, invoice, paid_at or dt.datetime.now(dt.timezone.utc))
        return True


def invoice_pdf(invoice: Invoice, tenant: Tenant) -> bytes:
    """Our invoice to the merchant, as a one-page PDF in their language, with the seller's details."""
    # fpdf2 brings Pillow and fontTools (~45 MiB): imported by the process that renders an invoice, not by every one.
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 18)
    pdf.cell(0, 12, settings.seller_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    for line in seller_lines(tenant.language):
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", size=11)
    for line in invoice_lines(invoice, tenant):
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def seller_lines(language: str) -> list[str]:
    """Who invoices: address, VAT and Chamber of Commerce numbers, bank account, e-mail (settings)."""
    _ = gettext_for(language)
    vat_, coc_, iban_ = _("VAT number"), _("Chamber of Commerce"), _("IBAN")
    return [settings.seller_address, f"{vat_}: {settings.seller_vat_number}",
            f"{coc_}: {settings.seller_coc_number}", f"{iban_}: {settings.seller_iban}", settings.webcare_email]


def invoice_lines(invoice: Invoice, tenant: Tenant) -> list[str]:
    """The invoice itself: number, date, the customer, the period and the amounts."""
    _ = gettext_for(tenant.language)
    # The labels are called outside the f-strings so that pybabel finds them.
    invoice_, date_, key_, excl_, vat_, total_ = (_("Invoice"), _("Date"), _("Licence key"), _("Amount excl. VAT"),
                                                  _("VAT"), _("Total"))
    return [
        f"{invoice_} {invoice.number}", f"{date_}: {invoice.created_at:%Y-%m-%d}", "",
        f"{tenant.name}", f"{tenant.email}", f"{key_}: {tenant.licence_key}", "",
        f"{_(invoice.description)} {invoice.period_start:%Y-%m-%d} - {invoice.period_end:%Y-%m-%d}",
        f"{excl_}: € {invoice.amount_excl:.2f}",
        f"{vat_} {invoice.vat_rate:.0f}%: € {invoice.vat:.2f}",
        f"{total_}: € {invoice.total:.2f}", "",
        _("Paid on %(date)s") % {"date": f"{invoice.paid_at:%Y-%m-%d}"} if invoice.paid_at else _("Not paid yet"),
    ]
