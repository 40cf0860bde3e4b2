"""A merchant's queue never stalls (issue 8): waiting happens outside the target's lock.

procrastinate runs one job per lock at a time and takes them oldest first, even when the oldest
is scheduled an hour ahead; so an order that waits (rate limit, back-off) must not wait as a job
under the lock, and jobs that cannot reach the target must not take it at all.
"""
from __future__ import annotations

import time

import sqlalchemy as sa

from tests.support.merchants import division_of, make_merchant
from tests.support.postings import INVOICES, invoice_calls, order_of, state_of
from tests.support.waiting import wait_for
from worker import db, ratelimit
from worker.connectors.exact.sandbox import FaultRule
from worker.connectors.exact.tokens import REAUTH_MESSAGE
from worker.models import Connection, Tenant
from worker.models.base import utcnow


def ms(epoch_seconds: float) -> str:
    """A reset header value: Unix epoch milliseconds, as Exact sends them."""
    return str(int(epoch_seconds * 1000))


def waiting_jobs() -> list[dict]:
    with db.engine().connect() as conn:
        rows = conn.execute(sa.text("SELECT task_name, lock, scheduled_at FROM procrastinate_jobs "
                                    "WHERE status IN ('todo', 'doing') ORDER BY id"))
        return [dict(row._mapping) for row in rows]


def test_an_order_throttled_for_an_hour_does_not_hold_up_the_merchants_next_orders(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_id = merchant["shop"]["shop_id"]
    sandboxes.exact.add_fault(FaultRule(method="POST", path=INVOICES, mode="status", status=429,
                                        headers={"X-RateLimit-Reset": ms(time.time() + 3600)}))
    first = sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid")["number"]
    wait_for(lambda: ("POST", 429) in invoice_calls(first), timeout=30)
    later = [sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid")["number"] for _ in range(2)]
    wait_for(lambda: all(state_of(number) == "posted" for number in later), timeout=40)
    assert state_of(first) == "queued"  # still waiting for its hour, not failed
    assert sandboxes.exact.post_count(division_of(merchant), "SalesInvoices") == 2
    [wake_up] = waiting_jobs()
    assert wake_up["task_name"] == "resume_order" and wake_up["lock"] is None
    assert (wake_up["scheduled_at"] - utcnow()).total_seconds() > 3000
    assert order_of(first).retry_at == wake_up["scheduled_at"]


def test_a_throttle_storm_does_not_count_towards_giving_up(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    # Twelve 429s in a row (each saying the window has just reset), then one real failure.
    sandboxes.exact.add_fault(FaultRule(method="POST", path=INVOICES, mode="status", status=429, count=12,
                                        headers={"X-RateLimit-Minutely-Reset": ms(time.time())}))
    sandboxes.exact.add_fault(FaultRule(method="POST", path=INVOICES, mode="status", status=503))
    number = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")["number"]
    wait_for(lambda: state_of(number) in ("posted", "failed"), timeout=120)
    assert state_of(number) == "posted"
    posts = [status for method, status in invoice_calls(number) if method == "POST"]
    assert posts == [429] * 12 + [503, 201]
    assert order_of(number).remote_failures == 1  # only the 503 counted
    assert sandboxes.exact.post_count(division_of(merchant), "SalesInvoices") == 1


def test_a_remote_clock_twenty_minutes_ahead_holds_a_merchant_up_for_at_most_a_minute(sandboxes, web, worker):
    sandboxes.exact.clock.advance(20 * 60)  # Exact's clock runs 20 minutes ahead of ours
    merchant = make_merchant(sandboxes)
    end_of_remote_minute = (sandboxes.exact.clock.now() // 60 + 1) * 60
    sandboxes.exact.add_fault(FaultRule(method="POST", path=INVOICES, mode="status", status=429, headers={
        "X-RateLimit-Minutely-Limit": "60", "X-RateLimit-Minutely-Remaining": "0",
        "X-RateLimit-Minutely-Reset": ms(end_of_remote_minute)}))
    number = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")["number"]
    wait_for(lambda: ("POST", 429) in invoice_calls(number), timeout=30)
    [minute] = [b for b in ratelimit.budgets(merchant["target"].id) if b["window"] == "exact:minute"]
    assert (minute["resets_at"] - utcnow()).total_seconds() <= 60  # one window at most, not 20 minutes
    wait_for(lambda: state_of(number) == "posted", timeout=90)
    assert [status for method, status in invoice_calls(number) if method == "POST"] == [429, 201]


def test_orders_that_cannot_reach_their_target_never_take_its_lock(sandboxes, web):
    # No worker runs: what the webhooks leave behind in the queue is what a worker would find.
    merchants = {"unconnected": make_merchant(sandboxes, connect_exact=False), "held": make_merchant(sandboxes),
                 "logged_out": make_merchant(sandboxes)}
    with db.session_scope() as session:
        session.get(Tenant, merchants["held"]["tenant_id"]).trial_ends_at = utcnow()
        lost = session.get(Connection, merchants["logged_out"]["target"].id)
        lost.status, lost.status_reason = "error", REAUTH_MESSAGE  # Exact refused our refresh token
    numbers = {name: [sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="paid")["number"]
                      for _ in range(4)] for name, merchant in merchants.items()}
    wait_for(lambda: all(state_of(n) is not None for ns in numbers.values() for n in ns), timeout=30)
    assert [job for job in waiting_jobs() if job["lock"] is not None] == []
    assert {(state_of(n), order_of(n).error_code) for n in numbers["unconnected"]} == {("failed", "NOT_CONNECTED")}
    assert {(state_of(n), order_of(n).error_code) for n in numbers["logged_out"]} == {("failed", "REAUTH_REQUIRED")}
    assert {state_of(n) for n in numbers["held"]} == {"held"}
