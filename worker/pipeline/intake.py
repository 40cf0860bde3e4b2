"""Storing an order that arrived (webhook or poll) and deciding whether it is to be processed."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects.postgresql import insert

from worker import connectors, jobs, selling_rates
from worker.canonical import Order as CanonicalOrder
from worker.i18n import gettext_for
from worker.models import Connection, Order, Tenant
from worker.models.base import utcnow
from worker.pipeline import order_row, outcome
from worker.pipeline.messages import Problem, problem
from worker.pipeline.order_row import CUSTOMER_NAME_LENGTH

UNREAD = object()  # a target connection not read yet (None means the tenant has none)
_DRAFT_JOBS = "intake.draft_jobs"  # session.info key: the jobs of a new order not inserted yet


def target_of(session: orm.Session, tenant_id: int) -> Connection | None:
    """The tenant's accounting connection."""
    return session.execute(sa.select(Connection).where(
        Connection.tenant_id == tenant_id, Connection.role == "target")).scalar()


def canonical_of(session: orm.Session, order: Order) -> CanonicalOrder:
    """The stored order read by its own source's mapping as it would be booked now, with today's VAT settings
    (``Unreadable`` when it cannot be read); what a posted order booked is its posting's ``booked``."""
    source = session.get(Connection, order.connection_id)
    return booked(connectors.get(source.system), order.payload, target_of(session, order.tenant_id))


def booked(source_cls, payload: dict, target: Connection | None) -> CanonicalOrder:
    """The order as it goes into the books: VAT the shop left unstated at the merchant's selling rates."""
    return source_cls.to_canonical_for_books(payload, selling_rates.from_settings(target.settings if target else None))


def queue(session: orm.Session, order: Order, canonical: CanonicalOrder | None = None, target=UNREAD) -> None:
    """Mark ``order`` queued and defer its next step in this transaction.

    An intra-EU B2B order first has its VAT number checked at VIES by a job without a lock, so a
    slow or absent VIES never holds up the merchant's other orders. Intake passes the ``canonical``
    order and the ``target`` it already has, so neither is read again.
    """
    order.state = "queued"
    order.error_code = order.error_message = order.error_help = order.error_values = None
    order.remote_failures, order.retry_at = 0, None  # a new round: Process gives every try back
    if not order.vat_check and _is_icp(session, order, canonical):
        _defer(session, order, "check_vat_number")
    else:
        defer_processing(session, order, target)


def _is_icp(session: orm.Session, order: Order, canonical: CanonicalOrder | None) -> bool:
    try:
        return (canonical or canonical_of(session, order)).vat_regime == "intra_eu_reverse_charge"
    except ValueError:  # unreadable: process_order will put it in Errors with the reason
        return False


def defer_processing(session: orm.Session, order: Order, target=UNREAD) -> None:
    """Defer ``process_order`` under the target connection's lock: one writer per administration.

    Only an order that can reach its target takes the lock. One that cannot (not in a transfer
    status, subscription not active, no administration connected or its login gone) is settled
    here and now, so a
    backlog of them never queues up behind the lock (procrastinate finds lock-waiting jobs only by
    polling, one at a time).
    """
    if order.state != "queued":
        return  # posted, skipped, failed or waiting elsewhere: nothing to send
    target = target_of(session, order.tenant_id) if target is UNREAD else target
    if not transfer_status(session, order):
        order.state = "open"
    elif not session.get(Tenant, order.tenant_id).transfers_allowed():
        order.state = "held"
    elif target is None or not connectors.get(target.system).is_ready(target):
        outcome.fail_in(session, order, problem("NOT_CONNECTED"))
    elif target.status == "error":  # its authorisation is gone: only the merchant logging in again helps
        outcome.fail_in(session, order, problem("REAUTH_REQUIRED", detail=target.status_reason or ""))
    else:
        order.retry_at = None
        _defer(session, order, "process_order", lock=f"target:{target.id}")


def defer_resume(session: orm.Session, order: Order, at: dt.datetime) -> None:
    """Try ``order`` again at ``at`` through a job without a lock: waiting never holds the merchant's queue."""
    order.retry_at = at
    jobs.defer(session, "resume_order", schedule_at=at, order_id=order.id)


def transfer_status(session: orm.Session, order: Order) -> bool:
    """Whether the order's shop status is one the merchant chose to transfer."""
    source = session.get(Connection, order.connection_id)
    return order.shop_status in connectors.get(source.system).transfer_statuses(source)


def store(session: orm.Session, source: Connection, payload: dict, canonical: CanonicalOrder,
          target=UNREAD) -> Order:
    """Insert or update the order from ``payload``; queue it when its status says so. Caller commits.

    ``target``: the tenant's target connection when the caller read it already (the webhook reads it
    with the source, in one query).
    """
    # Held while we work: the session's identity map is weak, so the steps below find the tenant
    # without a query only while something refers to it.
    tenant = session.get(Tenant, source.tenant_id)
    new = _inserted(session, source, payload, canonical, target)
    if new is not None:
        return new
    # Known: this version is applied to the stored order under its row lock.
    order = order_row.locked(session, source.id, canonical.source_id)
    if order.shop_updated_at and canonical.updated_at and canonical.updated_at < order.shop_updated_at:
        return order  # an older version arriving late: what we have is newer
    if order.state == "failed" and order.error_code == "ORDER_UNREADABLE":
        order.state = "open"  # the shop sent a version we can read: the order starts again
        order.error_code = order.error_message = order.error_help = order.error_values = None
    apply_version(order, payload, canonical)
    follow_status(session, order, source, canonical=canonical, target=target)
    del tenant  # (see above)
    return order


