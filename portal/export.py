"""Report as CSV for a period: what an accountant asks first (which orders were booked, as what)."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask import Blueprint, Response, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import orm

from portal.dashboard import parse_day
from portal.extensions import get_session
from portal.orderpages import conditions
from worker.models import Order

bp = Blueprint("export", __name__, url_prefix="/export")
BATCH = 1000


def _columns() -> list[str]:
    return [_("Order"), _("Date"), _("Customer"), _("Total"), _("Currency"), _("Status"), _("Document"),
            _("Document number"), _("Transferred"), _("Reason")]


def _row(order: Order) -> list[str]:
    posting = order.posting
    posted = order.state == "posted"
    return [order.number, order.order_date.isoformat() if order.order_date else "", order.customer_name or "",
            f"{order.total:.2f}" if order.total is not None else "", order.currency or "EUR",
            _("Transferred") if posted else _("Not transferred"),
            posting.document_type if posted and posting else "", (posting.remote_number or posting.remote_id or "")
            if posted and posting else "", posting.posted_at.isoformat(timespec="seconds")
            if posted and posting and posting.posted_at else "", "" if posted else (order.error_message or "")]


def _lines(tenant_id: int, since, until):
    """The CSV text in batches, oldest first, read by keyset so a year of orders never sits in memory."""
    where, last = conditions(tenant_id, "report", "", since, until), 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # Dutch Excel opens ';' as columns (',' is the decimal mark)
    writer.writerow(_columns())
    while True:
        batch = get_session().execute(sa.select(Order).where(*where, Order.id > last).order_by(Order.id)
                                      .limit(BATCH).options(orm.selectinload(Order.posting))).scalars().all()
        for order in batch:
            writer.writerow(_row(order))
        yield buffer.getvalue()
        buffer.seek(0), buffer.truncate(0)
        if len(batch) < BATCH:
            return
        last = batch[-1].id


@bp.route("/report.csv")
@login_required
def report():
    """Download Report (booked and not transferred orders) for the chosen period as CSV."""
    since, until = parse_day(request.args.get("since")), parse_day(request.args.get("until"))
    name = f"koppel-report-{since or 'begin'}-{until or 'today'}.csv"
    return Response(stream_with_context(_lines(current_user.tenant_id, since, until)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
