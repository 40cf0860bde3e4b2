"""Missing order: ask the merchant's shop why an order is not in Koppel, and fetch it now."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from portal.dashboard import parse_day
from portal.extensions import get_session
from portal.htmx import render_partial
from portal.staff.blueprint import bp, requires
from portal.staff.merchants import tenant_or_404
from worker.connectors.errors import RemoteError
from worker.unreadable import Unreadable
from worker.staff import missing


@bp.route("/merchants/<int:tenant_id>/missing")
@requires("support")
def find_missing(tenant_id: int):
    """Search the shop by order number and/or date range and say, per order, why it is (not) in Koppel."""
    session, tenant = get_session(), tenant_or_404(tenant_id)
    number = request.args.get("number", "").strip()[:100]
    since, until = parse_day(request.args.get("since")), parse_day(request.args.get("until"))
    result, problem = None, None
    if number or since or until:
        try:
            result = missing.search(session, g.staff, tenant, number, since, until)
            session.commit()
        except RemoteError as exc:
            session.rollback()
            problem = f"The shop could not be asked just now: {exc}"
        except LookupError as exc:
            problem = f"Nothing to search: {exc}."
    return render_partial("staff/missing.html", "staff/_missing.html", tenant=tenant, result=result,
                          problem=problem, number=number, since=since.isoformat() if since else "",
                          until=until.isoformat() if until else "")


@bp.route("/merchants/<int:tenant_id>/missing/fetch", methods=["POST"])
@requires("support")
def fetch_missing(tenant_id: int):
    """Fetch one order from the shop now; it goes through the normal pipeline."""
    session, tenant = get_session(), tenant_or_404(tenant_id)
    shop_order_id = request.form.get("shop_order_id", "").strip()[:100]
    try:
        order = missing.fetch(session, g.staff, tenant, shop_order_id)
        session.commit()
        flash(f"Order {order.number} fetched from the shop: {order.state}.", "success")
    except (RemoteError, Unreadable, LookupError) as exc:
        session.rollback()
        flash(f"Not fetched: {exc}", "error")
    return redirect(url_for("staff.find_missing", tenant_id=tenant.id, number=request.form.get("number", ""),
                            since=request.form.get("since", ""), until=request.form.get("until", "")))
