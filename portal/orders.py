"""Actions on one order row: More info, Process, Report problem; each swaps only its own row."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import deliveries
from portal.extensions import get_session
from portal.tenancy import order_or_404
from worker import support
from worker.connectors.errors import RemoteError
from worker.models import Order, RemoteCall
from worker.pipeline import retry
from worker.unreadable import Unreadable

bp = Blueprint("orders", __name__, url_prefix="/orders")
TAB_OF_STATE = {"posted": "report", "failed": "errors", "open": "open", "queued": "open", "held": "open",
                "skipped": "report"}


def render_row(order: Order, note: str | None = None, tab: str | None = None):
    tab = tab or request.values.get("tab") or TAB_OF_STATE[order.state]
    return render_template("dashboard/_order_row.html", order=order, tab=tab, note=note, live=True)


@bp.route("/<int:order_id>/row")
@login_required
def show_row(order_id: int):
    """One row as it stands now (polled while the order is being transferred)."""
    return render_row(order_or_404(order_id))


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
    order = order_or_404(order_id)
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
    return render_row(order)


@bp.route("/<int:order_id>/report", methods=["POST"])
@login_required
def report(order_id: int):
    """Report problem: open a ticket with everything webcare needs."""
    session = get_session()
    order = order_or_404(order_id)
    ticket = support.report_problem(session, order, current_user.email)
    session.commit()
    return render_row(order, note=_("Thank you: ticket %(ticket)s was received. Webcare answers by e-mail.",
                                    ticket=ticket.id))
