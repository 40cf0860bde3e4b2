"""When polled shops are fetched: each connection at its own time of the night, one run at a time."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tests.support.mijnwebwinkel import make_store_merchant
from tests.support.waiting import wait_for
from worker import db
from worker.models import Order, PollState
from worker.models.base import utcnow
from worker.pipeline import polling, pollqueue, schedule
from worker.connectors.errors import Throttled

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAY, HOUR = dt.timedelta(days=1), dt.timedelta(hours=1)


def test_daily_runs_are_spread_over_the_night_each_connection_at_its_own_time():
    now = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone.utc)
    runs = {cid: schedule.next_run(cid, DAY, now, (1, 6)) for cid in range(1, 41)}
    local = [run.astimezone(AMSTERDAM) for run in runs.values()]
    assert all(1 <= t.hour < 6 for t in local) and len({t.time() for t in local}) >= 35
    assert all(now < run <= now + DAY for run in runs.values())
    assert schedule.next_run(7, DAY, runs[7], (1, 6)) == runs[7] + DAY  # the same time the next night
    summer = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.timezone.utc)
    assert schedule.next_run(7, DAY, summer).astimezone(AMSTERDAM).time() == local[6].time()


def test_hourly_runs_come_every_hour_at_a_minute_of_their_own():
    now = dt.datetime(2026, 12, 2, 12, 0, 30, tzinfo=dt.timezone.utc)
    first = schedule.next_run(3, HOUR, now)
    assert now < first <= now + HOUR and schedule.next_run(3, HOUR, first) == first + HOUR
    assert len({schedule.next_run(cid, HOUR, now).minute for cid in range(1, 21)}) >= 15


def poll_jobs() -> list[tuple]:
    with db.session_scope() as session:
        return session.execute(sa.text("SELECT args->>'connection_id', status FROM procrastinate_jobs "
                                       "WHERE task_name = 'poll_source'")).all()


def test_a_connection_whose_time_came_is_queued_once_even_after_the_worker_was_away_for_days(sandboxes):
    merchant = make_store_merchant(sandboxes)
    source_id = merchant["source"].id
    assert pollqueue.defer_due() == 0  # its first run is tonight
    with db.session_scope() as session:
        state = session.get(PollState, source_id)
        assert state.next_run_at > utcnow()
        state.next_run_at = utcnow() - 3 * DAY  # the worker was down for three nights
    assert pollqueue.defer_due() == 1 and pollqueue.defer_due() == 0
    assert poll_jobs() == [(str(source_id), "todo")]
    with db.session_scope() as session:
        assert session.get(PollState, source_id).next_run_at > utcnow()


def test_a_real_worker_runs_the_queued_fetch(sandboxes, worker):
    merchant = make_store_merchant(sandboxes)
    sandboxes.mijnwebwinkel.add_order(merchant["store_token"], {"status": 1})
    with db.session_scope() as session:
        source = session.get(type(merchant["source"]), merchant["source"].id)
        assert pollqueue.fetch_now(session, source)
    wait_for(lambda: _finished(merchant["source"].id), timeout=30, message="the fetch")
    with db.session_scope() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Order)).scalar() == 1


def _finished(source_id: int) -> bool:
    with db.session_scope() as session:
        state = session.get(PollState, source_id)
        return bool(state and state.last_finished_at)


def test_a_throttled_run_moves_nothing_and_the_next_run_stores_everything_once(sandboxes):
    merchant = make_store_merchant(sandboxes)
    store = sandboxes.mijnwebwinkel
    for _ in range(3):
        store.add_order(merchant["store_token"], {"status": 1})
    store.requests_per_minute = 2  # the fetch gets its two lists; re-reading is refused
    store.clock.advance(61)  # a new minute: connecting spent the last one
    source_id = merchant["source"].id
    polling.run(source_id)
    with db.session_scope() as session:  # a day later: three orders wait in Open, no longer changing
        session.execute(sa.update(Order).values(status_checked_at=utcnow() - DAY))
        state = session.get(PollState, source_id)
        state.watermark = watermark = state.watermark + DAY
    store.clock.advance(61)
    try:
        polling.run(source_id)
    except Throttled:
        pass
    else:
        raise AssertionError("the store's rate limit was not noticed")
    with db.session_scope() as session:
        state = session.get(PollState, source_id)
        assert state.last_error and state.watermark == watermark
    store.requests_per_minute = 100
    store.clock.advance(61)
    polling.run(source_id)
    with db.session_scope() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Order)).scalar() == 3
        assert session.get(PollState, source_id).last_error is None
