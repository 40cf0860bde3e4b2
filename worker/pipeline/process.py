"""Processing one order into its target, exactly once (reference/reliability.md A4).

1. Under the target's job lock: re-check the order's state, map it, run the pre-checks.
2. A posting row records every attempt. A posting that was sent before (``in_flight``,
   ``in_doubt``, or ``failed`` on an answer) may already exist remotely, so it is looked up by our
   reference right before anything is sent again; an ``in_flight``/``in_doubt`` one only once the
   settle window after its sending has passed, because a slow remote may commit after our timeout.
3. The posting is committed as ``in_flight`` right before the document is sent; an answer that
   never came, or a 500, marks it ``in_doubt``; a success records the remote id in the same
   transaction that moves the order to Report.
4. Waiting (rate limit, back-off, settle window) happens outside the lock (``waiting``).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import sqlalchemy as sa

from worker import calllog, connectors, db
from worker.canonical import Order as CanonicalOrder
from worker.connectors.errors import (
    MappingError, OutcomeUnknown, ReauthRequired, RemoteRejected, RemoteUnavailable, Throttled)
from worker.models import Connection, Order, Posting, Tenant
from worker.models.base import utcnow
from worker.pipeline import booked, debtors, intake, prechecks, waiting
from worker.pipeline.messages import Problem, problem, unreadable
from worker.pipeline.outcome import customer_differs, fail, post_check
from worker.unreadable import Unreadable

log = logging.getLogger(__name__)
RETRIED_LATER = (Throttled, OutcomeUnknown, RemoteUnavailable, waiting.Settling)
# Posting states whose document may exist remotely: looked up before anything is sent again.
MAYBE_SENT = ("in_flight", "in_doubt", "failed")


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
    sent_at: dt.datetime | None = None
    # The remote's answer to the last POST when that answer left the outcome in doubt (a 500).
    doubtful_answer: dict | None = None


def process_order(order_id: int) -> None:
    """Process one order; remote hiccups make it wait (without the lock), anything else lands in Errors."""
    try:
        with calllog.for_order(order_id):
            _process(order_id)
    except Stop as stop:
        fail(order_id, stop.problem)
    except RETRIED_LATER as exc:
        waiting.wait(order_id, exc, _sent_at(order_id))
    except Exception as exc:
        if db.unavailable(exc):
            raise  # Postgres restarting is no fault of the order: the job tries again
        log.exception("order %s: unexpected error", order_id)
        fail(order_id, problem("INTERNAL_ERROR"))
        raise


def _process(order_id: int) -> None:
    plan = _begin(order_id)
    if plan is None:
        return
    documents = connectors.get(plan.target.system).documents(plan.target)
    if plan.posting_state in MAYBE_SENT and _look_up(plan, documents):
        return
    try:
        remote = documents.create(plan.document_type, plan.canonical,
                                  before_send=lambda body: _sending(plan, body, document=True))
    except MappingError as exc:
        raise Stop(problem(exc.code, detail=str(exc), **exc.values)) from exc
    except ReauthRequired as exc:
        raise Stop(problem("REAUTH_REQUIRED", detail=str(exc))) from exc
    except RemoteRejected as exc:
        _rejected(plan, exc)
        return
    except OutcomeUnknown as exc:
        # Only a 500 can be the target refusing the document; 502-504 and no answer are resent once absent.
        answer = None if exc.status != 500 else {
            "status": 500, "message": exc.remote_message or exc.message, "answer": exc.body}
        _set_posting(plan.posting_id, "in_doubt", last_response=answer)
        raise
    except (Throttled, RemoteUnavailable):
        _set_posting(plan.posting_id, "pending", only_from="in_flight")
        raise
    _record(plan, remote)


def _rejected(plan: Plan, exc: RemoteRejected) -> None:
    fail(plan.order_id, problem("TARGET_REJECTED", detail=exc.message, system=connectors.get(plan.target.system).name),
         response=exc.body or exc.message)


def _completed(plan: Plan, documents, found):
    """The found document with what belongs to it: a target whose document has a follow-up (a payment
    booked against it) declares ``complete``, which looks that up by our reference and sends it only
    when missing, so an answer lost between the document and its follow-up never loses or doubles either.
    The follow-up is committed as in flight before it leaves, like the document, so its settle window holds."""
    complete = getattr(documents, "complete", None)
    if complete is None:
        return found
    return complete(plan.document_type, plan.canonical, found, before_send=lambda body: _sending(plan, body))


def _look_up(plan: Plan, documents) -> bool:
    """Resolve a posting that may exist remotely; True when that settled the order.

    Raises ``waiting.Settling`` while a slow remote may still commit what was sent. A 500 whose
    document is not there after the settle window was a refusal: the order goes to Errors with it.
    """
    settled = waiting.settled_at(plan.sent_at)
    if plan.posting_state != "failed" and settled is not None and settled > utcnow():
        raise waiting.Settling(settled)
    found = documents.find(plan.document_type, plan.reference)
    if found:
        try:
            found = _completed(plan, documents, found)
        except RemoteRejected as exc:
            _rejected(plan, exc)
            return True
        _record(plan, found)
        return True
    if plan.doubtful_answer:
        answer = plan.doubtful_answer
        system = connectors.get(plan.target.system).name
        fail(plan.order_id, problem("TARGET_REJECTED", detail=answer.get("message"), system=system),
             response=answer.get("answer") or answer.get("message"))
        return True
    return False


def _begin(order_id: int) -> Plan | None:
    """Phase 1: None when there is nothing to do; ``Stop`` when a pre-check fails."""
    with db.session_scope() as session:
        order = session.get(Order, order_id)
        if order is None or order.state in ("posted", "skipped"):
            return None
        source = session.get(Connection, order.connection_id)
        source_cls = connectors.get(source.system)
        if source_cls.skip_reason(order.payload):
            intake.skip_not_a_sale(session, order, source_cls.skip_reason(order.payload))
            return None
        if order.shop_status in source_cls.cancelled_statuses:
            intake.skip_cancelled(session, order, source_cls)
            return None
        if order.shop_status not in source_cls.transfer_statuses(source):
            order.state = "open"
            return None
        if not session.get(Tenant, order.tenant_id).transfers_allowed():
            order.state = "held"
            return None
        target = intake.target_of(session, order.tenant_id)
        if target is None or not connectors.get(target.system).is_ready(target):
            raise Stop(problem("NOT_CONNECTED"))
        canonical = _checked(session, order, source_cls, target)
        posting = order.posting or _new_posting(session, order, target, canonical, source)
        session.flush()
        canonical = dataclasses.replace(canonical, number=posting.reference)  # the reference in the books
        doubtful = posting.last_response if posting.state == "in_doubt" and posting.last_response else None
        return Plan(order.id, posting.id, posting.state, posting.document_type, posting.reference, target, canonical,
                    posting.sent_at, doubtful)


def _checked(session, order: Order, source_cls, target: Connection) -> CanonicalOrder:
    """The order read by its source and passed through every pre-check (``Stop`` at the first problem)."""
    try:
        canonical = intake.booked(source_cls, order.payload, target)
    except Unreadable as exc:
        raise Stop(unreadable(exc)) from exc
    target_cls = connectors.get(target.system)
    document_type = order.posting.document_type if order.posting else _document_type(target)
    found = prechecks.run(canonical, target.settings, target_cls, document_type)
    if found:
        raise Stop(found)
    canonical, found = debtors.apply(canonical, target, session.get(Connection, order.connection_id))
    if found:
        raise Stop(found)
    found, proof = prechecks.check_icp_vat_number(canonical, target.settings.get("own_vat_number"),
                                                  order.vat_check)
    if found:
        raise Stop(found)
    order.vat_check = proof  # normally checked already by check_vat_number, without the lock
    return canonical


def _document_type(target: Connection) -> str:
    return target.settings.get("document_type", "invoice")


def _new_posting(session, order: Order, target: Connection, canonical: CanonicalOrder,
                 source: Connection) -> Posting:
    """A posting under the shop's reference; ``Stop`` when another order already has it in this administration."""
    reference = ((source.settings.get("reference_prefix") or "") + canonical.number)[:100]
    other = _same_reference(session, target, reference)
    if other is not None:
        raise Stop(_duplicate(other))
    posting = Posting(tenant_id=order.tenant_id, order_id=order.id, target_connection_id=target.id,
                      reference=reference, document_type=_document_type(target))
    session.add(posting)
    return posting


