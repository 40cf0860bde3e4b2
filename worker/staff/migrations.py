"""Migrations of past orders: count in the shop, quote per 1,000 orders, back-fill at a pace that spares the budget.

Each step feeds a batch of the migration's shop orders into the normal intake (stored as a webhook
would store them; an order Koppel already has is not sent again), then schedules the next step.
A step feeds only what the target connection's rate windows can spare while keeping ``reserve`` of
each window for the merchant's new orders; when nothing can be spared it waits for the window's reset.
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors, db, jobs
from worker.config import settings
from worker.connectors.pace import Pace
from worker.models import Connection, Migration, MigrationItem, Order, RateBudget, StaffUser, Tenant
from worker.models.base import utcnow
from worker.pipeline import intake
from worker.staff import audit, invoicing
from worker.unreadable import Unreadable

BATCH = 25
MAX_SCAN = 50_000


# Per 1,000 orders (started), excl. VAT, per integration as the manuals price it.
PRICES = {("mijnwebwinkel", "factuursturen"): Decimal("57.50")}
DEFAULT_PRICE = Decimal("67.50")


def price(source: str, target: str, count: int) -> Decimal:
    """The price of migrating ``count`` orders: per started thousand (at least one)."""
    per_thousand = PRICES.get((source, target), DEFAULT_PRICE)
    return (per_thousand * max(1, math.ceil(count / 1000))).quantize(Decimal("0.01"), ROUND_HALF_UP)


def pace_of(target: Connection) -> Pace:
    """The pace the connection's target declares for back-filling."""
    return connectors.get(target.system).migration_pace


def connections_of(session: orm.Session, tenant_id: int) -> dict[str, Connection]:
    """The tenant's connections by role."""
    rows = session.execute(sa.select(Connection).where(Connection.tenant_id == tenant_id)).scalars()
    return {c.role: c for c in rows}


def shop_orders(source: Connection, since: dt.date, until: dt.date) -> list[tuple[str, str]]:
    """(shop order id, number) of every shop order dated in [since, until], asked through the connector."""
    source_cls = connectors.get(source.system)
    client = source_cls.reader(source)
    found = []
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.timezone.utc)
    for scanned, payload in enumerate(client.orders(updated_since=start)):
        if scanned >= MAX_SCAN:
            raise ValueError(f"more than {MAX_SCAN} orders changed since {since}: choose a shorter range")
        try:
            canonical = source_cls.to_canonical(payload)
        except Unreadable:
            continue  # counted out: unreadable orders are fetched by the pipeline's own intake later, if ever
        if since <= canonical.date <= until:
            found.append((canonical.source_id, canonical.number))
    return found


def quote(session: orm.Session, staff: StaffUser, tenant: Tenant, since: dt.date, until: dt.date) -> Migration:
    """Count the orders in the shop for the range and price them; nothing runs until it is confirmed."""
    if since > until or until >= utcnow().date() + dt.timedelta(days=1):
        raise ValueError("choose a past range, from before to")
    mine = connections_of(session, tenant.id)
    pace = pace_of(mine["target"])
    orders = shop_orders(mine["source"], since, until)
    if pace.max_orders is not None and len(orders) > pace.max_orders:
        raise ValueError(f"{len(orders)} orders: this accounting system takes at most {pace.max_orders} per migration")
    migration = Migration(tenant_id=tenant.id, staff_id=staff.id, since=since, until=until, order_count=len(orders),
                          price_excl=price(mine["source"].system, mine["target"].system, len(orders)))
    session.add(migration)
    session.flush()
    session.add_all(MigrationItem(migration_id=migration.id, shop_order_id=shop_id, number=number)
                    for shop_id, number in orders)
    audit.record(session, staff, tenant.id, "migration_quote", migration=migration.id, orders=len(orders),
                 price=str(migration.price_excl))
    return migration


def confirm(session: orm.Session, staff: StaffUser, migration: Migration) -> None:
    """Start a quoted migration: invoice it like the subscription and defer its first step."""
    if migration.state != "quoted":
        raise ValueError(f"migration {migration.id} is {migration.state}")
    tenant = session.get(Tenant, migration.tenant_id)
    migration.invoice_id = invoicing.migration_invoice(session, tenant, migration).id
    migration.state = "running"
    _defer_step(session, migration, None)
    audit.record(session, staff, tenant.id, "migration_start", migration=migration.id, invoice=migration.invoice_id)


