"""Smaller rules of the pipeline: fixed debtors, orders without e-mail, shared rate budgets, post-check."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.support.merchants import division_of, make_merchant
from tests.support.waiting import wait_for
from worker import db, ratelimit
from worker.connectors.errors import Throttled
from worker.connectors.exact import ExactOnlineTarget
from worker.models import Connection, Order
from worker.pipeline.process import post_check


def order_row(number: str) -> Order | None:
    with db.session_scope() as session:
        return session.execute(sa.select(Order).where(Order.number == number)).scalar()


def fix_debtor(merchant, method: str) -> str:
    """Create an account in Exact by hand (as the merchant would) and map a payment method to it."""
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        account = ExactOnlineTarget.client(target).post("crm/Accounts", {"Name": "Kassa verkopen", "Status": "C"})
        target.settings = {**target.settings, "payment_debtors": {method: account["ID"]}}
    return account["ID"]


def test_a_payment_method_with_a_fixed_debtor_books_there_and_creates_no_debtor(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="b2c", status="pending_payment")
    account_id = fix_debtor(merchant, shop_order["payment"]["method"])
    sandboxes.kmo.set_status(merchant["shop"]["shop_id"], shop_order["id"], "paid")
    wait_for(lambda: (row := order_row(shop_order["number"])) and row.state == "posted")
    division = division_of(merchant)
    [invoice] = sandboxes.exact.documents(division, "SalesInvoices")
    assert invoice["OrderedBy"] == account_id
    assert [a["ID"] for a in sandboxes.exact.documents(division, "Accounts")] == [account_id]


def test_an_order_without_email_goes_to_errors_with_the_rule_explained(sandboxes, web, worker):
    merchant = make_merchant(sandboxes)
    shop_order = sandboxes.kmo.create_order(merchant["shop"]["shop_id"], kind="no_email", status="paid")
    order = wait_for(lambda: (row := order_row(shop_order["number"])) and row.state == "failed" and row)
    assert order.error_code == "CUSTOMER_WITHOUT_EMAIL"
    assert "fixed debtor" in order.error_help or "vaste debiteur" in order.error_help


def test_rate_budget_is_shared_and_the_remote_count_wins(database):
    merchant = make_merchant()
    window = ratelimit.Window("exact:minute", 3, 60)
    now = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)
    for _ in range(3):
        ratelimit.take(merchant["target"].id, (window,), now=now)
    with pytest.raises(Throttled) as caught:
        ratelimit.take(merchant["target"].id, (window,), now=now)
    assert caught.value.retry_at == now + dt.timedelta(seconds=60)
    ratelimit.take(merchant["target"].id, (window,), now=now + dt.timedelta(seconds=61))  # a new window
    ratelimit.observe(merchant["target"].id, window, 60, 0, now + dt.timedelta(seconds=90),
                      now=now + dt.timedelta(seconds=61))
    with pytest.raises(Throttled):  # the remote says nothing is left: we believe it
        ratelimit.take(merchant["target"].id, (window,), now=now + dt.timedelta(seconds=62))


def test_a_call_takes_from_every_window_at_once_or_from_none(database):
    """Exact's minute and day windows are taken in one statement: an empty day window throttles the call
    (named, with its reset) and the minute window keeps the unit it would have given."""
    merchant, now = make_merchant(), dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)
    minute, day = ratelimit.Window("exact:minute", 60, 60), ratelimit.Window("exact:day", 2, 86400)
    ratelimit.take(merchant["target"].id, (minute, day), now=now)
    ratelimit.take(merchant["target"].id, (minute, day), now=now)
    with pytest.raises(Throttled) as caught:
        ratelimit.take(merchant["target"].id, (minute, day), now=now)
    assert "exact:day" in str(caught.value) and caught.value.retry_at == now + dt.timedelta(days=1)
    left = {b["window"]: b["remaining"] for b in ratelimit.budgets(merchant["target"].id)}
    assert left == {"exact:minute": 58, "exact:day": 0}
    ratelimit.observe_all(merchant["target"].id, [(minute, 60, 10, now + dt.timedelta(seconds=30)),
                                                  (day, 5000, 4000, now + dt.timedelta(hours=5))], now=now)
    left = {b["window"]: b["remaining"] for b in ratelimit.budgets(merchant["target"].id)}
    assert left == {"exact:minute": 10, "exact:day": 4000}  # the remote's word for both windows


def test_a_reset_time_from_a_remote_is_capped_at_one_window(database):
    merchant = make_merchant()
    now = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)
    day = ratelimit.Window("exact:day", 5000, 86400)
    ahead = now + dt.timedelta(minutes=20)  # a remote clock 20 minutes ahead
    assert ratelimit.capped(ratelimit.Window("exact:minute", 60, 60), ahead, now) == now + dt.timedelta(seconds=60)
    assert ratelimit.capped(day, ahead, now) == ahead  # within a day: the remote's own word
    ratelimit.observe(merchant["target"].id, day, 5000, 0, now + dt.timedelta(days=3), now=now)
    [budget] = ratelimit.budgets(merchant["target"].id)
    assert budget["resets_at"] == now + dt.timedelta(days=1)


def test_post_check_flags_only_differences_over_two_cents():
    assert post_check(Decimal("100.00"), "100.02") is None
    assert post_check(Decimal("100.00"), "99.98") is None
    assert post_check(Decimal("100.00"), "100.03") == Decimal("0.03")
    assert post_check(Decimal("100.00"), None) is None
