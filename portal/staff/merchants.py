"""Find and look: merchants and orders across tenants, and one merchant's page (read-only)."""
from __future__ import annotations

from flask import abort, current_app, g, render_template, request

from portal import orderpages
from portal.dashboard import order_cursor, page_number, parse_day
from portal.extensions import get_session
from portal.htmx import render_partial
from portal.staff.blueprint import bp, requires
from worker.models import Order, Tenant
from worker.models.orders import TAB_STATES
from worker.staff import audit, merchants, search


def tenant_or_404(tenant_id: int) -> Tenant:
    """The tenant ``tenant_id``, or 404."""
    tenant = get_session().get(Tenant, tenant_id)
    if tenant is None:
        abort(404)
    return tenant


def order_of(tenant: Tenant, order_id: int) -> Order:
    """The order ``order_id`` of ``tenant``, or 404."""
    order = get_session().get(Order, order_id)
    if order is None or order.tenant_id != tenant.id:
        abort(404)
    return order


@bp.route("/")
@requires("support")
def index():
    """Search merchants (licence key, e-mail, name, shop or administration id)."""
    text = request.args.get("q", "").strip()[:200]
    found = search.find_merchants(get_session(), text) if text else []
    if text:
        audit.record(get_session(), g.staff, None, "search_merchants", q=text, results=len(found))
        get_session().commit()
    return render_partial("staff/index.html", "staff/_merchant_results.html", q=text, merchants=found)


@bp.route("/orders")
@requires("support")
def find_orders():
    """Search orders of every merchant by number and date."""
    number = request.args.get("number", "").strip()[:100]
    since, until = parse_day(request.args.get("since")), parse_day(request.args.get("until"))
    session = get_session()
    orders = search.find_orders(session, number, since, until)
    tenants = search.tenant_names(session, {o.tenant_id for o in orders})
    for tenant_id in tenants:
        audit.record(session, g.staff, tenant_id, "view_orders", search=number, since=str(since or ""),
                     until=str(until or ""))
    session.commit()
    return render_partial("staff/orders.html", "staff/_order_results.html", orders=orders, tenants=tenants,
                          number=number, since=since.isoformat() if since else "",
                          until=until.isoformat() if until else "")


@bp.route("/merchants/<int:tenant_id>")
@requires("support")
def show_merchant(tenant_id: int):
    """One merchant: connections and dots, contract, subscription, the Report tab, tickets, audit."""
    session = get_session()
    tenant = tenant_or_404(tenant_id)
    audit.record(session, g.staff, tenant.id, "view_merchant")
    session.commit()
    context = merchants.overview(session, tenant)
    return render_template("staff/merchant.html", **context, **tab_page(tenant.id, "report"),
                           audit_entries=audit.for_tenant(session, tenant.id, limit=20))


def tab_page(tenant_id: int, tab: str, page: int = 1, *args) -> dict:
    """One page of the merchant's tab, paged as their own dashboard pages it (keyset below page 1)."""
    return orderpages.tab_page(get_session(), tenant_id, tab, page, current_app.config["PAGE_SIZE"], *args)


@bp.route("/merchants/<int:tenant_id>/tab/<tab>")
@requires("support")
def show_tab(tenant_id: int, tab: str):
    """The merchant's Report, Errors or Open list as they see it, read-only."""
    if tab not in TAB_STATES:
        abort(404)
    session = get_session()
    tenant = tenant_or_404(tenant_id)
    context = tab_page(tenant.id, tab, page_number(), request.args.get("q", "").strip()[:100],
                       parse_day(request.args.get("since")), parse_day(request.args.get("until")),
                       order_cursor("after"), order_cursor("before"))
    audit.record(session, g.staff, tenant.id, "view_orders", tab=tab, page=context["page"])
    session.commit()
    return render_template("staff/_tab.html", tenant=tenant, **context)


@bp.route("/merchants/<int:tenant_id>/orders/<int:order_id>")
@requires("support")
def show_order(tenant_id: int, order_id: int):
    """More info on one order: the explanation, the fix, the calls and answers, the lines as the merchant sees them."""
    session = get_session()
    tenant = tenant_or_404(tenant_id)
    order = order_of(tenant, order_id)
    audit.record(session, g.staff, tenant.id, "view_order", order=order.number)
    session.commit()
    return render_template("staff/_order_info.html", order=order, calls=merchants.order_calls(session, order))