def pause(session: orm.Session, staff: StaffUser, migration: Migration) -> None:
    """Stop feeding orders (what was fed goes on through the pipeline)."""
    if migration.state == "running":
        migration.state = "paused"
        audit.record(session, staff, migration.tenant_id, "migration_pause", migration=migration.id)


def resume(session: orm.Session, staff: StaffUser, migration: Migration) -> None:
    """Feed orders again."""
    if migration.state == "paused":
        migration.state = "running"
        _defer_step(session, migration, None)
        audit.record(session, staff, migration.tenant_id, "migration_resume", migration=migration.id)


def _defer_step(session: orm.Session, migration: Migration, at: dt.datetime | None) -> None:
    """Schedule the next step; it carries its time, so a step of an older chain (before a pause) does nothing."""
    migration.next_step_at = at or utcnow()
    jobs.defer(session, "run_migration", schedule_at=at, migration_id=migration.id,
               expected=migration.next_step_at.isoformat())


def allowance(windows: list[RateBudget], in_flight: int, pace: Pace, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Orders that may be fed now, and, when a window's spare part is used up, when it resets.

    Each window keeps ``pace.reserve`` of its limit for new orders; orders fed but not yet processed
    count as already spent (they are about to be).
    """
    spare, wait_until = BATCH * pace.calls_per_order, None
    for window in windows:
        if ":errors:" in window.window:
            continue
        remaining = window.remaining if window.resets_at > now else window.limit
        free = remaining - math.ceil(window.limit * pace.reserve)
        if free < pace.calls_per_order:
            wait_until = max(filter(None, [wait_until, window.resets_at]))
        spare = min(spare, free - in_flight * pace.calls_per_order)
    return max(0, spare // pace.calls_per_order), wait_until


def step(migration_id: int, expected: str | None = None, now: dt.datetime | None = None) -> int:
    """Feed what the budget spares, schedule the next step; returns how many orders were fed."""
    now = now or utcnow()
    with db.session_scope() as session:
        migration = session.get(Migration, migration_id, with_for_update=True)
        if migration is None or migration.state != "running":
            return 0
        if expected is not None and (migration.next_step_at is None
                                     or migration.next_step_at.isoformat() != expected):
            return 0  # a step of a chain that a pause and resume replaced
        mine = connections_of(session, migration.tenant_id)
        pace = pace_of(mine["target"])
        windows = list(session.execute(sa.select(RateBudget).where(
            RateBudget.connection_id == mine["target"].id)).scalars())
        in_flight = session.execute(sa.select(sa.func.count()).select_from(MigrationItem).join(
            Order, Order.id == MigrationItem.order_id).where(MigrationItem.migration_id == migration.id,
                                                             Order.state == "queued")).scalar_one()
        count, wait_until = allowance(windows, in_flight, pace, now)
        items = list(session.execute(sa.select(MigrationItem).where(
            MigrationItem.migration_id == migration.id, MigrationItem.fed_at.is_(None))
            .order_by(MigrationItem.id).limit(count)).scalars()) if count else []
        fed = _feed(session, mine["source"], items, now)
        left = session.execute(sa.select(sa.func.count()).select_from(MigrationItem).where(
            MigrationItem.migration_id == migration.id, MigrationItem.fed_at.is_(None))).scalar_one()
        if not left:
            migration.state, migration.note, migration.next_step_at = "done", None, None
            return fed
        soon = now + dt.timedelta(seconds=settings.migration_step_seconds)
        later = soon if count else (wait_until or soon)
        migration.note = None if count else f"Budget kept for new orders; next orders at {later:%Y-%m-%d %H:%M} UTC."
        _defer_step(session, migration, later)
        return fed


def _feed(session: orm.Session, source: Connection, items: list[MigrationItem], now: dt.datetime) -> int:
    """Read each order from the shop and store it as a webhook would; the pipeline does the rest."""
    source_cls = connectors.get(source.system)
    client = source_cls.reader(source) if items else None
    for item in items:
        payload = client.order(item.shop_order_id)
        try:
            order = intake.store(session, source, payload, source_cls.to_canonical(payload))
        except Unreadable:
            item.fed_at = now  # unreadable in the shop: counted, not fed; shown as not fed in progress
            continue
        item.order_id, item.fed_at = order.id, now
    return len(items)

