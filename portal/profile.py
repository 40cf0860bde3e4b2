"""The Profile tab: our invoices (PDF), an extra e-mail address, paying, and stopping the integration."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.validators import ValidationError

from portal.extensions import get_session
from portal.headers import forms_post_to
from portal.tenancy import tenant
from worker import billing, subscription
from worker.connectors.errors import RemoteError
from worker.models import Invoice
from worker.staff import audit

bp = Blueprint("profile", __name__, url_prefix="/profile")


def invoice_or_404(invoice_id: int) -> Invoice:
    invoice = get_session().execute(sa.select(Invoice).where(
        Invoice.id == invoice_id, Invoice.tenant_id == current_user.tenant_id)).scalar()
    if invoice is None:
        abort(404)
    return invoice


@bp.app_template_global()
def merchant_line(entry) -> str:
    """The (untranslated) sentence a merchant reads for one webcare audit entry."""
    return audit.merchant_line(entry)


@bp.route("/")
@login_required
def index():
    """Invoices, the extra e-mail address, the stop button, and what webcare looked at and did."""
    invoices = get_session().execute(sa.select(Invoice).where(Invoice.tenant_id == current_user.tenant_id)
                                     .order_by(Invoice.id.desc())).scalars().all()
    return render_template("profile/index.html", tenant=tenant(), invoices=invoices,
                           hold=subscription.hold_reason(tenant()),
                           webcare=audit.for_tenant(get_session(), current_user.tenant_id, limit=30))


@bp.route("/email", methods=["POST"])
@login_required
def save_email():
    """Save an extra address that receives our messages too."""
    address = request.form.get("extra_email", "").strip().lower()
    try:
        billing.check_email(address)
    except ValidationError:
        flash(_("That is not an e-mail address we can send to."), "error")
        return redirect(url_for("profile.index"))
    tenant().extra_email = address or None
    get_session().commit()
    flash(_("Saved."), "success")
    return redirect(url_for("profile.index"))


@bp.route("/stop", methods=["POST"])
@login_required
def stop():
    """Stop the integration, effective today; orders and data stay here to look at."""
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm that you want to stop."), "error")
        return redirect(url_for("profile.index"))
    subscription.stop(get_session(), tenant())
    get_session().commit()
    flash(_("The integration is stopped as of today. New orders are kept but no longer transferred."), "success")
    return redirect(url_for("profile.index"))


@bp.route("/invoices/<int:invoice_id>.pdf")
@login_required
def download_invoice(invoice_id: int):
    """One of our invoices as a PDF."""
    invoice = invoice_or_404(invoice_id)
    pdf = billing.invoice_pdf(invoice, tenant())
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="koppel-{invoice.number}.pdf"'})


@bp.route("/invoices/<int:invoice_id>/pay")
@login_required
@forms_post_to(billing.checkout_origin)
def show_pay(invoice_id: int):
    """The invoice with a Pay button (the offer e-mail links here; a GET changes nothing)."""
    return render_template("profile/pay.html", invoice=invoice_or_404(invoice_id))


@bp.route("/invoices/<int:invoice_id>/pay", methods=["POST"])
@login_required
def pay(invoice_id: int):
    """Go to the payment provider's checkout for an open invoice."""
    invoice = invoice_or_404(invoice_id)
    if invoice.status == "paid":
        flash(_("This invoice is paid already. Thank you."), "success")
        return redirect(url_for("profile.index"))
    try:
        url = billing.checkout_url(get_session(), invoice, tenant())
    except RemoteError as exc:
        flash(_("The payment page could not be opened just now (%(error)s). Try again in a minute.")
              % {"error": exc}, "error")
        return redirect(url_for("profile.index"))
    get_session().commit()
    return redirect(url)


@bp.route("/subscribe", methods=["POST"])
@login_required
def subscribe():
    """Start paying now (before or after the trial ends)."""
    invoice = subscription.open_invoice(get_session(), tenant())
    get_session().commit()
    return redirect(url_for("profile.show_pay", invoice_id=invoice.id))
