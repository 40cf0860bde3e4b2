"""Actions on one order row: More info, Process, Report problem; each swaps only its own row."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_time, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import deliveries, problems
from portal.extensions import get_session
from portal.tenancy import order_or_404
from worker import connectors, support
from worker.connectors.errors import RemoteError
from worker.i18n import N_
from worker.models import Connection, Order, RemoteCall
from worker.models.base import utcnow
from worker.pipeline import retry
from worker.unreadable import Unreadable

bp = Blueprint("orders", __name__, url_prefix="/orders")
TAB_OF_STATE = {"posted": "report", "failed": "errors", "open": "open", "queued": "open", "held": "open",
                "skipped": "report"}


@bp.app_template_global()
def vat_proof(proof: dict) -> str:
    """What VIES confirmed for this order's VAT number, in the viewer's language."""
    template = proof.get("template")
    if template:
        return _(template).format(**proof.get("values", {}))
    return proof.get("message", "")


@bp.app_template_global()
def document_link(order: Order) -> str | None:
    """The posted document's page in the accounting system, where the system has an address for it."""
    posting = order.posting
    target = get_session().get(Connection, posting.target_connection_id) if posting else None
    if target is None or not posting.remote_id:
        return None
    return connectors.get(target.system).document_url(target, posting)


def render_row(order: Order, note: str | None = None, tab: str | None = None, tried: str = ""):
    tab = tab or request.values.get("tab") or TAB_OF_STATE[order.state]
    if tried and order.state == "failed" and note is None:
        note = _("Tried again at %(time)s, still: %(message)s", time=tried_time(tried), message=order.error_message)
    return render_template("dashboard/_order_row.html", order=order, tab=tab, note=note, live=True, tried=tried)


def tried_time(tried: str) -> str:
    """The time Process was pressed (carried by the row's polling URL), in the viewer's time format."""
    try:
        return format_time(dt.datetime.fromisoformat(tried), "short")
    except ValueError:
        return ""


@bp.route("/<int:order_id>/row")
@login_required
def show_row(order_id: int):
    """One row as it stands now (polled while the order is being transferred)."""
    return render_row(order_or_404(order_id), tried=request.args.get("tried", "")[:40])


@bp.route("/<int:order_id>/info")
@login_required
def show_info(order_id: int):
    """More info: the explanation, the fix, the calls we made with their answers, what the shop sent."""
    order = order_or_404(order_id)
    calls = get_session().execute(sa.select(RemoteCall).where(RemoteCall.order_id == order.id)
                                  .order_by(RemoteCall.id.desc()).limit(10)).scalars().all()
    return render_template("dashboard/_order_info.html", order=order, calls=calls,
                           deliveries=deliveries.of_order(order.id))


@bp.route("/<int:order_id>/process", methods=["POST"])
@login_required
def process(order_id: int):
    """Process: read the order from the shop again and send it through the pipeline."""
    session = get_session()
    order = order_or_404(order_id, lock=True)  # a double click waits here and then finds the order queued
    if order.state not in ("failed", "open"):
        return render_row(order)
    try:
        retry.process_again(session, order)
    except (RemoteError, Unreadable, KeyError) as exc:
        session.rollback()
        return render_row(order_or_404(order_id), note=_("Your shop did not give us the order just now "
                                                         "(%(error)s). Nothing changed; try again in a minute.",
                                                         error=exc))
    session.commit()
    return render_row(order, tried=utcnow().isoformat(timespec="seconds"))


@bp.route("/process-all", methods=["POST"])
@login_required
def process_all():
    """Process all: every failed order with the same error as the group's, tried again in the background."""
    session = get_session()
    count = retry.process_group(session, current_user.tenant_id, request.form.get("code", "")[:60],
                                request.form.get("message", "")[:2000])
    session.commit()
    flash(ngettext("%(num)d order is being tried again; the Errors tab shows what is left.",
                   "%(num)d orders are being tried again; the Errors tab shows what is left.", count), "success")
    return redirect(url_for("dashboard.show_tab", tab="errors"))


@bp.route("/<int:order_id>/report", methods=["POST"])
@login_required
def report(order_id: int):
    """Report problem: open a ticket with everything webcare needs."""
    order = order_or_404(order_id, lock=True)
    return render_row(order, note=problems.report(get_session(), order, support, N_(
        "Ticket %(ticket)s about this order is already with webcare; they answer by e-mail.")))
