"""A migration counts and prices the shop's past orders, then back-fills them through the normal pipeline, never
using the part of the day's Exact budget kept for new orders, and books each order once."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.support.merchants import division_of, make_merchant
from tests.support.pipeline import store
from tests.support.staff import staff_client
from tests.support.waiting import wait_for
from worker import config, db
from worker.connectors.exact import ExactOnlineTarget
from worker.models import Connection, Invoice, Migration, Order, OutboxEmail, Posting, RateBudget
from worker.staff import migration_progress, migrations


@pytest.fixture
def quick_steps():
    old = config.override(migration_step_seconds=0.3)
    yield
    config.override(**old)


def state_of(number: str) -> str | None:
    with db.session_scope() as session:
        return session.execute(sa.select(Order.state).where(Order.number == number)).scalar()


def queued_orders() -> list[str]:
    with db.session_scope() as session:
        return session.execute(sa.select(Order.number).where(Order.state == "queued")).scalars().all()


def day_window(merchant) -> RateBudget:
    with db.session_scope() as session:
        return session.get(RateBudget, (merchant["target"].id, "exact:day"))


def call_exact(merchant) -> None:
    """One real call (current/Me): Koppel reads Exact's rate headers from its answer."""
    with db.session_scope() as session:
        ExactOnlineTarget.test_connection(session.get(Connection, merchant["target"].id))


def leave_room_for(sandboxes, merchant, calls: int) -> None:
    """Shrink Exact's daily limit so that, after keeping half for new orders, ``calls`` are left for the migration."""
    call_exact(merchant)
    used = 5000 - day_window(merchant).remaining
    sandboxes.exact.limiter.day_limit = 2 * (used + 1 + calls)
    call_exact(merchant)
    window = day_window(merchant)
    assert window.remaining - window.limit // 2 == calls


def waits_for_tomorrow(found: Migration) -> bool:
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)
    return found.note is not None and found.next_step_at is not None and found.next_step_at > soon


def migration() -> Migration:
    with db.session_scope() as session:
        return session.execute(sa.select(Migration)).scalar_one()


def test_price_is_per_started_thousand_and_per_integration():
    assert migrations.price("kmoshops", "exact_online", 6) == Decimal("67.50")
    assert migrations.price("kmoshops", "exact_online", 2001) == Decimal("202.50")
    assert migrations.price("mijnwebwinkel", "factuursturen", 360) == Decimal("57.50")


def test_a_migration_keeps_the_budget_for_new_orders_and_posts_each_order_once(web, sandboxes, worker, quick_steps):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    booked = sandboxes.kmo.create_order(shop_id, status="paid")  # arrives by webhook, before the migration
    wait_for(lambda: state_of(booked["number"]) == "posted", timeout=30)
    for sub in sandboxes.kmo.subscriptions(shop_id):  # these never reached Koppel: the migration's work
        sandboxes.kmo.unsubscribe(shop_id, sub["id"])
    past = [sandboxes.kmo.create_order(shop_id, status="paid") for _ in range(5)]
    leave_room_for(sandboxes, merchant, calls=7)  # two orders' worth at 3 calls an order

    client, _ = staff_client(web, "admin")
    today = dt.date.today().isoformat()
    client.post(f"/staff/merchants/{merchant['tenant_id']}/migrations", data={"since": today, "until": today})
    quoted = migration()
    assert (quoted.state, quoted.order_count, quoted.price_excl) == ("quoted", 6, Decimal("67.50"))
    client.post(f"/staff/migrations/{quoted.id}/confirm")

    # An order or two fed, then the migration waits for the day's reset: the other half is the merchant's.
    # (It may first wait a minute for Exact's minute window, which it spares the same way.)
    wait_for(lambda: waits_for_tomorrow(migration()), timeout=90, interval=0.2, message="a wait for the day's reset")
    waiting = migration()
    assert waiting.state == "running" and waiting.note.startswith("Budget kept for new orders")
    wait_for(lambda: not queued_orders(), timeout=30, message="the fed orders to be booked")
    started = [order for order in past if state_of(order["number"])]
    assert 1 <= len(started) < len(past) and migration_progress.progress_counts(waiting.id)["fed"] < 6
    # The kept half is intact but for what the pace's estimate (3 calls an order) missed on the orders fed:
    # a new customer with new products costs up to about 8.
    window = day_window(merchant)
    assert window.remaining >= window.limit // 2 - len(started) * (8 - 3)
    new = sandboxes.kmo.create_order(shop_id, status="paid")
    store(merchant, new)  # a new order, as its webhook would store it: the kept budget books it
    wait_for(lambda: state_of(new["number"]) == "posted", timeout=30)

    # The next day: Exact's windows have reset, and the scheduled step comes due.
    sandboxes.exact.limiter.day_limit = 5000
    with db.engine().begin() as conn:
        conn.execute(sa.text("UPDATE rate_budgets SET resets_at = now() - interval '1 second' "
                             "WHERE connection_id = :target"), {"target": merchant["target"].id})
        conn.execute(sa.text("UPDATE procrastinate_jobs SET scheduled_at = now() "
                             "WHERE task_name = 'run_migration' AND status = 'todo'"))
    wait_for(lambda: migration().state == "done", timeout=30)
    for order in [booked, *past]:
        wait_for(lambda: state_of(order["number"]) == "posted", timeout=45, message=order["number"])

    division = division_of(merchant)
    assert sandboxes.exact.post_count(division, "SalesInvoices") == 7  # booked + 5 past + new, each once
    with db.session_scope() as session:
        references = session.execute(sa.select(Posting.reference)).scalars().all()
        assert len(references) == len(set(references)) == 7
        invoice = session.execute(sa.select(Invoice).where(Invoice.kind == "migration")).scalar_one()
        assert invoice.amount_excl == Decimal("67.50") and invoice.total == Decimal("81.68")
        assert session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == "migration-invoice")).scalar_one()
