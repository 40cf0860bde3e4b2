"""Exact's rate limits (per app and division) and its error budget (targets.md §1.3, §1.8 items 4-5)."""
from __future__ import annotations

import collections
import datetime as dt
import math


def _ms(seconds: float) -> str:
    # Exact sends the reset moments as Unix epoch milliseconds (picqer #609).
    return str(int(seconds * 1000))


def _next_midnight(now: float) -> float:
    day = dt.datetime.fromtimestamp(now, dt.timezone.utc).date() + dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()


class RateLimiter:
    """Fixed windows per (client_id, division): calls per minute (reset on the minute) and per UTC day."""

    def __init__(self, minute_limit: int = 60, day_limit: int = 5000):
        self.minute_limit = minute_limit
        self.day_limit = day_limit
        # key -> [minute window start, calls in it, day window start, calls in it]
        self.windows: dict[tuple, list] = {}

    def hit(self, key: tuple, now: float) -> tuple[bool, dict]:
        """Count one call; returns (allowed, headers). A refusal carries only the exhausted window's headers."""
        minute_start = math.floor(now / 60) * 60
        day_end = _next_midnight(now)
        window = self.windows.setdefault(key, [minute_start, 0, day_end, 0])
        if window[0] != minute_start:
            window[0], window[1] = minute_start, 0
        if window[2] != day_end:
            window[2], window[3] = day_end, 0
        if window[3] >= self.day_limit:
            return False, self._daily(window)
        if window[1] >= self.minute_limit:
            return False, self._minutely(window)
        window[1] += 1
        window[3] += 1
        return True, {**self._daily(window), **self._minutely(window)}

    def _daily(self, window: list) -> dict:
        return {
            "X-RateLimit-Limit": str(self.day_limit),
            "X-RateLimit-Remaining": str(max(0, self.day_limit - window[3])),
            "X-RateLimit-Reset": _ms(window[2]),
        }

    def _minutely(self, window: list) -> dict:
        return {
            "X-RateLimit-Minutely-Limit": str(self.minute_limit),
            "X-RateLimit-Minutely-Remaining": str(max(0, self.minute_limit - window[1])),
            "X-RateLimit-Minutely-Reset": _ms(window[0] + 60),
        }


class ErrorBudget:
    """At most ``limit`` 400/401/403/404 answers per key per hour; the next one blocks the key for an hour."""

    COUNTED = frozenset({400, 401, 403, 404})

    def __init__(self, limit: int = 10, window: float = 3600.0, block: float = 3600.0):
        self.limit = limit
        self.window = window
        self.block = block
        self.errors: dict[tuple, collections.deque] = {}
        self.blocked: dict[tuple, float] = {}

    def blocked_until(self, key: tuple, now: float) -> float | None:
        """The end of the block on ``key``, or None when it is not blocked."""
        until = self.blocked.get(key)
        if until is not None and until <= now:
            del self.blocked[key]
            return None
        return until

    def record(self, key: tuple, now: float) -> float | None:
        """Count one error; returns the end of the block this error starts, if it starts one."""
        recent = self.errors.setdefault(key, collections.deque())
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if len(recent) >= self.limit:
            recent.clear()
            self.blocked[key] = now + self.block
            return self.blocked[key]
        recent.append(now)
        return None


def blocked_message(until: float) -> str:
    """The text of the 403 a blocked endpoint answers with."""
    stamp = dt.datetime.fromtimestamp(until, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return ("This endpoint is blocked for this app, user and division until "
            f"{stamp} UTC: more than 10 error responses within one hour.")
