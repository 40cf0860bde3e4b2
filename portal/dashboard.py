"""The merchant dashboard: Report, Errors and Open tabs and the two connection dots."""
from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext
from flask_login import current_user, login_required

from portal import orderpages
from portal.deliveries import unreadable_count
from portal.extensions import get_session
from portal.connect import login_site
from portal.headers import forms_post_to
from portal.htmx import render_partial
from portal.tenancy import connections, order_or_404, tenant
from worker import connectors, ratelimit, subscription
from worker.onboarding import installation_missing
from worker.models import Connection, Order
from worker.models.orders import TAB_STATES
from worker.pipeline import reconcile

bp = Blueprint("dashboard", __name__)

# Tab → the order states it lists.
# Report lists what was booked and what was skipped (cancelled before it was transferred), with why.
TABS = TAB_STATES
MAX_PAGE = 100_000


def parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def tab_page(tab: str, page: int, search: str, since: dt.date | None, until: dt.date | None,
             after: int | None = None, before: int | None = None) -> dict:
    """One page of the tab's orders for this tenant only: newest first, Errors grouped by cause."""
    size, session = current_app.config["PAGE_SIZE"], get_session()
    where = orderpages.conditions(current_user.tenant_id, tab, search, since, until)
    total = orderpages.capped_count(session, where)
    # Links below page 1 carry the row they continue from (keyset); Errors, sorted by cause, uses page numbers.
    keyset = tab != "errors"
    after_key = orderpages.cursor_key(session, where, after) if keyset and page > 1 else None
    before_key = orderpages.cursor_key(session, where, before) if keyset and page > 1 and not after_key else None
    ids, older = orderpages.page_ids(session, where, tab == "errors", (page - 1) * size, size, after_key, before_key)
    orders = orderpages.load(session, ids)
    capped = total > orderpages.COUNT_CAP
    return {"tab": tab, "orders": orders, "groups": group_by_cause(orders) if tab == "errors" else [],
            "page": page, "pages": max(1, -(-min(total, orderpages.COUNT_CAP) // size)), "total": total,
            "capped": capped, "cap": orderpages.COUNT_CAP, "has_older": older, "keyset": keyset,
            "cursor": {"after": after_key and after, "before": before_key and before}, "search": search,
            "since": since.isoformat() if since else "", "until": until.isoformat() if until else ""}


def group_by_cause(orders: list[Order]) -> list[dict]:
    """Failed orders with the same error and message together, so one fix is made once."""
    groups: list[dict] = []
    for order in orders:
        if not groups or (groups[-1]["code"], groups[-1]["message"]) != (order.error_code, order.error_message):
            groups.append({"code": order.error_code, "message": order.error_message, "help": order.error_help,
                           "orders": []})
        groups[-1]["orders"].append(order)
    return groups


def transfers_running(waiting_for: str) -> bool:
    """True while any of the tenant's orders is being transferred, or ``waiting_for`` has not arrived."""
    session = get_session()
    mine = Order.tenant_id == current_user.tenant_id
    if session.execute(sa.select(Order.id).where(mine, Order.state == "queued").limit(1)).first():
        return True
    if waiting_for:
        done = sa.select(Order.id).where(mine, Order.number == waiting_for, Order.state.in_(("posted", "failed", "open")))
        return session.execute(done.limit(1)).first() is None
    return False


@bp.app_template_global()
def shop_status_label(order: Order) -> str:
    """The order's shop status as the shop names it, in the viewer's language (raw code if unknown)."""
    source = get_session().get(Connection, order.connection_id)
    labels = connectors.get(source.system).status_labels_for(source) if source else {}
    return gettext(labels[order.shop_status]) if order.shop_status in labels else order.shop_status


@bp.app_template_global()
def pauses_for(connection) -> list[dict]:
    """Endpoints we stopped calling because the remote refused too much this hour (and until when)."""
    if connection is None or connection.role != "target":
        return []
    prefix = connectors.get(connection.system).error_budget_prefix
    return ratelimit.exhausted_error_budgets(connection.id, prefix) if prefix else []


@bp.app_template_global()
def reconciliation_notes() -> list[str]:
    """What the nightly reconciliation found in this tenant's administration, as sentences."""
    found = reconcile.current(get_session(), current_user.tenant_id)
    return [reconcile.describe(finding, gettext) for finding in found]


@bp.route("/")
@login_required
@forms_post_to(login_site)
def index():
    """The dashboard with the Report tab open."""
    return show_tab("report")


def page_number() -> int:
    """The ``page`` argument: 1 when missing or below 1; past MAX_PAGE is a bad request."""
    page = request.args.get("page", 1, type=int)
    if page > MAX_PAGE:
        abort(400)
    return max(1, page)


def order_cursor(name: str) -> int | None:
    """A keyset link's order id (``after``/``before``); one no order id can have is a bad request."""
    value = request.args.get(name, type=int)
    if value is not None and not 0 < value < 2**31:
        abort(400)
    return value


@bp.route("/tab/<tab>")
@login_required
@forms_post_to(login_site)
def show_tab(tab: str):
    """One tab of the dashboard (the table only, for htmx)."""
    if tab not in TABS:
        abort(404)
    context = tab_page(tab, page_number(), request.args.get("q", "").strip()[:200],
                       parse_day(request.args.get("since")), parse_day(request.args.get("until")),
                       order_cursor("after"), order_cursor("before"))
    # A demo order is awaited for at most a minute: the list never polls forever.
    until_ts = request.args.get("until_ts", 0, type=int)
    waiting_for = request.args.get("waiting", "")[:100] if until_ts > time.time() else ""
    me, mine = tenant(), connections()
    return render_partial("dashboard/index.html", "dashboard/_tab.html", tenant=me, connections=mine,
                          missing=installation_missing(me, mine), hold=subscription.hold_reason(me),
                          polling=transfers_running(waiting_for), waiting=waiting_for, unreadable=unreadable_count(),
                          until_ts=until_ts, **context)


@bp.route("/status")
@login_required
def show_status():
    """The two connection dots (polled by the dashboard)."""
    return render_template("dashboard/_status.html", connections=connections())


@bp.route("/orders/<int:order_id>")
@login_required
def show_order(order_id: int):
    """One order: where it is, and what was sent and answered."""
    return render_template("dashboard/order.html", order=order_or_404(order_id), tenant=tenant())