def _inserted(session: orm.Session, source: Connection, payload: dict, canonical: CanonicalOrder,
              target) -> Order | None:
    """A new order decided on as a draft, then inserted in its final state and its job deferred; None if known.

    One INSERT instead of an INSERT and an UPDATE. The draft has no id yet, so its job waits in
    ``session.info`` until the row exists (``_defer``).
    """
    draft, jobs_waiting = decide_new(session, source, payload, canonical, target)
    order = order_row.insert(session, draft)
    for task, options in jobs_waiting if order is not None else ():
        jobs.defer(session, task, order_id=order.id, **options)
    return order


def decide_new(session: orm.Session, source: Connection, payload: dict, canonical: CanonicalOrder,
               target=UNREAD) -> tuple[Order, list[tuple[str, dict]]]:
    """A new order as a draft in its final state, and the jobs (task, options) to defer once it has an id.

    Nothing is written: the draft is not in the session. The webhook's batches insert many at once.
    """
    draft = order_row.draft(source, payload, canonical)
    session.info[_DRAFT_JOBS] = []
    try:
        follow_status(session, draft, source, canonical=canonical, target=target)
    finally:
        jobs_waiting = session.info.pop(_DRAFT_JOBS)
    return draft, jobs_waiting


def _defer(session: orm.Session, order: Order, task: str, **options) -> None:
    """Defer ``task`` for ``order`` now, or once it is inserted when it is intake's draft."""
    waiting = session.info.get(_DRAFT_JOBS)
    if order.id is None and waiting is not None:
        waiting.append((task, options))
    else:
        jobs.defer(session, task, order_id=order.id, **options)


def follow_status(session: orm.Session, order: Order, source: Connection,
                  from_states: tuple[str, ...] = ("open", "skipped"), *,
                  canonical: CanonicalOrder | None = None, target=UNREAD) -> None:
    """Skip an order cancelled before it was booked; queue (or hold) one in a chosen status.

    Only orders in ``from_states`` are queued: a failed order waits for the merchant's Process.
    An order already in the books never moves, whatever its status in the shop becomes.
    """
    source_cls = connectors.get(source.system)
    if order.state == "posted":
        return
    reason = source_cls.skip_reason(order.payload)
    if reason:
        skip_not_a_sale(session, order, reason)
    elif order.shop_status in source_cls.cancelled_statuses:
        skip_cancelled(session, order, source_cls)
    elif order.state in from_states and order.shop_status in source_cls.transfer_statuses(source):
        queue_or_hold(session, order, canonical, target)


def skip_cancelled(session: orm.Session, order: Order, source_cls) -> None:
    """The order leaves Open as skipped, with the reason in the merchant's language."""
    language = session.get(Tenant, order.tenant_id).language
    source = session.get(Connection, order.connection_id)
    # The shop's label, translated where it is rendered (a store's own status name stays as it is).
    label = source_cls.status_labels_for(source).get(order.shop_status, order.shop_status)
    found = problem("SKIPPED_CANCELLED", language=language, status=label)
    order.state, order.error_code = "skipped", found.code
    order.error_message, order.error_help, order.error_values = found.message, found.help, found.stored_values()


def skip_not_a_sale(session: orm.Session, order: Order, reason: str) -> None:
    """The order is skipped for ``reason`` (the source's sentence: a credit order, a refund)."""
    found = problem("SKIPPED_NOT_A_SALE", language=session.get(Tenant, order.tenant_id).language, detail=reason)
    order.state, order.error_code = "skipped", found.code
    order.error_message, order.error_help = found.message, found.help


def queue_or_hold(session: orm.Session, order: Order, canonical: CanonicalOrder | None = None,
                  target=UNREAD) -> None:
    """Queue the order, or keep it as held while the subscription is not active (paying sends it on)."""
    if session.get(Tenant, order.tenant_id).transfers_allowed():
        queue(session, order, canonical, target)
    else:
        order.state = "held"


def apply_version(order: Order, payload: dict, canonical: CanonicalOrder) -> None:
    """Keep the shop's newest version, except of an order already in the books (never changed after)."""
    order.shop_status = canonical.status
    order.status_checked_at = utcnow()
    if order.state == "posted":
        return
    order.payload = payload
    order.number = canonical.number
    order.order_date = canonical.date
    order.customer_name = canonical.customer.name[:CUSTOMER_NAME_LENGTH]  # for lists; the payload keeps it whole
    order.total = canonical.total_incl
    order.currency = canonical.currency
    order.shop_updated_at = canonical.updated_at


def store_unreadable(session: orm.Session, source: Connection, identity: dict, payload: dict,
                     found: Problem) -> Order:
    """Keep an order we cannot read in Errors with ``found``; an order already in the books stays as it is.

    ``identity`` (shop order id, number, status) comes from the source's mapping, cut to our columns.
    """
    session.execute(insert(Order).values(
        tenant_id=source.tenant_id, connection_id=source.id, payload=payload, state="failed", **identity,
    ).on_conflict_do_nothing(index_elements=["connection_id", "shop_order_id"]))
    order = session.execute(sa.select(Order).where(
        Order.connection_id == source.id, Order.shop_order_id == identity["shop_order_id"]
    ).with_for_update()).scalar_one()
    if order.state not in ("posted", "skipped"):
        outcome.fail_in(session, order, found)
    return order
