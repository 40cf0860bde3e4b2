"""The VIES check of an intra-EU B2B order, as a step of its own before the merchant's lock is taken."""
from __future__ import annotations

from worker import db
from worker.models import Order
from worker.pipeline import intake, prechecks
from worker.pipeline.messages import unreadable
from worker.pipeline.outcome import fail
from worker.unreadable import Unreadable


def check_vat_number(order_id: int) -> None:
    """VIES first, without holding the merchant's lock (VIES being down must not stall other orders)."""
    try:
        with db.session_scope() as session:
            order = session.get(Order, order_id)
            if order is None or order.state != "queued":
                return
            target = intake.target_of(session, order.tenant_id)
            canonical = intake.canonical_of(session, order)
            found, proof = prechecks.check_icp_vat_number(
                canonical, (target.settings if target else {}).get("own_vat_number"), order.vat_check)
            if found is None:
                order.vat_check = proof
                intake.defer_processing(session, order)
    except Unreadable as exc:
        fail(order_id, unreadable(exc))
        return
    if found is not None:
        fail(order_id, found)
