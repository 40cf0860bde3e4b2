"""Installing on the merchant's behalf (admins): consent on record first, then the key forms of portal/staff/connect.py."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from portal.extensions import get_session
from portal.staff.blueprint import bp, requires
from portal.staff.merchants import tenant_or_404
from worker import connectors
from worker.onboarding import installation_missing
from worker.staff import connect_on_behalf, install, merchants


@bp.route("/merchants/<int:tenant_id>/install")
@requires("admin")
def show_install(tenant_id: int):
    """What is left of the installation, the consent on record, the key forms."""
    session, tenant = get_session(), tenant_or_404(tenant_id)
    mine = merchants.connections(session, tenant.id)
    return render_template("staff/install.html", tenant=tenant, connections=mine,
                           missing=installation_missing(tenant, mine), consent=install.consent(session, tenant),
                           key_fields={role: connect_on_behalf.key_fields(c) for role, c in mine.items()
                                       if c.system in connectors.REGISTRY},
                           systems={role: connectors.get(c.system).name for role, c in mine.items()
                                    if c.system in connectors.REGISTRY})


@bp.route("/merchants/<int:tenant_id>/install/consent", methods=["POST"])
@requires("admin")
def record_install_consent(tenant_id: int):
    """Record where the merchant asked for the installation; the installation is invoiced."""
    session, tenant = get_session(), tenant_or_404(tenant_id)
    try:
        invoice = install.record_consent(session, g.staff, tenant, request.form.get("reference", ""))
        session.commit()
        flash(f"Consent recorded; invoice {invoice.number} sent to the merchant.", "success")
    except ValueError as exc:
        session.rollback()
        flash(f"Not recorded: {exc}.", "error")
    return redirect(url_for("staff.show_install", tenant_id=tenant.id))
