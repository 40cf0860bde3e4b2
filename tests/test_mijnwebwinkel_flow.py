"""A Mijnwebwinkel store's daily run: orders fetched once, posted once, and picked up when paid later."""
from __future__ import annotations

import logging
import re

import sqlalchemy as sa

from tests.support.merchants import division_of
from tests.support.mijnwebwinkel import make_store_merchant
from tests.support.pipeline import configure
from tests.support.language import both, says
from worker import db
from worker.config import settings
from worker.models import Connection, Order, PollState, RemoteCall
from worker.pipeline import polling, process, retry


def orders_of(merchant: dict) -> dict[str, Order]:
    with db.session_scope() as session:
        rows = session.execute(sa.select(Order).where(Order.tenant_id == merchant["tenant_id"])).scalars().all()
        session.expunge_all()
    return {order.number: order for order in rows}


def process_queued(merchant: dict) -> None:
    """Run the processing job's code on every queued order, as a worker would."""
    for order in orders_of(merchant).values():
        if order.state == "queued":
            process.process_order(order.id)


def test_connecting_reads_the_stores_statuses_and_ticks_the_manuals_defaults(sandboxes):
    merchant = make_store_merchant(sandboxes)
    with db.session_scope() as session:
        source = session.get(Connection, merchant["source"].id)
        assert source.status == "connected" and source.settings["store_name"] == "Theewinkel"
        assert set(source.settings["transfer_statuses"].split(",")) == {"2", "3", "7"}  # Verzonden, Betaald, Betaald en verzonden
        from worker.connectors.mijnwebwinkel import MijnwebwinkelSource
        assert "10" not in MijnwebwinkelSource.transferable_statuses(source)  # credit-order status
        assert MijnwebwinkelSource.status_labels_for(source)["6"] == "Betaald & afgehaald"


def test_a_daily_run_posts_paid_orders_once_and_a_later_run_sends_the_one_paid_since(sandboxes):
    merchant = make_store_merchant(sandboxes)
    configure(merchant)
    store, token = sandboxes.mijnwebwinkel, merchant["store_token"]
    paid = store.add_order(token, {"status": 3, "lines": [{"unit_price": "24.95", "rate": "21", "sku": "POT-1"},
                                                          {"unit_price": "4.50", "rate": "9", "quantity": 2,
                                                           "sku": "THEE-2"}],
                                   "discount": "2.50", "shipping": "4.95"})
    waiting = store.add_order(token, {"status": 1, "lines": [{"unit_price": "12.10", "rate": "21"}]})
    store.add_order(token, {"status": 3, "test": True})  # a test order: never fetched
    source_id = merchant["source"].id

    first = polling.run(source_id)
    process_queued(merchant)
    orders = orders_of(merchant)
    assert not [o.error_message for o in orders.values() if o.state == "failed"]
    assert first.new == 2 and set(orders) == {str(paid["number"]), str(waiting["number"])}
    assert orders[str(paid["number"])].state == "posted" and str(orders[str(paid["number"])].total) == "36.40"
    assert orders[str(waiting["number"])].state == "open"

    second = polling.run(source_id)
    process_queued(merchant)
    assert second.new == 0 and len(orders_of(merchant)) == 2
    assert sandboxes.exact.post_count(division_of(merchant), "SalesInvoices") == 1

    with db.session_scope() as session:  # the merchant presses Process on the waiting order: read again, still Open
        retry.process_again(session, session.get(Order, orders[str(waiting["number"])].id))
    assert orders_of(merchant)[str(waiting["number"])].state == "open"

    store.clock.advance(3600)
    store.set_status(token, waiting["number"], 3)  # paid in the shop after it was fetched
    store.credit(token, paid["number"])
    polling.run(source_id)
    process_queued(merchant)
    orders = orders_of(merchant)
    assert orders[str(waiting["number"])].state == "posted"
    credit = next(o for o in orders.values() if o.number not in (str(paid["number"]), str(waiting["number"])))
    assert credit.state == "skipped" and says(credit.error_message, "This is a credit order (a refund in your shop); "
                                                                    "credit orders are not transferred.")
    assert sandboxes.exact.post_count(division_of(merchant), "SalesInvoices") == 2
    with db.session_scope() as session:
        state = session.get(PollState, source_id)
        assert state.last_finished_at and state.next_run_at > state.last_finished_at and state.last_error is None
        urls = session.execute(sa.select(RemoteCall.url).where(RemoteCall.connection_id == source_id)).scalars().all()
    assert urls and all("token=***" in url and token not in url and "koppel-dev-partner" not in url for url in urls)


