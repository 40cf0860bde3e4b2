"""A polled source reads at most its declared number of Open orders again per run (Amazon: 30, manual 002),
the longest unchecked first, so every waiting order is looked at within a few runs and none is starved."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.amazon import amazon_merchant, control, item, no_lag, place
from worker import db
from worker.models import Order
from worker.models.base import utcnow
from worker.pipeline import polling


def checked_since(merchant: dict, moment) -> set[str]:
    with db.session_scope() as session:
        return set(session.execute(sa.select(Order.shop_order_id).where(
            Order.tenant_id == merchant["tenant_id"], Order.status_checked_at >= moment)).scalars())


def budgets_renew() -> None:
    """A minute passes, for Amazon's token bucket and for our own rate budgets (getOrder: 30 a minute)."""
    control("/clock", {"seconds": 120})
    with db.engine().begin() as conn:
        conn.execute(sa.text("UPDATE rate_budgets SET resets_at = now() - interval '1 second'"))


def test_open_orders_are_read_again_thirty_a_run_longest_unchecked_first(sandboxes):
    merchant = amazon_merchant(transfer="Shipped")
    no_lag()
    placed = {place(merchant["spid"], item("9.99"))["orderId"] for _ in range(35)}  # Pending: they wait in Open
    polling.run(merchant["source"].id)
    with db.session_scope() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Order).where(
            Order.tenant_id == merchant["tenant_id"], Order.state == "open")).scalar_one() == 35

    budgets_renew()
    first = utcnow()
    polling.reread_open(merchant["source"].id, polling.Run(started=first, watermark=first))
    once = checked_since(merchant, first)
    assert len(once) == 30  # the run's budget, not all 35

    budgets_renew()
    second = utcnow()
    polling.reread_open(merchant["source"].id, polling.Run(started=second, watermark=second))
    again = checked_since(merchant, second)
    assert placed - once <= again  # the five left over go first in the next run
    assert once | again == placed