def _same_reference(session, target: Connection, reference: str) -> Posting | None:
    """A posting with ``reference`` in the same administration, through this connection or another one."""
    target_cls = connectors.get(target.system)
    here = target_cls.administration_key(target)
    rows = session.execute(sa.select(Posting, Connection).join(
        Connection, Connection.id == Posting.target_connection_id).where(
        Connection.system == target.system, Posting.reference == reference)).all()
    return next((posting for posting, connection in rows
                 if connection.id == target.id or target_cls.administration_key(connection) == here), None)


def _duplicate(other: Posting) -> Problem:
    document = other.remote_number or other.remote_id or "-"
    when = other.order.order_date.isoformat() if other.order.order_date else "-"
    return problem("DUPLICATE_REFERENCE", reference=other.reference, other=other.order.number, other_date=when,
                   document=document)


def _sending(plan: Plan, body: dict, document: bool = False) -> None:
    """Commit the posting as in flight, with the body, before the document leaves.

    ``document``: the body is (part of) the document ``create`` sends, so the order as read for it is
    kept as what is booked (``booked.py``). A follow-up ``complete`` sends after finding a document sent
    earlier keeps that earlier snapshot: ``plan.canonical`` is today's reading, not what that document holds.
    """
    with db.session_scope() as session:
        posting = session.get(Posting, plan.posting_id)
        posting.state, posting.attempts = "in_flight", posting.attempts + 1
        posting.last_request, posting.last_response, posting.sent_at = body, None, utcnow()
        if document:
            posting.booked = booked.snapshot(plan.canonical)


def _set_posting(posting_id: int, state: str, only_from: str | None = None, **changes) -> None:
    with db.session_scope() as session:
        posting = session.get(Posting, posting_id)
        if only_from is None or posting.state == only_from:
            posting.state = state
            for name, value in changes.items():
                setattr(posting, name, value)


def _sent_at(order_id: int) -> dt.datetime | None:
    with db.session_scope() as session:
        return session.execute(sa.select(Posting.sent_at).where(Posting.order_id == order_id)).scalar()


def _record(plan: Plan, remote) -> None:
    """Phase 3: the document exists; store its id and move the order to Report, together."""
    with db.session_scope() as session:
        posting = session.get(Posting, plan.posting_id)
        posting.state, posting.posted_at = "posted", utcnow()
        posting.remote_id, posting.remote_number, posting.remote_status = remote.remote_id, remote.number, remote.status
        differs = customer_differs(plan.canonical.customer.email, remote.customer)
        posting.last_response = {**dataclasses.asdict(remote), "customer_differs": differs}
        order = session.get(Order, plan.order_id)
        order.state = "posted"
        order.error_code = order.error_message = order.error_help = order.error_values = None
        order.total_difference = post_check(plan.canonical.total_incl, remote.total)
