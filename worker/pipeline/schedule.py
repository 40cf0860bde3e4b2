"""When a polled connection runs next: every ``poll_interval``, at a time of its own.

Connections must not all run at once (a daily batch at 00:00 for every merchant would hammer each
shop's API and our workers together), so each connection gets a fixed offset derived from its id:
within the source's ``poll_hours`` of the night for daily (or longer) intervals, within the interval
otherwise. The offset comes from a multiplicative hash, so consecutive ids land far apart.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Amsterdam")  # our merchants' night
DAY = dt.timedelta(days=1)
GOLDEN = 2654435761  # Knuth's multiplicative hash constant


def spread(connection_id: int, span_seconds: int) -> int:
    """A stable offset in [0, span_seconds), whole minutes, different for neighbouring ids."""
    minutes = max(1, span_seconds // 60)
    return ((connection_id * GOLDEN) % 2**32) * minutes // 2**32 * 60


def next_run(connection_id: int, interval: dt.timedelta, after: dt.datetime,
             hours: tuple[int, int] = (1, 6)) -> dt.datetime:
    """The connection's first run time strictly after ``after`` (aware, UTC); daily when ``interval`` is a day or more."""
    if interval >= DAY:
        first, last = hours
        offset = dt.timedelta(hours=first, seconds=spread(connection_id, (last - first) * 3600))
        day = after.astimezone(LOCAL).date()
        while True:  # wall-clock time in Amsterdam (aware + timedelta), so summer time keeps the hour
            candidate = (dt.datetime.combine(day, dt.time(), LOCAL) + offset).astimezone(dt.timezone.utc)
            if candidate > after:
                return candidate
            day += DAY
    step = int(interval.total_seconds())
    offset = spread(connection_id, step)
    epoch = int(after.timestamp())
    start = epoch - (epoch - offset) % step
    candidate = start if start > after.timestamp() else start + step
    return dt.datetime.fromtimestamp(candidate, dt.timezone.utc)
