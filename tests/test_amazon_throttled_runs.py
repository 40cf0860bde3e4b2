"""Manual 002 / issue 11: a polling run that meets Amazon's throttling posts everything over the next runs, once.

Amazon's searchOrders refills one request a few minutes; a seller with more changed orders than a run
may page through must still get every order into SnelStart: the run that is throttled keeps where it
stopped, the next runs (the retried poll job, then the hourly schedule) go on from there, and the
watermark never passes an order not fetched yet. Everything goes through the real Amazon client and
sandbox and the real SnelStart client and sandbox; time passes by moving the Amazon sandbox's clock
and our rate budgets' reset times, never by sleeping.
"""
from __future__ import annotations

import collections
import datetime as dt
import re

import sqlalchemy as sa

from tests.support.amazon import DE, control, item, no_lag, place
from tests.support.language import says
from tests.support.waiting import wait_for
from tests.test_dashboard import login
from tests.test_amazon_snelstart import amazon_to_snelstart
from tests.test_mijnwebwinkel_flow import orders_of, process_queued
from worker import db, tasks
from worker.connectors.errors import Throttled
from worker.models import Connection, PollState
from worker.models.base import utcnow
from worker.pipeline import pollcursor, polling, pollqueue

SEARCH_RATE, SEARCH_BURST, PAGE = 1 / 60, 3, 2  # a request a minute, three at once, two orders a page
ORDERS = 11  # six pages: twice what one run may fetch
SLOWED_DOWN = ("%(system)s asked Koppel to slow down, so not every order was fetched yet; the rest follows at the "
               "next look. Nothing is lost.")


def time_passes(seconds: float) -> None:
    """``seconds`` pass for Amazon's token buckets and for our own rate budgets."""
    control("/clock", {"seconds": seconds})
    with db.engine().begin() as conn:
        conn.execute(sa.text("UPDATE rate_budgets SET resets_at = resets_at - make_interval(secs => :s)"),
                     {"s": seconds})


def poll_state(merchant: dict) -> PollState:
    with db.session_scope() as session:
        state = session.get(PollState, merchant["source"].id)
        session.expunge(state)
        return state


def one_scheduled_run(merchant: dict) -> Throttled | None:
    """What the worker does: the poll job (its retry strategy catches Throttled and runs it again at
    retry_at), then the processing jobs of the orders it queued."""
    try:
        tasks.poll_source(merchant["source"].id)
        outcome = None
    except Throttled as exc:
        outcome = exc
    process_queued(merchant)
    return outcome


def snelstart_bookings(merchant: dict) -> collections.Counter:
    """How many sales bookings SnelStart holds per Amazon order (the description starts with its number)."""
    records = merchant["sandboxes"].snelstart.records(merchant["administration"], "verkoopboekingen")
    return collections.Counter(record["omschrijving"].split(" / ")[0] for record in records)


def throttled_seller(sandboxes) -> dict:
    merchant = {**amazon_to_snelstart(sandboxes, "NL", "entry"), "sandboxes": sandboxes}
    no_lag()
    control("/settings", {"rates": {"searchOrders": [SEARCH_RATE, SEARCH_BURST]}, "page_size": PAGE})
    return merchant


def test_a_throttled_run_posts_every_order_over_the_next_runs_exactly_once(sandboxes, app):
    merchant = throttled_seller(sandboxes)
    placed = [place(merchant["spid"], item(f"{10 + n}.95", 1), status="SHIPPED")["orderId"] for n in range(ORDERS)]
    start_watermark = None
    throttles, runs = 0, 0
    while runs < 40:
        runs += 1
        before = next_watermark(merchant, poll_state(merchant)) if runs > 1 else None
        throttled = one_scheduled_run(merchant)
        state = poll_state(merchant)
        watermark = next_watermark(merchant, state)
        start_watermark = start_watermark or watermark
        if throttled is not None and before is not None:
            assert watermark == before  # a search cut short moves nothing: its last pages are still to come
        stored = set(orders_of(merchant))
        # The watermark never passes an order we have not stored: the next run fetches what changed
        # after watermark − overlap, so every order not stored yet must have changed after that.
        for order in set(placed) - stored:
            assert changed_at(sandboxes, order) >= watermark - polling.OVERLAP, (order, watermark)
        if throttled is None and state.last_error is None and state.last_new == 0 and set(placed) <= stored:
            break
        if throttled is not None:
            throttles += 1
            if throttles == 1:
                first_run = state
                assert 0 < len(stored) < ORDERS, "the first run fetched some, not all, before Amazon said stop"
                assert pollcursor.load(merchant["source"].id)[0] is not None  # it knows where it stopped
                late = place(merchant["spid"], item("7.50", 2), status="SHIPPED")["orderId"]  # sold meanwhile
                placed.append(late)
                dashboard = dashboard_text(app, merchant)
                assert says(dashboard, SLOWED_DOWN, system="Amazon")
                assert looks_next(dashboard) == f"{throttled.retry_at:%H:%M}"  # when the retried job runs
                assert first_run.next_run_at == throttled.retry_at
            time_passes((throttled.retry_at - utcnow()).total_seconds() + 1)
    else:
        raise AssertionError(f"still not everything fetched after {runs} runs: {len(orders_of(merchant))} stored")

    assert throttles >= 2, "Amazon's limit must stop more than one run for this test to mean anything"
    stored = orders_of(merchant)
    assert {number: order.state for number, order in stored.items()} == {number: "posted" for number in placed}
    assert snelstart_bookings(merchant) == {number: 1 for number in placed}  # every order exactly once
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == len(placed)
    final = poll_state(merchant)
    assert final.last_error is None and final.watermark > start_watermark
    assert pollcursor.load(merchant["source"].id) == (None, None)
    dashboard = dashboard_text(app, merchant)
    assert "Amazon" in dashboard and not says(dashboard, SLOWED_DOWN, system="Amazon")
    assert looks_next(dashboard) == f"{final.next_run_at:%H:%M}" and final.next_run_at > utcnow()


