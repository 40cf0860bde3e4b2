"""How an order ends when it does not reach the books: in Errors, explained in the merchant's language."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import orm

from worker import db
from worker.models import Order, Tenant
from worker.models.base import utcnow
from worker.pipeline.messages import Problem

# Targets round VAT per line or per document; up to two cents apart is the same total.
POST_CHECK_TOLERANCE = Decimal("0.02")


def post_check(ours: Decimal, theirs: str | None) -> Decimal | None:
    """The target's total minus ours when they differ by more than two cents (shown and e-mailed)."""
    if theirs is None:
        return None
    difference = Decimal(theirs).quantize(Decimal("0.01")) - ours
    return difference if abs(difference) > POST_CHECK_TOLERANCE else None


def customer_differs(ours: str | None, theirs: str | None) -> bool:
    """Whether the document names another customer than the order (compared by e-mail, case-blind)."""
    return bool(theirs and ours) and theirs.strip().lower() != ours.strip().lower()


def fail_in(session: orm.Session, order: Order, found: Problem, response: object = None) -> None:
    """Move ``order`` to Errors in ``session``; a posting the remote refused is marked failed."""
    tenant = session.get(Tenant, order.tenant_id)
    found = found.in_language(tenant.language if tenant is not None else "en")
    order.state, order.error_code, order.failed_at = "failed", found.code, utcnow()
    order.error_message, order.error_help, order.error_values = found.message, found.help, found.stored_values()
    order.retry_at = None
    posting = order.posting
    if posting is not None and posting.state in ("in_flight", "in_doubt") and response is not None:
        posting.state, posting.last_response = "failed", {"answer": response}


def fail(order_id: int, found: Problem, response: object = None) -> None:
    """Move the order to Errors in a transaction of its own."""
    with db.session_scope() as session:
        fail_in(session, session.get(Order, order_id), found, response)
