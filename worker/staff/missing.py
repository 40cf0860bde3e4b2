"""A merchant says an order is missing: ask the shop (through its connector) and say why it is not in Koppel.

Given a shop order number and/or a date range, the shop's orders changed since the start of the
range are read (a shop's API lists by "updated since"; an order made on a day was updated on or
after it), at most ``MAX_SCAN`` of them, and each match is compared with what Koppel holds.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors
from worker.connectors.kmoshops.mapping import OrderDataError
from worker.models import Connection, Order, StaffUser, Tenant
from worker.pipeline import intake
from worker.staff import audit

MAX_SCAN = 2000


@dataclasses.dataclass
class Finding:
    """One order the shop has (or that was asked for and the shop does not have), and why Koppel has it or not."""

    number: str
    reason: str
    shop_order_id: str | None = None
    shop_status: str | None = None
    order_date: dt.date | None = None
    koppel_state: str | None = None
    order_id: int | None = None
    can_fetch: bool = False


def source_of(session: orm.Session, tenant: Tenant) -> Connection:
    """The tenant's shop connection; LookupError for a tenant without one (a payroll integration)."""
    source = session.execute(sa.select(Connection).where(
        Connection.tenant_id == tenant.id, Connection.role == "source")).scalar_one_or_none()
    if source is None:
        raise LookupError("this merchant has no webshop connection to ask")
    return source


def _in_koppel(order: Order, chosen: set[str]) -> str:
    posting = order.posting
    return {
        "posted": f"In Report: booked as {posting.document_type if posting else ''} "
                  f"{(posting.remote_number or posting.remote_id) if posting else ''}.",
        "failed": f"In Errors: {order.error_code}: {order.error_message}",
        "skipped": f"Skipped, not transferred: {order.error_message}",
        "open": f"In Open: shop status {order.shop_status} is not one the merchant transfers "
                f"({', '.join(sorted(chosen))}); the nightly recheck moves it when that changes.",
        "held": "Held in Open: the subscription is not active (trial ended or stopped).",
        "queued": "Being transferred right now.",
    }.get(order.state, order.state)


def _not_in_koppel(status: str, source_cls, chosen: set[str]) -> tuple[str, bool]:
    if status in source_cls.cancelled_statuses:
        return f"In the shop as {status}: cancelled orders are never transferred.", True
    if status not in chosen:
        return (f"In the shop in status {status}, which the merchant does not transfer ({', '.join(sorted(chosen))}); "
                "no webhook reached Koppel either. Fetching it puts it in Open.", True)
    return ("In the shop in a status that transfers, but no webhook reached Koppel (the hourly poll would "
            "have fetched it). Fetch it now.", True)


def search(session: orm.Session, staff: StaffUser, tenant: Tenant, number: str, since: dt.date | None,
           until: dt.date | None) -> dict:
    """Ask the shop and compare; raises a RemoteError when the shop cannot be asked."""
    source = source_of(session, tenant)
    source_cls = connectors.get(source.system)
    chosen = source_cls.transfer_statuses(source)
    client = source_cls.reader(source)
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.timezone.utc) if since else None
    findings, scanned, number = [], 0, number.strip()
    for payload in client.orders(updated_since=start):
        scanned += 1
        if scanned > MAX_SCAN:
            break
        try:
            canonical = source_cls.to_canonical(payload)
        except OrderDataError as exc:
            findings.append(Finding(str(payload.get("number", "?")), f"Unreadable in the shop: {exc}"))
            continue
        if _matches(canonical, number, since, until):
            findings.append(_finding(session, source, canonical, source_cls, chosen))
    if number and not any(f.number.lower() == number.lower() for f in findings):
        findings.append(Finding(number, f"Not in the shop: {scanned} order(s) changed "
                                        f"{'since ' + since.isoformat() if since else 'ever'} were looked at."))
    audit.record(session, staff, tenant.id, "missing_order_search", number=number, since=str(since or ""),
                 until=str(until or ""), found=len(findings))
    return {"findings": findings, "scanned": min(scanned, MAX_SCAN), "complete": scanned <= MAX_SCAN}


def _matches(canonical, number: str, since: dt.date | None, until: dt.date | None) -> bool:
    if number and canonical.number.lower() != number.lower():
        return False
    return (since is None or canonical.date >= since) and (until is None or canonical.date <= until)


def _finding(session: orm.Session, source: Connection, canonical, source_cls, chosen: set[str]) -> Finding:
    order = session.execute(sa.select(Order).where(Order.connection_id == source.id,
                                                   Order.shop_order_id == canonical.source_id)).scalar()
    found = Finding(canonical.number, "", canonical.source_id, canonical.status, canonical.date)
    if order is not None:
        found.reason, found.koppel_state, found.order_id = _in_koppel(order, chosen), order.state, order.id
    else:
        found.reason, found.can_fetch = _not_in_koppel(canonical.status, source_cls, chosen)
    return found


def fetch(session: orm.Session, staff: StaffUser, tenant: Tenant, shop_order_id: str) -> Order:
    """Read one order from the shop and store it as a webhook would (queued when its status says so)."""
    source = source_of(session, tenant)
    source_cls = connectors.get(source.system)
    payload = source_cls.reader(source).order(shop_order_id)
    order = intake.store(session, source, payload, source_cls.to_canonical(payload))
    audit.record(session, staff, tenant.id, "fetch_order", number=order.number, state=order.state)
    return order