def test_a_search_throttled_on_its_second_page_goes_on_from_that_page_next_run(sandboxes):
    merchant = throttled_seller(sandboxes)
    control("/settings", {"rates": {"searchOrders": [SEARCH_RATE, 1]}})  # one page a run
    placed = [place(merchant["spid"], item("5.00"), status="SHIPPED")["orderId"] for _ in range(5)]
    seen = []
    for _ in range(3):
        throttled = one_scheduled_run(merchant)
        seen.append(set(orders_of(merchant)))
        if throttled:
            time_passes((throttled.retry_at - utcnow()).total_seconds() + 1)
    # Run one got page one, run two page two, run three page three: starting again from page one
    # would have fetched the same two orders three times and never the fifth.
    assert [len(s) for s in seen] == [2, 4, 5] and seen[-1] == set(placed)
    with db.session_scope() as session:
        assert "poll_cursor" not in session.get(Connection, merchant["source"].id).settings


def next_watermark(merchant: dict, state: PollState) -> dt.datetime:
    """Where the next run starts reading (before the first complete run: an interval before connecting)."""
    if state.watermark is not None:
        return state.watermark
    with db.session_scope() as session:
        return session.get(Connection, merchant["source"].id).created_at - dt.timedelta(hours=1)


def changed_at(sandboxes, order_id: str) -> dt.datetime:
    """The order's lastUpdatedTime as Amazon has it."""
    return dt.datetime.fromtimestamp(sandboxes.amazon.orders[order_id]["updated"], tz=dt.timezone.utc)


def looks_next(dashboard: str) -> str:
    """The time of day the dashboard's polling line gives for the next look (English or Dutch)."""
    found = re.search(r"(?:Looks next|Kijkt weer) [^.]*?(\d{1,2}:\d{2})", dashboard)
    assert found, dashboard
    return found.group(1).zfill(5)


def dashboard_text(app, merchant: dict) -> str:
    """The dashboard's status block as the merchant sees it (logged in), without its markup."""
    client = app.test_client()
    login(client, merchant)
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    block = html[html.index('id="status"'):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block))


def test_with_a_real_worker_the_retried_poll_job_posts_everything_once(sandboxes, worker):
    """Fetch now, then nothing but the worker: the throttled job is retried at Amazon's refill time
    (RemoteRetryStrategy), each retry goes on from its page, and every order is booked once."""
    merchant = throttled_seller(sandboxes)
    control("/settings", {"rates": {"searchOrders": [1.0, SEARCH_BURST]}})  # a request a second: retries soon
    placed = [place(merchant["spid"], item(f"{20 + n}.00"), status="SHIPPED")["orderId"] for n in range(ORDERS)]
    with db.session_scope() as session:
        assert pollqueue.fetch_now(session, session.get(Connection, merchant["source"].id))
        # Its hourly slot is not during this test: every page below comes from the one fetch.
        session.get(PollState, merchant["source"].id).next_run_at = utcnow() + dt.timedelta(hours=2)
    wait_for(lambda: snelstart_bookings(merchant) == {number: 1 for number in placed}, timeout=90, interval=0.5,
             message="every order booked in SnelStart")
    # Three pages a burst, six pages: the job was stopped at least once, and still no page was read twice.
    pages = [call for call in sandboxes.amazon.calls if call["operation"] == "searchOrders"]
    assert len(pages) == ORDERS // PAGE + 1
    assert len({tuple(call["args"].get("paginationToken", [""])) for call in pages}) == len(pages)
    assert wait_for(lambda: poll_state(merchant).last_error is None and poll_state(merchant).last_finished_at,
                    timeout=30, message="the poll run finished")
    assert sandboxes.snelstart.post_count(merchant["administration"], "verkoopboekingen") == ORDERS


def test_a_search_of_the_marketplace_left_behind_is_not_gone_on_with(sandboxes):
    merchant = throttled_seller(sandboxes)
    control("/settings", {"rates": {"searchOrders": [SEARCH_RATE, 1]}})
    for _ in range(3):
        place(merchant["spid"], item("5.00"), status="SHIPPED")  # Amazon.nl
    throttled = one_scheduled_run(merchant)
    assert throttled is not None and pollcursor.load(merchant["source"].id)[0] is not None
    with db.session_scope() as session:  # the seller connected Amazon.de instead
        source = session.get(Connection, merchant["source"].id)
        source.settings = {**source.settings, "marketplace": "DE"}
    time_passes((throttled.retry_at - utcnow()).total_seconds() + 1)
    assert one_scheduled_run(merchant) is None  # a new search of Amazon.de: one page, nothing in it
    [last] = [call for call in sandboxes.amazon.calls if call["operation"] == "searchOrders"][-1:]
    assert last["args"]["marketplaceIds"] == [DE] and "paginationToken" not in last["args"]
    assert pollcursor.load(merchant["source"].id) == (None, None)
