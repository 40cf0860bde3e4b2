"""Looking at an order and the calls made for it to Exact's invoice endpoint, for exactly-once tests."""
from __future__ import annotations

import sqlalchemy as sa

from worker import db
from worker.models import Order, RemoteCall

INVOICES = "salesinvoice/SalesInvoices"


def order_of(number: str) -> Order | None:
    with db.session_scope() as session:
        return session.execute(sa.select(Order).where(Order.number == number)).scalar()


def state_of(number: str) -> str | None:
    order = order_of(number)
    return order.state if order else None


def invoice_calls(number: str) -> list[tuple[str, int | None]]:
    """(method, status) of every call to the invoice endpoint made for this order, oldest first."""
    with db.session_scope() as session:
        rows = session.execute(sa.select(RemoteCall.method, RemoteCall.status, RemoteCall.url)
                               .join(Order, Order.id == RemoteCall.order_id)
                               .where(Order.number == number).order_by(RemoteCall.id)).all()
    return [(method, status) for method, status, url in rows if INVOICES in url]
