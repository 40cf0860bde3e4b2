"""Processing one order into its target, exactly once (reference/reliability.md A4).

1. Under the target's job lock: re-check the order's state, map it, run the pre-checks.
2. A posting row records every attempt. A posting that is ``in_flight`` or ``in_doubt`` from an
   earlier attempt may already exist remotely, so it is looked up by our reference first.
3. The posting is committed as ``in_flight`` right before the document is sent; an answer that
   never came marks it ``in_doubt``; a success records the remote id in the same transaction that
   moves the order to Report.
"""
from __future__ import annotations

import dataclasses
import logging
from decimal import Decimal

from worker import calllog, connectors, db
from worker.canonical import Order as CanonicalOrder
from worker.connectors.errors import (
    OutcomeUnknown, ReauthRequired, RemoteRejected, RemoteUnavailable, Throttled)
from worker.connectors.exact.mapping import MappingError
from worker.models import Connection, Order, Posting, Tenant
from worker.models.base import utcnow
from worker.pipeline import intake, prechecks
from worker.pipeline.messages import Problem, problem, unreadable
from worker.unreadable import Unreadable

log = logging.getLogger(__name__)
# Targets round VAT per line or per document; up to two cents apart is the same total.
POST_CHECK_TOLERANCE = Decimal("0.02")
RETRIED_LATER = (Throttled, OutcomeUnknown, RemoteUnavailable)


class Stop(Exception):
    """The order ends here, in Errors, with ``problem``."""

    def __init__(self, found: Problem):
        super().__init__(found.code)
        self.problem = found


@dataclasses.dataclass
class Plan:
    """What phase 1 decided: which posting, into which target, of which order."""

    order_id: int
    posting_id: int
    posting_state: str
    document_type: str
    reference: str
    target: Connection
    canonical: CanonicalOrder


def process_order(order_id: int) -> None:
    """Process one order; remote hiccups propagate (the job retries), anything else lands in Errors."""
    try:
        with calllog.for_order(order_id):
            _process(order_id)
    except Stop as stop:
        fail(order_id, stop.problem)
    except RETRIED_LATER:
        raise
    except Exception as exc:
        if db.unavailable(exc):
            raise  # Postgres restarting is no fault of the order: the job tries again
        log.exception("order %s: unexpected error", order_id)
        fail(order_id, problem("INTERNAL_ERROR"))
        raise


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
            if found:
                raise Stop(found)
            order.vat_check = proof
            intake.defer_processing(session, order)
    except Stop as stop:
        fail(order_id, stop.problem)
    except Unreadable as exc:
        fail(order_id, unreadable(exc))


def _process(order_id: int) -> None:
    plan = _begin(order_id)
    if plan is None:
        return
    documents = connectors.get(plan.target.system).documents(plan.target)
    if plan.posting_state in ("in_flight", "in_doubt"):
        found = documents.find(plan.document_type, plan.reference)
        if found:
            _record(plan, found)
            return
    try:
        remote = documents.create(plan.document_type, plan.canonical, before_send=lambda body: _sending(plan, body))
    except MappingError as exc:
        raise Stop(problem(exc.code, detail=str(exc))) from exc
    except ReauthRequired as exc:
        raise Stop(problem("REAUTH_REQUIRED", detail=str(exc))) from exc
    except RemoteRejected as exc:
        fail(order_id, problem("TARGET_REJECTED", detail=exc.message), response=exc.body or exc.message)
        return
    except OutcomeUnknown:
        _set_posting(plan.posting_id, "in_doubt")
        raise
    except (Throttled, RemoteUnavailable):
        _set_posting(plan.posting_id, "pending", only_from="in_flight")
        raise
    _record(plan, remote)


def _begin(order_id: int) -> Plan | None:
    """Phase 1: None when there is nothing to do; ``Stop`` when a pre-check fails."""
    with db.session_scope() as session:
        order = session.get(Order, order_id)
        if order is None or order.state in ("posted", "skipped"):
            return None
        source = session.get(Connection, order.connection_id)
        source_cls = connectors.get(source.system)
        if order.shop_status not in source_cls.transfer_statuses(source):
            order.state = "open"
            return None
        if not session.get(Tenant, order.tenant_id).transfers_allowed():
            order.state = "held"
            return None
        target = intake.target_of(session, order.tenant_id)
        if target is None or not target.settings.get("division"):
            raise Stop(problem("NOT_CONNECTED"))
        try:
            canonical = source_cls.to_canonical(order.payload)
        except Unreadable as exc:
            raise Stop(unreadable(exc)) from exc
        found = prechecks.run(canonical, target.settings)
        if found:
            raise Stop(found)
        found, proof = prechecks.check_icp_vat_number(canonical, target.settings.get("own_vat_number"),
                                                      order.vat_check)
        if found:
            raise Stop(found)
        order.vat_check = proof  # normally checked already by check_vat_number, without the lock
        posting = order.posting or _new_posting(session, order, target, canonical)
        session.flush()
        return Plan(order.id, posting.id, posting.state, posting.document_type, posting.reference, target, canonical)


def _new_posting(session, order: Order, target: Connection, canonical: CanonicalOrder) -> Posting:
    posting = Posting(tenant_id=order.tenant_id, order_id=order.id, target_connection_id=target.id,
                      reference=canonical.number, document_type=target.settings.get("document_type", "invoice"))
    session.add(posting)
    return posting


def _sending(plan: Plan, body: dict) -> None:
    """Commit the posting as in flight, with the body, before the document leaves."""
    with db.session_scope() as session:
        posting = session.get(Posting, plan.posting_id)
        posting.state, posting.attempts = "in_flight", posting.attempts + 1
        posting.last_request = body


def _set_posting(posting_id: int, state: str, only_from: str | None = None) -> None:
    with db.session_scope() as session:
        posting = session.get(Posting, posting_id)
        if only_from is None or posting.state == only_from:
            posting.state = state


def _record(plan: Plan, remote) -> None:
    """Phase 3: the document exists; store its id and move the order to Report, together."""
    with db.session_scope() as session:
        posting = session.get(Posting, plan.posting_id)
        posting.state, posting.posted_at = "posted", utcnow()
        posting.remote_id, posting.remote_number, posting.remote_status = remote.remote_id, remote.number, remote.status
        posting.last_response = dataclasses.asdict(remote)
        order = session.get(Order, plan.order_id)
        order.state = "posted"
        order.error_code = order.error_message = order.error_help = None
        order.total_difference = post_check(plan.canonical.total_incl, remote.total)


def post_check(ours: Decimal, theirs: str | None) -> Decimal | None:
    """The target's total minus ours when they differ by more than two cents (shown and e-mailed)."""
    if theirs is None:
        return None
    difference = Decimal(theirs).quantize(Decimal("0.01")) - ours
    return difference if abs(difference) > POST_CHECK_TOLERANCE else None


def fail(order_id: int, found: Problem, response: object = None) -> None:
    """Move the order to Errors, explained in the merchant's language; a refused posting is marked failed."""
    with db.session_scope() as session:
        order = session.get(Order, order_id)
        intake.put_in_errors(session, order, found)
        posting = order.posting
        if posting is not None and posting.state == "in_flight" and response is not None:
            posting.state, posting.last_response = "failed", {"answer": response}
