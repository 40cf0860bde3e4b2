"""The merchant dashboard: Report, Errors and Open tabs and the two connection dots."""
from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale, gettext
from flask_login import current_user, login_required

from portal import journals, orderpages
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
from worker.pipeline import backlog, reconcile
from worker.pipeline.messages import order_problem

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
    context = orderpages.tab_page(get_session(), current_user.tenant_id, tab, page, current_app.config["PAGE_SIZE"],
                                  search, since, until, after, before)
    return {**context, "groups": group_by_cause(context["orders"]) if tab == "errors" else []}


def group_by_cause(orders: list[Order]) -> list[dict]:
    """Failed orders with the same error and message together, so one fix is made once."""
    groups: list[dict] = []
    for order in orders:
        if not groups or (groups[-1]["code"], groups[-1]["stored"]) != (order.error_code, order.error_message):
            shown = problem_of(order)
            groups.append({"code": order.error_code, "stored": order.error_message, "message": shown.message,
                           "help": shown.help, "orders": []})
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
def problem_of(order: Order, language: str | None = None):
    """The order's error (``message``, ``help``) in the viewer's language, or in ``language``."""
    return order_problem(order, language or str(get_locale()))


@bp.app_template_global()
def backlog_for(connection):
    """Orders waiting for the accounting system's hourly document limit, and when they will all be sent."""
    if connection is None or connection.role != "target":
        return None
    return backlog.of_target(get_session(), connection)


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
    me, mine = tenant(), connections()
    if journals.lists(mine) == "journals":  # the integration's documents are journals: their partials, same tabs
        context = journals.tab_context(tab, page_number(), order_cursor("after"), order_cursor("before"))
        return render_partial("dashboard/index.html", "dashboard/_tab.html", tenant=me, connections=mine,
                              missing=None, hold=subscription.hold_reason(me), unreadable=0, **context)
    context = tab_page(tab, page_number(), request.args.get("q", "").strip()[:200],
                       parse_day(request.args.get("since")), parse_day(request.args.get("until")),
                       order_cursor("after"), order_cursor("before"))
    # A demo order is awaited for at most a minute: the list never polls forever.
    until_ts = request.args.get("until_ts", 0, type=int)
    waiting_for = request.args.get("waiting", "")[:100] if until_ts > time.time() else ""
    return render_partial("dashboard/index.html", "dashboard/_tab.html", tenant=me, connections=mine,
                          missing=installation_missing(me, mine), hold=subscription.hold_reason(me),
                          polling=transfers_running(waiting_for), waiting=waiting_for, unreadable=unreadable_count(),
                          until_ts=until_ts, counts=tab_counts(), **context)


def tab_counts() -> dict[str, int]:
    """How many orders wait in Errors and Open (capped), shown beside the tab names."""
    session = get_session()
    return {tab: orderpages.capped_count(session, orderpages.conditions(current_user.tenant_id, tab, "", None, None))
            for tab in ("errors", "open")}


@bp.route("/status")
@login_required
def show_status():
    """The two connection dots (polled by the dashboard)."""
    return render_template("dashboard/_status.html", connections=connections(), tenant=tenant())


@bp.route("/orders/<int:order_id>")
@login_required
def show_order(order_id: int):
    """One order: where it is, and what was sent and answered."""
    back = request.args.get("tab") if request.args.get("tab") in TABS else "report"
    return render_template("dashboard/order.html", order=order_or_404(order_id), tenant=tenant(), back=back)
