"""Polling never misses and never doubles: a hypothesis property over an adversarial shop.

The shop (an external system, here in memory behind the OrderReader protocol) pages by order number,
stamps changes to the second (many in one second, so pages end mid-second), lets changes become
visible late (a commit after its stamp), repeats a row on the next page (offset paging over a list
that shifted), and the worker may stay down for several intervals. After any such history and one
last run, every order of the shop is stored once, with the shop's latest status, and an order in a
transfer status was handed to processing exactly once.
"""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from tests.support.merchants import make_merchant
from worker import connectors, db
from worker.connectors.mijnwebwinkel import MijnwebwinkelSource
from worker.connectors.mijnwebwinkel.sandbox.orders import build_order
from worker.models import Connection, Order
from worker.models.base import utcnow
from worker.pipeline import polling
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class AdversarialShop:
    """Orders by number; ``visible_at`` lets a change show only after a later moment (late commit)."""

    def __init__(self, page: int):
        self.page, self.book, self.now = page, {}, utcnow() - dt.timedelta(hours=1)
        self.repeat_row = False

    def stamp(self, order: dict, moment: dt.datetime) -> None:
        local = moment.astimezone(AMSTERDAM)
        order["status_changed_date"], order["status_changed_time"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")

    def create(self, status: int, late: int) -> None:
        number = 1001 + len(self.book)
        local = self.now.astimezone(AMSTERDAM)
        order = build_order(number, {"status": status}, local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S"))
        self.stamp(order, self.now - dt.timedelta(seconds=late))
        self.book[number] = order

    def change(self, index: int, status: int, late: int) -> None:
        if self.book:
            order = self.book[sorted(self.book)[index % len(self.book)]]
            order["status"] = status
            self.stamp(order, self.now - dt.timedelta(seconds=late))

    def changed(self, order: dict) -> dt.datetime:
        return MijnwebwinkelSource.to_canonical(order).updated_at

    def orders_since(self, since):
        rows = [dict(self.book[n]) for n in sorted(self.book) if since is None or self.changed(self.book[n]) >= since]
        pages, previous = [], None
        for start in range(0, len(rows), self.page):
            page = rows[start:start + self.page]
            if self.repeat_row and previous:
                page = [previous[-1]] + page  # the same order again at the top of the next page
            pages.append(page)
            previous = page
        return pages

    # OrderReader
    def orders(self, updated_since=None):
        for page in self.orders_since(updated_since):
            yield from page

    def order(self, shop_order_id: str) -> dict:
        return dict(self.book[int(shop_order_id)])


class ShopSource(MijnwebwinkelSource):
    """A polled source reading the adversarial shop (orders shaped as Mijnwebwinkel's)."""

    key = "adversarial_shop"
    shop: AdversarialShop | None = None

    @classmethod
    def reader(cls, connection):
        return cls.shop


EVENTS = st.lists(st.one_of(
    st.tuples(st.just("create"), st.sampled_from([1, 3]), st.integers(0, 599)),
    st.tuples(st.just("change"), st.integers(0, 50), st.sampled_from([1, 2, 3, 4])),
    st.tuples(st.just("tick"), st.sampled_from([0, 0, 1, 59, 3600, 86400, 3 * 86400])),
    st.tuples(st.just("run"), st.booleans()),
), max_size=30)


@pytest.fixture
def merchant(database, monkeypatch):
    monkeypatch.setitem(connectors.REGISTRY, ShopSource.key, ShopSource)
    monkeypatch.setitem(connectors.SOURCES, ShopSource.key, ShopSource)
    return make_merchant()


def fresh_connection(merchant: dict) -> int:
    """A new polled shop connection of the merchant (one per example), its target ready."""
    with db.session_scope() as session:
        session.execute(sa.delete(Connection).where(Connection.tenant_id == merchant["tenant_id"],
                                                    Connection.role == "source"))
        source = Connection(tenant_id=merchant["tenant_id"], role="source", system=ShopSource.key,
                            status="connected", settings={"transfer_statuses": "3,2"})
        session.add(source)
        target = session.get(Connection, merchant["target"].id)
        target.status, target.settings = "connected", {**target.settings, "division": "1"}  # ready: jobs wait for a worker
        session.flush()
        session.execute(sa.text("DELETE FROM procrastinate_jobs"))
        return source.id


def processing_jobs() -> dict[int, int]:
    with db.session_scope() as session:
        rows = session.execute(sa.text("SELECT (args->>'order_id')::int, count(*) FROM procrastinate_jobs "
                                       "WHERE task_name IN ('process_order', 'check_vat_number') GROUP BY 1")).all()
    return dict(rows)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=EVENTS, page=st.integers(1, 4), repeat_row=st.booleans())
def test_every_order_is_stored_once_with_its_latest_status(merchant, events, page, repeat_row):
    shop = ShopSource.shop = AdversarialShop(page)
    shop.repeat_row = repeat_row
    connection_id = fresh_connection(merchant)
    for event in events:
        if event[0] == "create":
            shop.create(event[1], event[2])
        elif event[0] == "change":
            shop.change(event[1], event[2], 0)
        elif event[0] == "tick":
            shop.now += dt.timedelta(seconds=event[1])
        else:
            polling.run(connection_id)
    polling.run(connection_id)  # the worker is back: one run after whatever happened
    with db.session_scope() as session:
        stored = session.execute(sa.select(Order.shop_order_id, Order.shop_status, Order.state, Order.id).where(
            Order.connection_id == connection_id)).all()
    assert sorted(row[0] for row in stored) == sorted(str(n) for n in shop.book)  # none missed, none twice
    assert {row[0]: row[1] for row in stored} == {str(n): str(o["status"]) for n, o in shop.book.items()}
    jobs = processing_jobs()
    for key, status, state, order_id in stored:
        assert jobs.get(order_id, 0) == (1 if state == "queued" else 0), (key, status, state)
        if status in ("2", "3"):
            assert state == "queued"  # handed to processing once, whichever chosen status came first
