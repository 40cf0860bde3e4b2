"""Contract settings "on request", stopping as of today, resuming, trials and old licence keys (admins)."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from portal.extensions import get_session
from portal.staff.blueprint import bp, requires
from portal.staff.merchants import tenant_or_404
from worker.staff import contract


def _back(tenant_id: int):
    return redirect(url_for("staff.show_merchant", tenant_id=tenant_id) + "#contract")


@bp.route("/merchants/<int:tenant_id>/contract", methods=["POST"])
@requires("admin")
def save_contract(tenant_id: int):
    """Save the contract options: document types, currencies, direct sales invoices, no revenue account."""
    tenant = tenant_or_404(tenant_id)
    try:
        options = {"document_types": request.form.getlist("document_types"),
                   "currencies": contract.parse_currencies(request.form.get("currencies", "")),
                   "direct_sales_invoices": request.form.get("direct_sales_invoices") == "yes",
                   "no_revenue_account": request.form.get("no_revenue_account") == "yes"}
        contract.save(get_session(), g.staff, tenant, options)
    except ValueError as exc:
        flash(f"Not saved: {exc}.", "error")
        return _back(tenant.id)
    get_session().commit()
    flash("Contract settings saved.", "success")
    return _back(tenant.id)


@bp.route("/merchants/<int:tenant_id>/stop", methods=["POST"])
@requires("admin")
def stop(tenant_id: int):
    """Stop the integration as of today (there is no future date to choose)."""
    tenant = tenant_or_404(tenant_id)
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm the stop.", "error")
        return _back(tenant.id)
    contract.stop(get_session(), g.staff, tenant)
    get_session().commit()
    flash("Stopped as of today. New orders are kept but not transferred.", "success")
    return _back(tenant.id)


@bp.route("/merchants/<int:tenant_id>/resume", methods=["POST"])
@requires("admin")
def resume(tenant_id: int):
    """Resume a stopped integration; held orders go through when the subscription allows."""
    tenant = tenant_or_404(tenant_id)
    resumed = contract.resume(get_session(), g.staff, tenant)
    get_session().commit()
    flash(f"Resumed; {resumed} held order(s) queued.", "success")
    return _back(tenant.id)


@bp.route("/merchants/<int:tenant_id>/trial", methods=["POST"])
@requires("admin")
def extend_trial(tenant_id: int):
    """Extend the trial by a number of days."""
    tenant = tenant_or_404(tenant_id)
    try:
        ends = contract.extend_trial(get_session(), g.staff, tenant, request.form.get("days", 0, type=int))
    except ValueError as exc:
        flash(f"Not extended: {exc}.", "error")
        return _back(tenant.id)
    get_session().commit()
    flash(f"Trial extended to {ends:%Y-%m-%d}.", "success")
    return _back(tenant.id)


@bp.route("/merchants/<int:tenant_id>/retire/<int:old_id>", methods=["POST"])
@requires("admin")
def retire_licence_key(tenant_id: int, old_id: int):
    """Remove an old licence key of this merchant: its logins go, it stops, its data stays."""
    tenant, old = tenant_or_404(tenant_id), tenant_or_404(old_id)
    try:
        contract.retire_licence_key(get_session(), g.staff, tenant, old)
    except ValueError as exc:
        flash(f"Not removed: {exc}.", "error")
        return _back(tenant.id)
    get_session().commit()
    flash(f"Licence key {old.licence_key} removed.", "success")
    return _back(tenant.id)
