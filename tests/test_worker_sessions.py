"""Issue 15 (worker cost): the database transactions one order costs the worker. Each is a pool checkout,
BEGIN and COMMIT besides its own statements, and the worker used to open one per bookkeeping write
(13 for an order of one remote call). Real Postgres, the Exact sandbox, the pipeline in this thread."""
from __future__ import annotations

import traceback
from decimal import Decimal

import sqlalchemy as sa

from tests.support.merchants import make_merchant
from tests.support.orders import Amount, build
from tests.support.pipeline import calls_of, configure, post, reload, store
from worker import db
from worker.pipeline import process

# Phase 1, the mirror's debtors and items, the posting in flight, one before and one after the call, the result.
ONE_CALL_ORDER = 7


def order(number: str, email: str) -> dict:
    payload, _ = build(number, 880_000 + int(number[-2:]), [Amount(Decimal("12.10"), Decimal("21"))] * 2, True,
                       email)
    return payload


def _caller() -> str:
    """Where in worker/ a transaction was opened (for the failure message)."""
    frames = [f for f in traceback.extract_stack() if "/worker/" in f.filename and not f.filename.endswith("db.py")]
    return " < ".join(f"{f.filename.split('/worker/')[-1]}:{f.name}" for f in reversed(frames[-3:]))


def test_a_returning_customer_with_known_products_costs_seven_transactions(unthrottled):
    merchant = make_merchant(unthrottled)
    configure(merchant)
    post(merchant, order("WS-01", "vaste@example.test"))  # the debtor and items exist (and are mirrored) now
    order_id = store(merchant, order("WS-02", "vaste@example.test"))
    opened: list[str] = []

    def listener(*_) -> None:
        opened.append(_caller())

    sa.event.listen(db.engine(), "checkout", listener)
    try:
        process.process_order(order_id)
    finally:
        sa.event.remove(db.engine(), "checkout", listener)
    assert reload(order_id).state == "posted"
    assert [method for method, _ in calls_of(order_id)] == ["POST"]  # the document only
    assert len(opened) <= ONE_CALL_ORDER, "\n".join(opened)