def test_the_dashboard_shows_the_last_and_next_look_and_fetches_now(sandboxes, client):
    merchant = make_store_merchant(sandboxes)
    sandboxes.mijnwebwinkel.add_order(merchant["store_token"], {"status": 1})
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    before = client.get("/status").get_data(as_text=True)
    assert says(before, "Has not looked for orders yet.") and says(before, "Fetch now")
    answer = client.post("/polling/fetch", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert says(answer, "Fetching your orders now; they appear within a few minutes.")
    again = client.post("/polling/fetch", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert says(again, "A fetch is already waiting to start.")
    with db.session_scope() as session:  # one waiting run, with the connection's locks
        jobs = session.execute(sa.text("SELECT lock, queueing_lock, args FROM procrastinate_jobs "
                                       "WHERE task_name = 'poll_source'")).all()
    lock = f"poll:{merchant['source'].id}"
    assert jobs == [(lock, lock, {"connection_id": merchant["source"].id})]
    polling.run(merchant["source"].id)  # what the job does
    after = client.get("/status").get_data(as_text=True)
    found = [v.split("%(time)s: ")[1] % {"found": 1, "new": 1}
             for v in both("Last looked for orders %(time)s: %(found)s found, %(new)s new.")]
    assert any(text in after for text in found)
    assert any(v.split("%(time)s")[0] in after for v in both("Looks next %(time)s."))


def test_neither_token_reaches_our_log_even_at_debug_level(sandboxes, caplog):
    merchant = make_store_merchant(sandboxes)
    sandboxes.mijnwebwinkel.add_order(merchant["store_token"], {"status": 3})
    caplog.set_level(logging.DEBUG)
    polling.run(merchant["source"].id)
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]  # werkzeug: the store's side
    assert any("/v1/orders" in line for line in ours)  # the request lines are logged...
    assert not any(merchant["store_token"] in line or settings.mijnwebwinkel_partner_token in line for line in ours)


def test_the_configuration_tab_offers_the_stores_own_statuses_with_the_manuals_defaults_ticked(sandboxes, client):
    merchant = make_store_merchant(sandboxes)
    configure(merchant)
    with db.session_scope() as session:  # a status the merchant named with markup in their back office
        source = session.get(Connection, merchant["source"].id)
        source.settings = {**source.settings, "store_statuses": [*source.settings["store_statuses"], ["8", "<i>Klaar</i>", False]]}
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    page = client.get("/config/").get_data(as_text=True)
    assert "&lt;i&gt;Klaar&lt;/i&gt;" in page and "<i>Klaar" not in page
    ticked = set(re.findall(r'name="status" value="(\w+)" checked', page))
    offered = set(re.findall(r'name="status" value="(\w+)"', page))
    assert ticked == {"2", "3", "7"}, page[page.find("config-statuses"):][:1500]
    section = page[page.find("config-statuses"):][:2000]
    assert "Betaald en verzonden" in page and "Betaald &amp; afgehaald" in page, section
    assert "10" not in offered and "5" not in offered  # credit notes and cancelled orders are never transferred
    client.post("/config/statuses", data={"status": ["3", "6"], "reference_prefix": ""})
    with db.session_scope() as session:
        assert session.get(Connection, merchant["source"].id).settings["transfer_statuses"] == "3,6"
